package com.ekspipeline.cluster;

import com.ekspipeline.core.Nag;
import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.eks.CfnAccessEntry;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpenter's two identities: the controller's role, which its pods assume through EKS Pod Identity, and the
 * role of the nodes it launches, admitted to the cluster by an access entry of type {@code EC2_LINUX}.
 *
 * <p>The controller's policy is the one Karpenter publishes for its getting-started guide
 * (karpenter-provider-aws, website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml,
 * v1.14), statement for statement and with its Sids. Narrower than published: every ARN names this account
 * (published: {@code *}); RunInstances may not use capacity reservations or placement groups, which our
 * EC2NodeClass never selects; the node role lacks AmazonSSMManagedInstanceCore (no Session Manager on nodes).
 */
final class KarpenterIdentity extends Construct {

    static final String NAMESPACE = "kube-system";
    static final String SERVICE_ACCOUNT = "karpenter";

    private final Role controller;
    private final Role nodeRole;
    private final CfnAccessEntry nodeAccess;
    private final PodIdentityRole identity;

    KarpenterIdentity(final Construct scope, final String id, final ClusterInfo info, final IQueue queue) {
        super(scope, id);
        final Stack stack = Stack.of(this);
        final String cluster = info.name();
        nodeRole = Role.Builder.create(this, "NodeRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Nodes Karpenter launches for EKS cluster " + cluster)
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("AmazonEKSWorkerNodePolicy"),
                        ManagedPolicy.fromAwsManagedPolicyName("AmazonEKS_CNI_Policy"),
                        ManagedPolicy.fromAwsManagedPolicyName("AmazonEC2ContainerRegistryPullOnly")))
                .build();
        // EC2_LINUX: EKS maps the role to system:nodes itself (access-entries.html, "Create access entries").
        nodeAccess = CfnAccessEntry.Builder.create(this, "NodeAccess")
                .clusterName(info.cluster().getClusterName())
                .principalArn(nodeRole.getRoleArn())
                .type("EC2_LINUX")
                .build();

        identity = new PodIdentityRole(this, "Identity", info.cluster(), NAMESPACE, SERVICE_ACCOUNT);
        controller = identity.getRole();
        final String ec2 = "arn:" + stack.getPartition() + ":ec2:" + stack.getRegion() + ":";
        final String own = ec2 + stack.getAccount() + ":";
        final String iam = "arn:" + stack.getPartition() + ":iam::" + stack.getAccount() + ":instance-profile/*";
        final String owned = "kubernetes.io/cluster/" + cluster;
        final List<String> launched = List.of(own + "fleet/*", own + "instance/*", own + "volume/*",
                own + "network-interface/*", own + "launch-template/*", own + "spot-instances-request/*");
        final Map<String, Object> requestTags = Map.of("aws:RequestTag/" + owned, "owned",
                "aws:RequestTag/eks:eks-cluster-name", cluster);
        final Map<String, Object> ownedResource = Map.of("StringEquals", Map.of("aws:ResourceTag/" + owned, "owned"),
                "StringLike", Map.of("aws:ResourceTag/karpenter.sh/nodepool", "*"));

        allow("AllowScopedEC2InstanceAccessActions", List.of("ec2:RunInstances", "ec2:CreateFleet"),
                List.of(ec2 + ":image/*", ec2 + ":snapshot/*", own + "security-group/*", own + "subnet/*"), Map.of());
        allow("AllowScopedEC2LaunchTemplateAccessActions", List.of("ec2:RunInstances", "ec2:CreateFleet"),
                List.of(own + "launch-template/*"), ownedResource);
        allow("AllowScopedEC2InstanceActionsWithTags", List.of("ec2:RunInstances", "ec2:CreateFleet",
                "ec2:CreateLaunchTemplate"), launched, Map.of("StringEquals", requestTags,
                "StringLike", Map.of("aws:RequestTag/karpenter.sh/nodepool", "*")));
        final Map<String, Object> creating = new HashMap<>(requestTags);
        creating.put("ec2:CreateAction", List.of("RunInstances", "CreateFleet", "CreateLaunchTemplate"));
        allow("AllowScopedResourceCreationTagging", List.of("ec2:CreateTags"), launched, Map.of(
                "StringEquals", creating, "StringLike", Map.of("aws:RequestTag/karpenter.sh/nodepool", "*")));
        allow("AllowScopedResourceTagging", List.of("ec2:CreateTags"), List.of(own + "instance/*"), Map.of(
                "StringEquals", Map.of("aws:ResourceTag/" + owned, "owned"),
                "StringLike", Map.of("aws:ResourceTag/karpenter.sh/nodepool", "*"),
                "StringEqualsIfExists", Map.of("aws:RequestTag/eks:eks-cluster-name", cluster),
                "ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of("eks:eks-cluster-name",
                        "karpenter.sh/nodeclaim", "Name"))));
        allow("AllowScopedDeletion", List.of("ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"),
                List.of(own + "instance/*", own + "launch-template/*"), ownedResource);

        allow("AllowPassingInstanceRole", List.of("iam:PassRole"), List.of(nodeRole.getRoleArn()), Map.of(
                "StringEquals", Map.of("iam:PassedToService", List.of("ec2.amazonaws.com", "ec2.amazonaws.com.cn"))));
        final Map<String, Object> profileTags = Map.of("aws:RequestTag/" + owned, "owned",
                "aws:RequestTag/eks:eks-cluster-name", cluster, "aws:RequestTag/topology.kubernetes.io/region",
                stack.getRegion());
        allow("AllowScopedInstanceProfileCreationActions", List.of("iam:CreateInstanceProfile"), List.of(iam), Map.of(
                "StringEquals", profileTags,
                "StringLike", Map.of("aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", "*")));
        final Map<String, Object> ownedProfile = Map.of("aws:ResourceTag/" + owned, "owned",
                "aws:ResourceTag/topology.kubernetes.io/region", stack.getRegion());
        final Map<String, Object> tagging = new HashMap<>(ownedProfile);
        tagging.putAll(profileTags);
        allow("AllowScopedInstanceProfileTagActions", List.of("iam:TagInstanceProfile"), List.of(iam), Map.of(
                "StringEquals", tagging, "StringLike", Map.of("aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", "*",
                        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", "*")));
        allow("AllowScopedInstanceProfileActions", List.of("iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"), List.of(iam), Map.of(
                "StringEquals", ownedProfile,
                "StringLike", Map.of("aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", "*")));

        final String clusterArn = "arn:" + stack.getPartition() + ":eks:" + stack.getRegion() + ":" + stack.getAccount()
                + ":cluster/" + cluster;
        allow("AllowAPIServerEndpointDiscovery", List.of("eks:DescribeCluster"), List.of(clusterArn), Map.of());
        allow("AllowInterruptionQueueActions", List.of("sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"),
                List.of(queue.getQueueArn()), Map.of());
        // Describe calls and these reads support no resource-level permissions (Service Authorization Reference).
        allow("AllowZonalShiftStatusReadOnly", List.of("arc-zonal-shift:GetManagedResource"), List.of("*"), Map.of(
                "StringEquals", Map.of("arc-zonal-shift:ResourceIdentifier", clusterArn)));
        allow("AllowRegionalReadActions", List.of("ec2:DescribeCapacityReservations", "ec2:DescribeImages",
                "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets"), List.of("*"),
                Map.of("StringEquals", Map.of("aws:RequestedRegion", stack.getRegion())));
        allow("AllowSSMReadActions", List.of("ssm:GetParameter"), List.of("arn:" + stack.getPartition() + ":ssm:"
                + stack.getRegion() + "::parameter/aws/service/*"), Map.of());
        allow("AllowPricingReadActions", List.of("pricing:GetProducts"), List.of("*"), Map.of());
        allow("AllowUnscopedInstanceProfileListAction", List.of("iam:ListInstanceProfiles"), List.of("*"), Map.of());
        allow("AllowInstanceProfileReadActions", List.of("iam:GetInstanceProfile"), List.of(iam), Map.of());

        Nag.suppress(nodeRole, "AwsSolutions-IAM4", "The policies Karpenter's guide gives its node role, as a "
                + "managed node group's role has them (SSM's left out).", Nag.managedPolicy("AmazonEKSWorkerNodePolicy"),
                Nag.managedPolicy("AmazonEKS_CNI_Policy"), Nag.managedPolicy("AmazonEC2ContainerRegistryPullOnly"));
        Nag.suppress(controller, "AwsSolutions-IAM5", "Karpenter's published controller policy: instances, fleets, "
                + "launch templates and instance profiles get generated IDs, so each wildcard ARN is limited by the "
                + "cluster's owned tag and a Karpenter tag; the Describe*, pricing, ListInstanceProfiles and zonal shift "
                + "reads take no resource; SSM reads are AWS's public parameters.",
                "Resource::*", Nag.matching("^Resource::arn:[^:]+:(ec2|iam|ssm):.*\\*$"));
    }

    private void allow(final String sid, final List<String> actions, final List<String> resources,
                       final Map<String, Object> conditions) {
        controller.addToPrincipalPolicy(PolicyStatement.Builder.create().sid(sid).actions(actions)
                .resources(resources).conditions(SortedJson.of(conditions)).build());
    }

    Role nodeRole() {
        return nodeRole;
    }

    /** The nodes join through it, so the EC2NodeClass naming the role waits for it. */
    CfnAccessEntry nodeAccess() {
        return nodeAccess;
    }

    /** The role and its association: the controller's pods must start with credentials. */
    PodIdentityRole identity() {
        return identity;
    }
}
