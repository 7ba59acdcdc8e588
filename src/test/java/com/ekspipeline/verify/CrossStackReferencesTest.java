package com.ekspipeline.verify;

import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stacks read each other's values with {@code Fn::GetStackOutput} (weak references, cdk.json's
 * {@code @aws-cdk/core:defaultCrossStackReferences}), which CloudFormation accepts only in some places:
 * resource properties and outputs, and inside {@code Fn::Join}, {@code Fn::If}, {@code Fn::Select},
 * {@code Fn::Sub} and {@code Fn::Base64}, as live deployments showed (aws-cloudformation/cfn-lint#4495, #4519);
 * not inside {@code Fn::Split} (aws-cdk#37948), {@code Fn::ImportValue} or a condition. cfn-lint's E1022 says
 * so too, and no template may ask it to look away.
 */
class CrossStackReferencesTest {

    private static final Set<String> ACCEPTED_INSIDE = Set.of("Fn::Join", "Fn::If", "Fn::Select", "Fn::Sub",
            "Fn::Base64");

    @Test
    void everyStackOutputIsReadWhereCloudFormationTakesIt() {
        final List<String> misplaced = new ArrayList<>();
        int found = 0;
        for (final String configuration : TestContext.names()) {
            for (final Stack stack : Synths.named(configuration).stacks()) {
                final Map<String, Object> template = Synthesized.json(stack);
                found += walk(template.get("Resources"), null, configuration + "/" + stack.getStackName(), misplaced);
                walk(template.get("Outputs"), null, configuration + "/" + stack.getStackName(), misplaced);
                if (template.get("Conditions") != null) {
                    final List<String> inConditions = new ArrayList<>();
                    if (walk(template.get("Conditions"), null, "", inConditions) > 0) {
                        misplaced.add(configuration + "/" + stack.getStackName() + ": in Conditions");
                    }
                }
            }
        }
        assertTrue(found > 0, "the check saw the stack outputs it is about");
        assertEquals(List.of(), misplaced);
    }

    @Test
    void theLoadBalancerControllersTrustReadsTheIssuerTheClusterStackSplitItself() {
        final Map<String, Object> outputs = Synthesized.json(Synths.defaults().cluster()).get("Outputs")
                instanceof Map<?, ?> m ? cast(m) : Map.of();
        final Object issuer = cast(outputs.get("OidcIssuer")).get("Value");
        assertTrue(issuer.toString().contains("Fn::Split") && issuer.toString().contains(":oidc-provider/")
                && issuer.toString().contains("Ref"), "split from the provider's own ARN, in its stack: " + issuer);
        final String nodes = Synthesized.json(Synths.defaults().nodes()).toString();
        assertTrue(nodes.contains("OutputName=OidcIssuer"), "the Nodes stack reads the output");
        assertTrue(nodes.contains(":sub\":\"system:serviceaccount:kube-system:aws-load-balancer-controller\"}"), nodes);
    }

    /** The number of Fn::GetStackOutput under {@code node}; each one inside a function it is not accepted in is listed. */
    private static int walk(final Object node, final String inside, final String where, final List<String> misplaced) {
        int count = 0;
        if (node instanceof Map<?, ?> map) {
            for (final Map.Entry<?, ?> entry : map.entrySet()) {
                final String key = String.valueOf(entry.getKey());
                if ("Fn::GetStackOutput".equals(key)) {
                    count++;
                    if (inside != null && !ACCEPTED_INSIDE.contains(inside)) {
                        misplaced.add(where + ": " + key + " inside " + inside + " " + entry.getValue());
                    }
                }
                count += walk(entry.getValue(), key.startsWith("Fn::") ? key : inside, where, misplaced);
            }
        } else if (node instanceof List<?> list) {
            for (final Object item : list) {
                count += walk(item, inside, where, misplaced);
            }
        }
        return count;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(final Object map) {
        return (Map<String, Object>) map;
    }
}
