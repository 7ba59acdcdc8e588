package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.core.Nag;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.eks_v2.AccessEntry;
import software.amazon.awscdk.services.eks_v2.AccessPolicy;
import software.amazon.awscdk.services.eks_v2.AccessPolicyNameOptions;
import software.amazon.awscdk.services.eks_v2.AccessScopeType;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IAlias;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One deploy project per stage, each in the VPC's private subnets (it reaches the cluster through its
 * private endpoint) with a role that EKS lets act only in that stage's namespace: a staging release can
 * never touch production. Created in the stack's own scope, so the logical IDs stay as deployed.
 */
final class StageDeploys implements Deploys {

    /**
     * @param appName               names the projects ({@code <app>-deploy-<stage>})
     * @param cluster               the cluster the projects deploy to
     * @param vpc                   the VPC whose private subnets the projects run in
     * @param kubernetesVersion     the cluster's version; the deploy installs the kubectl of that minor
     * @param timeoutMinutes        each deploy action's limit
     * @param rolloutTimeoutSeconds how long a deploy waits for the new pods before rolling back
     * @param artifactKey           the key CodeBuild encrypts its output with
     * @param images                the repository whose images a deploy tags as deployed, so they never expire
     */
    record Props(String appName, ICluster cluster, IVpc vpc, String kubernetesVersion, int timeoutMinutes,
                 int rolloutTimeoutSeconds, IAlias artifactKey, IRepository images) {
    }

    /** What a deploy reads while it waits for its load balancer (k8s/wait-for-load-balancer). */
    static final List<String> LOAD_BALANCER_READS = List.of("elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth");

    /** What a deploy does to keep its image: read it, and add the tag the lifecycle rule keeps. */
    static final List<String> IMAGE_TAGGING = List.of("ecr:DescribeImages", "ecr:BatchGetImage", "ecr:PutImage");

    private final Map<Stage, PipelineProject> projects = new EnumMap<>(Stage.class);
    private final List<IConstruct> prerequisites = new ArrayList<>();

    StageDeploys(final Stack scope, final Props props) {
        final ICluster cluster = props.cluster();
        final SecurityGroup group = SecurityGroup.Builder.create(scope, "DeploySecurityGroup")
                .vpc(props.vpc())
                .description("CodeBuild deploy projects: out to the EKS API, ECR and the kubectl download")
                .allowAllOutbound(true)
                .build();
        prerequisites.add(CfnSecurityGroupIngress.Builder.create(scope, "DeployToClusterApi")
                .groupId(cluster.getClusterSecurityGroupId())
                .sourceSecurityGroupId(group.getSecurityGroupId())
                .ipProtocol("tcp").fromPort(443).toPort(443)
                .description("CodeBuild deploy projects to the EKS API on its private endpoint")
                .build());
        for (final Stage stage : Stage.values()) {
            final Role role = Role.Builder.create(scope, stage.title() + "DeployRole")
                    .assumedBy(new ServicePrincipal("codebuild.amazonaws.com"))
                    .description("Deploys to the " + stage.namespace() + " namespace only")
                    .build();
            prerequisites.add(clusterAccess(scope, stage.title() + "DeployAccess", role, cluster, stage));
            props.images().grant(role, IMAGE_TAGGING.toArray(String[]::new));
            projects.put(stage, project(scope, props, stage, role, group));
        }
    }

    /**
     * What a stage's deploy role needs of its cluster, in the shared cluster's pipeline and in a stage account
     * alike: to describe it, to wait for its load balancer, and an access entry that edits its stage's
     * namespace only.
     */
    static AccessEntry clusterAccess(final Construct scope, final String id, final Role role, final ICluster cluster,
                                     final Stage stage) {
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("eks:DescribeCluster"))
                .resources(List.of(cluster.getClusterArn()))
                .build());
        // Elastic Load Balancing's Describe actions support no resource-level permissions: "*".
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("WaitForLoadBalancer")
                .actions(LOAD_BALANCER_READS)
                .resources(List.of("*"))
                .build());
        return AccessEntry.Builder.create(scope, id)
                .cluster(cluster)
                .principal(role.getRoleArn())
                .accessPolicies(List.of(AccessPolicy.fromAccessPolicyName("AmazonEKSEditPolicy",
                        AccessPolicyNameOptions.builder()
                                .accessScopeType(AccessScopeType.NAMESPACE)
                                .namespaces(List.of(stage.namespace()))
                                .build())))
                .build();
    }

    @Override
    public PipelineProject project(final Stage stage) {
        return projects.get(stage);
    }

    /** The access entries and the API ingress rule: a deploy can run only once these exist. */
    @Override
    public List<IConstruct> prerequisites() {
        return List.copyOf(prerequisites);
    }

    private static PipelineProject project(final Stack scope, final Props props, final Stage stage, final Role role,
                                           final SecurityGroup group) {
        final Map<String, BuildEnvironmentVariable> variables = new LinkedHashMap<>();
        variables.put("STAGE", CodeBuildDefaults.plain(stage.namespace()));
        variables.put("CLUSTER_NAME", CodeBuildDefaults.plain(props.cluster().getClusterName()));
        variables.put("KUBERNETES_VERSION", CodeBuildDefaults.plain(props.kubernetesVersion()));
        variables.put("ROLLOUT_TIMEOUT_SECONDS", CodeBuildDefaults.plain(String.valueOf(props.rolloutTimeoutSeconds())));
        // The service's NetworkPolicy admits its port from these only: the load balancer's addresses.
        variables.put("LOAD_BALANCER_CIDRS", CodeBuildDefaults.plain(String.join(",",
                props.vpc().getPublicSubnets().stream().map(ISubnet::getIpv4CidrBlock).toList())));
        final PipelineProject deploy = PipelineProject.Builder.create(scope, stage.title() + "DeployProject")
                .projectName(props.appName() + "-deploy-" + stage.namespace())
                .description("Deploys the service to the " + stage.namespace() + " namespace")
                .role(role)
                .vpc(props.vpc())
                .subnetSelection(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .securityGroups(List.of(group))
                .environment(BuildEnvironment.builder()
                        .buildImage(LinuxBuildImage.STANDARD_7_0)
                        .computeType(ComputeType.SMALL)
                        .build())
                .environmentVariables(variables)
                .timeout(Duration.minutes(props.timeoutMinutes()))
                .encryptionKey(props.artifactKey())
                .logging(CodeBuildDefaults.logging(scope, stage.title() + "DeployLogs"))
                .build();
        Buildspecs.embed(deploy, "deploy.yml");

        CodeBuildDefaults.excuseRoleFindings(role);
        Nag.suppress(deploy, "AwsSolutions-IAM5", "CodeBuild in a VPC must create and describe network "
                + "interfaces, and those ec2 actions take no resource.", "Resource::*");
        Nag.suppress(role, "AwsSolutions-IAM5", "CodeBuild in a VPC must create network "
                + "interfaces; CDK scopes them to this account's network interfaces in the project's subnets. The "
                + "deploy waits until its load balancer is active and a target healthy: Elastic Load Balancing's "
                + "Describe actions, which only read, take no resource (\"*\").",
                Nag.matching("^Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/\\*$"),
                "Resource::*");
        return deploy;
    }
}
