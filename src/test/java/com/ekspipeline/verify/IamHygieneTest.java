package com.ekspipeline.verify;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IAM across every stack: no statement allows every action, and every wildcard resource sits in a
 * policy that carries a cdk-nag IAM5 suppression with its reason (the nag check proves each one is
 * matched to its exact wildcard). Once for each configuration with every optional part on (own VPC, existing VPC).
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"everything-on", "own-vpc"})
class IamHygieneTest {

    private static final List<String> IDENTITY_POLICY_TYPES = List.of("AWS::IAM::Policy", "AWS::IAM::Role",
            "AWS::IAM::ManagedPolicy");

    private final Map<String, Map<String, Map<String, Object>>> stacks;

    IamHygieneTest(final String configuration) {
        stacks = Synths.resources(configuration);
    }

    /** Every identity-policy statement in every stack, with where it is (policies and inline role policies). */
    @SuppressWarnings("unchecked")
    private List<Map.Entry<String, Map<String, Object>>> statements() {
        final List<Map.Entry<String, Map<String, Object>>> all = new ArrayList<>();
        stacks.forEach((stack, resources) -> resources.forEach((id, resource) -> {
                    if (!IDENTITY_POLICY_TYPES.contains(resource.get("Type"))) {
                        return; // bucket and topic policies name their own resource; CDK's grants write them
                    }
                    final Map<String, Object> properties = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
                    final List<Map<String, Object>> documents = new ArrayList<>();
                    if (properties.get("PolicyDocument") instanceof Map<?, ?> document) {
                        documents.add((Map<String, Object>) document);
                    }
                    if (properties.get("Policies") instanceof List<?> inline) {
                        inline.forEach(p -> documents.add((Map<String, Object>) ((Map<?, ?>) p).get("PolicyDocument")));
                    }
                    documents.forEach(d -> ((List<Map<String, Object>>) d.get("Statement"))
                            .forEach(s -> all.add(Map.entry(stack + "/" + id, s))));
                }));
        return all;
    }

    @Test
    void noStatementAllowsEveryActionOfEveryOrAnyService() {
        final List<String> offenders = statements().stream()
                .filter(s -> "Allow".equals(s.getValue().get("Effect")))
                .filter(s -> Resources.strings(s.getValue().get("Action")).stream().anyMatch(a -> a.equals("*") || a.endsWith(":*")))
                .map(s -> s.getKey() + " " + s.getValue().get("Action")).toList();
        assertEquals(List.of(), offenders);
        assertFalse(statements().isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyWildcardResourceCarriesAReasonedSuppression() {
        final List<String> unexplained = new ArrayList<>();
        int wildcards = 0;
        for (final Map.Entry<String, Map<String, Object>> statement : statements()) {
            if (!"Allow".equals(statement.getValue().get("Effect"))
                    || Resources.strings(statement.getValue().get("Resource")).stream().noneMatch(r -> r.contains("*"))) {
                continue;
            }
            wildcards++;
            final String[] where = statement.getKey().split("/", 2);
            final Map<String, Object> resource = stacks.get(where[0]).get(where[1]);
            final Object nag = ((Map<String, Object>) resource.getOrDefault("Metadata", Map.of())).get("cdk_nag");
            final boolean reasoned = nag instanceof Map<?, ?> m && m.get("rules_to_suppress") instanceof List<?> rules
                    && rules.stream().map(r -> (Map<String, Object>) r).anyMatch(r ->
                    "AwsSolutions-IAM5".equals(r.get("id")) && String.valueOf(r.get("reason")).length() >= 40);
            if (!reasoned) {
                unexplained.add(statement.getKey() + " " + statement.getValue().get("Resource"));
            }
        }
        assertTrue(wildcards > 0, "the check saw the wildcards it is about");
        assertEquals(List.of(), unexplained);
    }
}
