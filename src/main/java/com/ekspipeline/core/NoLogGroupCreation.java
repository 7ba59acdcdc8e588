package com.ekspipeline.core;

import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.services.iam.CfnPolicy;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * An explicit deny of {@code logs:CreateLogGroup} for a role whose log groups the stack creates: it
 * outweighs the allow in AWS's managed policies (AWSLambdaBasicExecutionRole, CloudWatchAgentServerPolicy),
 * so that a late write after {@code cdk destroy} deleted a group cannot create it again, outside any stack
 * and with no retention. Make the groups depend on it, so that it is deleted after them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
public final class NoLogGroupCreation {

    static final String ID = "DenyLogGroupCreation";

    private NoLogGroupCreation() {
    }

    /** The deny beside {@code role} (its L1 resource), made once however many callers ask. */
    public static CfnResource forRole(final CfnResource role) {
        final Construct scope = (Construct) role.getNode().getScope();
        if (scope.getNode().tryFindChild(ID) instanceof CfnPolicy existing) {
            return existing;
        }
        return CfnPolicy.Builder.create(scope, ID)
                .policyName("deny-log-group-creation")
                .roles(List.of(role.getRef()))
                // Sorted: Map.of's order changes from one JVM to the next, and so would the template's text.
                .policyDocument(SortedJson.of(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Sid", "LogGroupsComeFromTheStack",
                        "Effect", "Deny",
                        "Action", "logs:CreateLogGroup",
                        "Resource", "*")))))
                .build();
    }
}
