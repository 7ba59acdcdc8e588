package com.ekspipeline.pipeline;

import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ssm.ParameterTier;
import software.amazon.awscdk.services.ssm.StringParameter;

/**
 * Which commit of this repository the app runs: a stack parameter, {@value #PARAMETER}, that
 * {@code scripts/deploy-plan record} sets after a deploy's health check (an update of this stack with its
 * previous template), and the next plan reads back from DescribeStacks to review against what runs.
 *
 * <p>Why a parameter and not a stack tag: CloudFormation propagates stack-level tags to every resource of
 * the stack that supports tags, so a tag whose value changed on every deploy would update every taggable
 * resource each time (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html).
 * Why a resource reads it: the record's update must change a resource; the User Guide's Outputs page long
 * said "you cannot update outputs by themselves" (only with a change that adds, modifies or deletes a
 * resource). One standard-tier SSM parameter (free) is the only resource this update touches, it is
 * deleted with the stack, and it lets a person read the commit with {@code aws ssm get-parameter} too. Until the first record, its value is {@value #UNRECORDED}.
 */
final class DeployedCommitRecord {

    /** The stack parameter holding the deployed commit. */
    static final String PARAMETER = "DeployedCommit";
    /** Its value before the first record. */
    static final String UNRECORDED = "unrecorded";

    private DeployedCommitRecord() {
    }

    /** @param appName names the SSM parameter, /{appName}/deployed-commit (two apps in one account never clash) */
    static void create(final Stack scope, final String appName) {
        final CfnParameter commit = CfnParameter.Builder.create(scope, PARAMETER)
                .type("String")
                .defaultValue(UNRECORDED)
                // A full commit ID only: a branch name or a short ID would not say what runs.
                .allowedPattern("^(" + UNRECORDED + "|[0-9a-f]{40})$")
                .description("The commit of the infrastructure's repository this app was last deployed from "
                        + "(scripts/deploy-plan record)")
                .build();
        StringParameter.Builder.create(scope, "DeployedCommitValue")
                .parameterName("/" + appName + "/deployed-commit")
                .description("The commit " + appName + " was last deployed from (the stack parameter " + PARAMETER + ")")
                .stringValue(commit.getValueAsString())
                .tier(ParameterTier.STANDARD)
                .build();
    }
}
