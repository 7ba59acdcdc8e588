package com.ekspipeline.cluster;

import com.ekspipeline.config.ClusterConfig;
import com.ekspipeline.core.AppTag;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.eks.CfnCluster;
import software.amazon.awscdk.services.eks_v2.AlbController;
import software.amazon.awscdk.services.eks_v2.AlbControllerProps;
import software.amazon.awscdk.services.eks_v2.AlbControllerVersion;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterLoggingTypes;
import software.amazon.awscdk.services.eks_v2.DefaultCapacityType;
import software.amazon.awscdk.services.eks_v2.EndpointAccess;
import software.amazon.awscdk.services.eks_v2.KubectlProviderOptions;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.IConstruct;

import java.util.List;
import java.util.Map;

/**
 * The EKS cluster itself: the control plane with all five log types in a group the stack owns, secrets
 * encrypted with a rotated key, access entries only (no aws-auth ConfigMap), the configured admins, the
 * kubectl provider in the private subnets; and, for the nodes stack, the AWS Load Balancer Controller.
 * Created in the stack's own scope, so that the cluster keeps its logical ID.
 */
final class ControlPlane {

    /**
     * @param settings         the cluster's configuration
     * @param vpc              the VPC whose private subnets the cluster, its nodes and the kubectl handler use
     */
    record Props(ClusterConfig settings, IVpc vpc) {
    }

    private ControlPlane() {
    }

    static Cluster create(final Stack scope, final Props props) {
        final ClusterConfig settings = props.settings();
        // EKS writes control-plane logs to this exact group, creating it with no retention if it is
        // missing; owning it here deletes it with the stack, and the app's aspect gives it the retention.
        final LogGroup controlPlaneLogs = LogGroup.Builder.create(scope, "ControlPlaneLogs")
                .logGroupName("/aws/eks/" + settings.clusterName() + "/cluster")
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        final Key secretsKey = Key.Builder.create(scope, "SecretsKey")
                .description("Envelope encryption of Kubernetes secrets in " + settings.clusterName())
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        final SecurityGroup kubectlGroup = VpcFunctionSecurityGroup.create(scope, "KubectlProviderSecurityGroup",
                props.vpc(), "Kubectl provider of " + settings.clusterName() + ": HTTPS to the cluster private "
                        + "endpoint and AWS APIs");
        final Cluster cluster = Cluster.Builder.create(scope, "Cluster")
                .clusterName(settings.clusterName())
                .version(KubernetesVersion.of(settings.kubernetesVersion().version()))
                .vpc(props.vpc())
                .vpcSubnets(List.of(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build()))
                .defaultCapacityType(DefaultCapacityType.NODEGROUP)
                .defaultCapacity(0)
                .bootstrapSelfManagedAddons(false)
                .bootstrapClusterCreatorAdminPermissions(false)
                .clusterLogging(List.of(ClusterLoggingTypes.API, ClusterLoggingTypes.AUDIT,
                        ClusterLoggingTypes.AUTHENTICATOR, ClusterLoggingTypes.CONTROLLER_MANAGER,
                        ClusterLoggingTypes.SCHEDULER))
                .secretsEncryptionKey(secretsKey)
                .endpointAccess(EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(
                        settings.endpointPublicCidrs().toArray(String[]::new)))
                // kubectl of the cluster's own minor; the handler reaches the private endpoint from the
                // private subnets, whatever the public CIDRs allow.
                .kubectlProviderOptions(KubectlProviderOptions.builder()
                        .kubectlLayer(KubectlLayer.create(scope, settings.kubernetesVersion()))
                        .privateSubnets(props.vpc().getPrivateSubnets())
                        // Its handler and the framework's onEvent, in a group of their own (VpcFunctionSecurityGroup).
                        .securityGroups(List.of(kubectlGroup))
                        .build())
                .outputConfigCommand(false)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        cluster.getNode().addDependency(controlPlaneLogs);
        // eks_v2's Cluster has no upgrade policy option, so it is set on the CfnCluster the construct wraps.
        // Without it EKS applies EXTENDED: a version past standard support is billed the extended price.
        // STANDARD makes EKS upgrade the control plane instead (AWS::EKS::Cluster UpgradePolicy, "Update
        // requires: No interruption": docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-upgradepolicy.html).
        ((CfnCluster) cluster.getNode().getDefaultChild()).setUpgradePolicy(
                CfnCluster.UpgradePolicyProperty.builder().supportType(settings.supportType()).build());
        // Every manifest and chart is applied and deleted through these functions, so the rule outlives them.
        VpcFunctionSecurityGroup.reachEndpoint(scope, "KubectlProviderToEndpoint", kubectlGroup, cluster,
                cluster.getKubectlProvider());

        final List<String> admins = settings.adminPrincipalArns();
        for (int i = 0; i < admins.size(); i++) {
            cluster.grantClusterAdmin("Admin" + (i + 1), admins.get(i));
        }
        return cluster;
    }

