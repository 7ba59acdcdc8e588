package com.ekspipeline.core;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

import java.util.List;

/**
 * cdk-nag suppressions, one finding at a time: the rule, the construct (with its children, so a role
 * covers its default policy), for IAM wildcards the exact wildcard, and why it is acceptable there.
 * The nag check in the tests fails on any finding not excused here.
 */
public final class Nag {

    private Nag() {
    }

    /** Suppresses {@code rule} on {@code target} and its children; {@code appliesTo} narrows IAM findings. */
    public static void suppress(final IConstruct target, final String rule, final String reason,
                                final Object... appliesTo) {
        NagSuppressions.addResourceSuppressions(target, List.of(suppression(rule, reason, appliesTo)), true);
    }

    /** For constructs CDK creates internally (providers, singletons), addressed by path in {@code stack}. */
    public static void suppressPath(final Stack stack, final String path, final String rule, final String reason,
                                    final Object... appliesTo) {
        NagSuppressions.addResourceSuppressionsByPath(stack, "/" + stack.getNode().getId() + "/" + path,
                List.of(suppression(rule, reason, appliesTo)), true);
    }

    private static NagPackSuppression suppression(final String rule, final String reason, final Object... appliesTo) {
        final NagPackSuppression.Builder builder = NagPackSuppression.builder().id(rule).reason(reason);
        if (appliesTo.length > 0) {
            builder.appliesTo(List.of(appliesTo));
        }
        return builder.build();
    }

    /** An {@code appliesTo} entry matching findings by regular expression, for names with generated IDs. */
    public static RegexAppliesTo matching(final String regex) {
        return RegexAppliesTo.builder().regex("/" + regex + "/g").build();
    }

    /** The child of {@code stack} whose ID starts with {@code prefix}: CDK's singletons carry a hash. */
    public static IConstruct childStartingWith(final Stack stack, final String prefix) {
        return stack.getNode().getChildren().stream().filter(c -> c.getNode().getId().startsWith(prefix))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + prefix + "* in " + stack));
    }

    /** {@code Policy::arn:<AWS::Partition>:iam::aws:policy/<name>}, as cdk-nag names a managed policy. */
    public static String managedPolicy(final String name) {
        return "Policy::arn:<AWS::Partition>:iam::aws:policy/" + name;
    }
}
