package com.ekspipeline.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one synth of an app made of a stack: its template and the warnings synth reported on it.
 *
 * <p>{@code Template.fromStack} and {@code Annotations.fromStack} synthesize the whole app again on every call
 * (CDK's assertions pass {@code force: true}), which is seconds of jsii calls for each question about an app
 * the tests only read. Here the first question synthesizes the app ({@code App.synth()}, whose assembly CDK
 * keeps for the next call) and every stack's template and messages are read from that assembly. So it is for
 * apps nothing is added to after they are first read: those {@link TestContext#deploy()} shares. A check that
 * adds to an app (cdk-nag's aspects) asks CDK's assertions itself.
 */
public final class Synthesized {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Stack, String> TEMPLATES = new IdentityHashMap<>();
    private static final Map<Stack, List<SynthesisMessage>> MESSAGES = new IdentityHashMap<>();

    private Synthesized() {
    }

    /** The stack's template, for CDK's assertions. */
    public static Template template(final Stack stack) {
        return Template.fromJSON(json(stack));
    }

    /** The stack's whole template, a copy of its own for the caller (as {@code Template.toJSON()} gives). */
    public static Map<String, Object> json(final Stack stack) {
        try {
            return JSON.readValue(text(stack), new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized String text(final Stack stack) {
        return TEMPLATES.computeIfAbsent(stack, key -> {
            try {
                return Files.readString(Path.of(artifact(key).getTemplateFullPath()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The stack's resources by logical ID. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> resources(final Stack stack) {
        return (Map<String, Map<String, Object>>) json(stack).get("Resources");
    }

    /**
     * Asserts a warning on the construct at {@code path} ({@code *}: anywhere in the stack) in which
     * {@code regex} is found, as {@code Annotations.hasWarning(path, Match.stringLikeRegexp(regex))} does.
     */
    public static void hasWarning(final Stack stack, final String path, final String regex) {
        assertTrue(matching(stack, path, regex), () -> "no warning at " + path + " matches /" + regex + "/; the stack's"
                + " warnings: " + warnings(stack));
    }

    /** Asserts that no warning on the construct at {@code path} ({@code *}: anywhere) matches {@code regex}. */
    public static void hasNoWarning(final Stack stack, final String path, final String regex) {
        assertFalse(matching(stack, path, regex), () -> "a warning at " + path + " matches /" + regex + "/: "
                + warnings(stack));
    }

    private static boolean matching(final Stack stack, final String path, final String regex) {
        final Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        return messages(stack).stream()
                .filter(message -> message.getLevel() == SynthesisMessageLevel.WARNING)
                .filter(message -> "*".equals(path) || path.equals(message.getId()))
                .anyMatch(message -> pattern.matcher(String.valueOf(message.getEntry().getData())).find());
    }

    private static List<String> warnings(final Stack stack) {
        return messages(stack).stream().filter(message -> message.getLevel() == SynthesisMessageLevel.WARNING)
                .map(message -> message.getId() + ": " + message.getEntry().getData()).toList();
    }

    private static synchronized List<SynthesisMessage> messages(final Stack stack) {
        return MESSAGES.computeIfAbsent(stack, key -> List.copyOf(artifact(key).getMessages()));
    }

    private static CloudFormationStackArtifact artifact(final Stack stack) {
        return Stage.of(stack).synth().getStackArtifact(stack.getArtifactId());
    }
}