    /**
     * The AWS Load Balancer Controller, in the nodes stack: its pods run on the nodes, so it follows them,
     * and a stack that held it with the cluster would need the nodes before and after itself. CDK names and
     * places it as {@code Cluster.albController} would (aws-eks-v2 {@code AlbController.create}: the stack
     * of {@code scope}, an ID from the cluster's path), so its resources keep their logical IDs.
     */
    static AlbController loadBalancerController(final Stack scope, final ClusterInfo info, final String appName) {
        return loadBalancerController(scope, info, appName, false);
    }

    /** @param onSystemNodes tolerate the system group's CriticalAddonsOnly taint (with Karpenter) */
    static AlbController loadBalancerController(final Stack scope, final ClusterInfo info, final String appName,
                                                final boolean onSystemNodes) {
        // The load balancers, target groups and security groups the controller creates carry the
        // app tag too, so verify-destroyed finds any it failed to delete.
        final Map<String, Object> values = new java.util.TreeMap<>(Map.of("defaultTags", Map.of(AppTag.KEY, appName)));
        if (onSystemNodes) {
            values.put("tolerations", List.of(SortedJson.of(Map.of("key", SystemNodeGroup.TAINT, "operator", "Exists"))));
        }
        final AlbController controller = AlbController.create(scope, AlbControllerProps.builder()
                .cluster(info.cluster())
                .version(AlbControllerVersion.V2_17_1)
                .additionalHelmChartValues(values)
                .build());
        // The controller's pods need nodes, and it deletes the namespaces' load balancers on the way out.
        info.order().runsOnNodes(controller);
        info.order().outlivesNamespaces(controller);
        Nag.suppress(controller, "AwsSolutions-IAM5", "The AWS Load Balancer Controller's "
                + "policy as AWS publishes it: Describe* calls take no resource, and the ELB and security group "
                + "actions are limited by the elbv2.k8s.aws/cluster tag conditions.",
                "Resource::*", Nag.matching("^Resource::arn:<AWS::Partition>:(ec2|elasticloadbalancing):\\*:\\*:.*$"));
        return controller;
    }

    /**
     * The public endpoint's finding, on {@code target} and its children: the cluster, and in the nodes stack
     * the construct standing for it, so that what moved there keeps the metadata it had as the cluster's
     * child (CDK's refactor compares resources with their metadata).
     */
    static void excusePublicEndpoint(final IConstruct target) {
        Nag.suppress(target, "AwsSolutions-EKS1", "The public endpoint is open to endpointPublicCidrs, by default "
                + "0.0.0.0/0 (AWS's and eksctl's default) so that a new user can run kubectl from anywhere; synth "
                + "warns while it is, and every caller still needs IAM credentials an access entry admits. In-VPC "
                + "callers (nodes, kubectl handler, deploy projects) use the private endpoint.");
    }

    /**
     * What cdk-nag reports here that AWS or CDK requires; everything else is fixed, not excused. Called
     * once every part of the cluster exists: a suppression covers the children a construct has when it is
     * added, and node groups, add-ons, manifests and charts are all children of the cluster.
     */
    static void excuseNagFindings(final Stack scope, final Cluster cluster) {
        excusePublicEndpoint(cluster);
        Nag.suppress(cluster.getRole(), "AwsSolutions-IAM4", "EKS requires AmazonEKSClusterPolicy on the "
                + "cluster role; AWS maintains it as the API evolves.", Nag.managedPolicy("AmazonEKSClusterPolicy"));
        final String provider = "Cluster/KubectlProvider";
        Nag.suppressPath(scope, provider, "AwsSolutions-IAM4", "CDK's kubectl handler: the Lambda basic and VPC "
                + "execution roles and ECR read access for its layer, as CDK defines them.",
                Nag.managedPolicy("service-role/AWSLambdaBasicExecutionRole"),
                Nag.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole"),
                Nag.managedPolicy("AmazonEC2ContainerRegistryReadOnly"),
                Nag.matching("^Policy::.*AmazonElasticContainerRegistryPublicReadOnly.*$"));
        Nag.suppressPath(scope, provider, "AwsSolutions-L1", "CDK pins the kubectl handler's Python runtime to the "
                + "one its kubectl layer is built and tested for.");
        Nag.suppressPath(scope, provider, "AwsSolutions-IAM5", "CDK's provider framework invokes any version of "
                + "its own handler function (the :* suffix), nothing else.",
                Nag.matching("^Resource::<ClusterKubectlProviderHandler[0-9A-F]+\\.Arn>:\\*$"));
    }
}
