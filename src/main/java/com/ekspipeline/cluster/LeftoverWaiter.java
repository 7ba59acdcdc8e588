package com.ekspipeline.cluster;

import com.ekspipeline.core.FunctionIdentity;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.PythonFunction;
import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.eks.CfnAccessEntry;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The leftover waiter: a custom resource that {@code cdk destroy} deletes after the stage namespaces and
 * before the load balancer controller, the EBS CSI driver and the nodes ({@link ClusterOrder#checksWhatNamespacesLeft}).
 * Its delete ({@code lambda/leftover_waiter}) waits until no PersistentVolume of the app's storage class, no
 * VolumeAttachment and no load balancer or target group the controller tagged for the cluster remains, and
 * fails the destroy with one line naming what is left if one still does after {@link #WAIT}.
 *
 * <p>The function answers within one invocation: {@link #WAIT} plus its answer fits in Lambda's 15 minutes,
 * and CloudFormation waits an hour for a custom resource. It reaches the cluster's private endpoint from the
 * private subnets with a security group of its own ({@link VpcFunctionSecurityGroup}), as a Kubernetes
 * group allowed to list volumes and volume attachments and nothing else.
 */
public final class LeftoverWaiter extends Construct {

    /** The custom resource's type. */
    static final String TYPE = "Custom::LeftoverWaiter";

    /** The Kubernetes group the function's access entry maps it to. */
    static final String KUBERNETES_GROUP = "leftover-waiter";

    /**
     * How long a destroy waits for the last volume or load balancer to go. The namespace's delete has already
     * waited for its pods and claims; what remains is the CSI driver detaching and deleting each volume,
     * usually a minute or two.
     */
    static final Duration WAIT = Duration.minutes(13);

    /** @param vpc the function runs in its private subnets, to reach the cluster's private endpoint */
    public LeftoverWaiter(final Construct scope, final String id, final ClusterInfo info, final IVpc vpc) {
        super(scope, id);
        final Stack stack = Stack.of(this);
        final FunctionIdentity identity = FunctionIdentity.create(this, "Logs", "Role",
                "Checks that " + info.name() + "'s namespaces left no volume or load balancer behind");
        final Role role = identity.role();
        role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole"));
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadCluster")
                .actions(List.of("eks:DescribeCluster"))
                .resources(List.of("arn:" + stack.getPartition() + ":eks:" + stack.getRegion() + ":" + stack.getAccount()
                        + ":cluster/" + info.name()))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ListLoadBalancers")
                .actions(List.of("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups",
                        "elasticloadbalancing:DescribeTags"))
                // These three take no resource: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
                .resources(List.of("*"))
                .build());

        final SecurityGroup group = VpcFunctionSecurityGroup.create(this, "SecurityGroup", vpc,
                "Leftover waiter of " + info.name() + ": HTTPS to the cluster private endpoint and AWS APIs");
        final Function function = PythonFunction.builder(this, "Function", "leftover_waiter", "leftover_waiter.handler")
                .role(role)
                .description("Fails cdk destroy if " + info.name() + "'s namespaces left volumes or load balancers")
                .timeout(Duration.minutes(15))
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .securityGroups(List.of(group))
                .environment(Map.of("CLUSTER_NAME", info.name(), "STORAGE_CLASS", DefaultStorageClass.NAME,
                        "WAIT_SECONDS", String.valueOf(WAIT.toSeconds().intValue())))
                .logGroup(identity.logs())
                .build();
        VpcFunctionSecurityGroup.reachEndpoint(this, "ToEndpoint", group, info.cluster(), function);

        final CfnAccessEntry access = CfnAccessEntry.Builder.create(this, "Access")
                .clusterName(info.cluster().getClusterName())
                .principalArn(role.getRoleArn())
                .type("STANDARD")
                .kubernetesGroups(List.of(KUBERNETES_GROUP))
                .build();
        final KubernetesManifest rbac = KubernetesManifest.Builder.create(this, "Rbac")
                .cluster(info.cluster())
                .manifest(rbac())
                .build();

        final CustomResource check = CustomResource.Builder.create(this, "Check")
                .serviceToken(function.getFunctionArn())
                .resourceType(TYPE)
                .build();
        // Its delete lists through these, so they go after it.
        check.getNode().addDependency(access, rbac, role);
        info.order().checksWhatNamespacesLeft(check);

        Nag.suppress(role, "AwsSolutions-IAM4", "AWS's policy for a Lambda function in a VPC: its logs and the "
                + "network interfaces Lambda creates in the private subnets.",
                Nag.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole"));
        Nag.suppress(role, "AwsSolutions-IAM5", "DescribeLoadBalancers, DescribeTargetGroups and DescribeTags "
                + "support no resource-level permissions; the function only reads.", "Resource::*");
    }

    /** A ClusterRole that may list volumes and attachments, bound to the function's Kubernetes group. */
    private static List<Map<String, Object>> rbac() {
        final String api = "rbac.authorization.k8s.io";
        final Map<String, String> metadata = Map.of("name", KUBERNETES_GROUP);
        return List.of(
                SortedJson.of(Map.of("apiVersion", api + "/v1", "kind", "ClusterRole", "metadata", metadata,
                        "rules", List.of(
                                Map.of("apiGroups", List.of(""), "resources", List.of("persistentvolumes"),
                                        "verbs", List.of("list")),
                                Map.of("apiGroups", List.of("storage.k8s.io"), "resources", List.of("volumeattachments"),
                                        "verbs", List.of("list"))))),
                SortedJson.of(Map.of("apiVersion", api + "/v1", "kind", "ClusterRoleBinding", "metadata", metadata,
                        "roleRef", Map.of("apiGroup", api, "kind", "ClusterRole", "name", KUBERNETES_GROUP),
                        "subjects", List.of(Map.of("apiGroup", api, "kind", "Group", "name", KUBERNETES_GROUP)))));
    }
}
