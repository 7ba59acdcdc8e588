package com.ekspipeline.cluster;

import com.ekspipeline.core.FunctionIdentity;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.PythonFunction;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * A custom resource whose delete ({@code lambda/karpenter_waiter}) waits, after Karpenter's NodePools are
 * deleted, until no instance Karpenter launched for the cluster is left, and fails the destroy with one line
 * naming them if one still runs after {@link #WAIT}; modelled on {@link LeftoverWaiter}. It needs only EC2's
 * DescribeInstances, so it runs outside the VPC.
 */
final class KarpenterInstanceWaiter extends Construct {

    static final String TYPE = "Custom::KarpenterInstanceWaiter";
    /** Karpenter drains and terminates a NodePool's nodes in parallel; a node's drain rarely takes minutes. */
    static final Duration WAIT = Duration.minutes(13);

    private final CustomResource check;

    KarpenterInstanceWaiter(final Construct scope, final String id, final ClusterInfo info) {
        super(scope, id);
        final FunctionIdentity identity = FunctionIdentity.create(this, "Logs", "Role",
                "Checks that Karpenter left no instance of " + info.name() + " running");
        identity.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ListInstances")
                .actions(List.of("ec2:DescribeInstances"))
                // DescribeInstances supports no resource-level permissions (Service Authorization Reference, EC2).
                .resources(List.of("*"))
                .build());
        final Function function = PythonFunction.builder(this, "Function", "karpenter_waiter",
                        "karpenter_waiter.handler")
                .role(identity.role())
                .description("Fails cdk destroy if Karpenter's instances of " + info.name() + " still run")
                .timeout(Duration.minutes(15))
                .environment(Map.of("CLUSTER_NAME", info.name(),
                        "WAIT_SECONDS", String.valueOf(WAIT.toSeconds().intValue())))
                .logGroup(identity.logs())
                .build();
        check = CustomResource.Builder.create(this, "Check")
                .serviceToken(function.getFunctionArn())
                .resourceType(TYPE)
                .build();
        check.getNode().addDependency(identity.role());
        Nag.suppress(identity.role(), "AwsSolutions-IAM5", "DescribeInstances supports no resource-level "
                + "permissions; the function only reads.", "Resource::*");
    }

    CustomResource check() {
        return check;
    }
}
