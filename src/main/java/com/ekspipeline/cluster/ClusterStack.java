package com.ekspipeline.cluster;

import com.ekspipeline.core.AppStack;
import com.ekspipeline.core.AppTag;
import com.ekspipeline.core.Nag;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ClusterConfig;
import com.ekspipeline.catalog.KubernetesVersions;
import com.ekspipeline.catalog.LogRetention;
import com.ekspipeline.catalog.PriceTable;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.eks_v2.AlbControllerOptions;
import software.amazon.awscdk.services.eks_v2.AlbControllerVersion;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterLoggingTypes;
import software.amazon.awscdk.services.eks_v2.DefaultCapacityType;
import software.amazon.awscdk.services.eks_v2.EndpointAccess;
import software.amazon.awscdk.services.eks_v2.KubectlProviderOptions;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The EKS cluster and everything that runs in it before the first workload: managed node groups, the
 * managed add-ons, the cluster autoscaler, the AWS Load Balancer Controller, the default storage class
 * and the stage namespaces, wired so that {@code cdk destroy} takes them down in a safe order.
 */
public final class ClusterStack extends AppStack {

    private final Cluster cluster;
    private final StageNamespaces namespaces;

    public ClusterStack(final Construct scope, final String id, final AppConfig config, final IVpc vpc) {
        super(scope, id, config, "cluster", "EKS cluster " + config.cluster().clusterName() + " with managed node groups ("
                + config.appName() + ")");
        final ClusterConfig settings = config.cluster();

        // EKS writes control-plane logs to this exact group, creating it with no retention if it is
        // missing; owning it here gives it a retention and deletes it with the stack.
        final LogGroup controlPlaneLogs = LogGroup.Builder.create(this, "ControlPlaneLogs")
                .logGroupName("/aws/eks/" + settings.clusterName() + "/cluster")
                .retention(LogRetention.of(config.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        final Key secretsKey = Key.Builder.create(this, "SecretsKey")
                .description("Envelope encryption of Kubernetes secrets in " + settings.clusterName())
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        cluster = Cluster.Builder.create(this, "Cluster")
                .clusterName(settings.clusterName())
                .version(KubernetesVersion.of(settings.kubernetesVersion().version()))
                .vpc(vpc)
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
                .kubectlProviderOptions(kubectlProvider(vpc))
                // The load balancers, target groups and security groups the controller creates carry the
                // app tag too, so verify-destroyed finds any it failed to delete.
                .albController(AlbControllerOptions.builder().version(AlbControllerVersion.V2_17_1)
                        .additionalHelmChartValues(Map.of("defaultTags", Map.of(AppTag.KEY, config.appName())))
                        .build())
                .outputConfigCommand(false)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        cluster.getNode().addDependency(controlPlaneLogs);

        final List<String> admins = settings.adminPrincipalArns();
        for (int i = 0; i < admins.size(); i++) {
            cluster.grantClusterAdmin("Admin" + (i + 1), admins.get(i));
        }

        final NodeGroups nodeGroups = new NodeGroups(this, "NodeGroups", cluster, settings.nodeGroups());
        // The subnets arrive as outputs of the network stack, which the validator cannot resolve and so
        // takes for one repeated value.
        Validations.of(nodeGroups).acknowledge(Acknowledgment.builder().id("CloudFormation-Validate::W9007")
                .reason("the subnets are distinct outputs of the network stack").build());
        final ClusterAddons addons = new ClusterAddons(this, "Addons", cluster);
        addons.orderAround(nodeGroups.getGroups());
        // The controller's pods need nodes to run on before its Helm release can succeed.
        nodeGroups.getGroups().forEach(group -> cluster.getAlbController().getNode().addDependency(group));

        final ClusterAutoscaler autoscaler = new ClusterAutoscaler(this, "ClusterAutoscaler", cluster,
                settings.clusterName(), settings.kubernetesVersion());
        nodeGroups.getGroups().forEach(group -> autoscaler.getChart().getNode().addDependency(group));

        config.billing().offHours().ifPresent(hours -> {
            final OffHoursScaler scaler = new OffHoursScaler(this, "OffHours", cluster, settings.clusterName(), vpc,
                    settings.nodeGroups(), hours);
            // Its RBAC names the autoscaler's Deployment, which must exist to be scaled.
            scaler.getNode().addDependency(autoscaler.getChart());
        });

        final DefaultStorageClass storage = new DefaultStorageClass(this, "Storage", cluster, config.appName(),
                settings.clusterName());
        namespaces = new StageNamespaces(this, "Namespaces", cluster);
        final List<IConstruct> stillRunningDuringNamespaceDeletion = new ArrayList<>(nodeGroups.getGroups());
        stillRunningDuringNamespaceDeletion.addAll(addons.all());
        stillRunningDuringNamespaceDeletion.add(cluster.getAlbController());
        stillRunningDuringNamespaceDeletion.add(autoscaler.getChart());
        stillRunningDuringNamespaceDeletion.add(storage.getManifest());
        namespaces.deleteBefore(stillRunningDuringNamespaceDeletion);

        CfnOutput.Builder.create(this, "UpdateKubeconfigCommand")
                .description("Run this to point kubectl at the cluster (needs a principal from adminPrincipalArns)")
                .value("aws eks update-kubeconfig --region " + config.region() + " --name " + settings.clusterName())
                .build();
        CfnOutput.Builder.create(this, "ClusterName").value(cluster.getClusterName()).build();

        excuseNagFindings(nodeGroups, addons, autoscaler);

        final PriceTable prices = PriceTable.load();
        KubernetesVersions.supportWarning(settings.kubernetesVersion(), config.synthDay(),
                        "$" + prices.price(config.region(), "eks-control-plane-standard").orElseThrow(),
                        "$" + prices.price(config.region(), "eks-control-plane-extended").orElseThrow())
                .ifPresent(warning -> Annotations.of(this).addWarningV2("eks-pipeline:kubernetesSupport", warning));
        KubectlLayer.skewWarning(settings.kubernetesVersion())
                .ifPresent(warning -> Annotations.of(this).addWarningV2("eks-pipeline:kubectlVersionSkew", warning));
        if (settings.adminPrincipalArns().isEmpty()) {
            Annotations.of(this).addWarningV2("eks-pipeline:noClusterAdmin", "adminPrincipalArns is empty, so no "
                    + "person can use kubectl on the cluster; add your IAM role's ARN to adminPrincipalArns.");
        }
    }

    public Cluster getCluster() {
        return cluster;
    }

    public StageNamespaces getNamespaces() {
        return namespaces;
    }

    /** The kubectl handler reaches the private endpoint from the private subnets, whatever public CIDRs allow. */
    private KubectlProviderOptions kubectlProvider(final IVpc vpc) {
        return KubectlProviderOptions.builder()
                .kubectlLayer(KubectlLayer.create(this))
                .privateSubnets(vpc.getPrivateSubnets())
                .build();
    }

    /** What cdk-nag reports here that AWS or CDK requires; everything else is fixed, not excused. */
    private void excuseNagFindings(final NodeGroups nodeGroups, final ClusterAddons addons,
                                   final ClusterAutoscaler autoscaler) {
        Nag.suppress(cluster, "AwsSolutions-EKS1", "The public endpoint accepts only endpointPublicCidrs (config) and "
                + "IAM-authenticated callers; in-VPC callers (nodes, kubectl handler, deploy projects) use the "
                + "private endpoint.");
        Nag.suppress(cluster.getRole(), "AwsSolutions-IAM4", "EKS requires AmazonEKSClusterPolicy on the "
                + "cluster role; AWS maintains it as the API evolves.", Nag.managedPolicy("AmazonEKSClusterPolicy"));
        nodeGroups.getGroups().forEach(group -> Nag.suppress(group.getRole(), "AwsSolutions-IAM4",
                "The three policies AWS documents as required for a managed node group's role.",
                Nag.managedPolicy("AmazonEKSWorkerNodePolicy"), Nag.managedPolicy("AmazonEKS_CNI_Policy"),
                Nag.managedPolicy("AmazonEC2ContainerRegistryReadOnly")));
        Nag.suppress(addons, "AwsSolutions-IAM4", "The EBS CSI driver add-on's documented policy; it creates "
                + "and attaches volumes only for the cluster's claims.",
                Nag.managedPolicy("service-role/AmazonEBSCSIDriverPolicy"));
        Nag.suppress(cluster.getAlbController(), "AwsSolutions-IAM5", "The AWS Load Balancer Controller's "
                + "policy as AWS publishes it: Describe* calls take no resource, and the ELB and security group "
                + "actions are limited by the elbv2.k8s.aws/cluster tag conditions.",
                "Resource::*", Nag.matching("^Resource::arn:<AWS::Partition>:(ec2|elasticloadbalancing):\\*:\\*:.*$"));
        Nag.suppress(autoscaler, "AwsSolutions-IAM5", "The autoscaler's Describe* calls take no resource; the "
                + "resize actions are limited to groups tagged as owned by this cluster.",
                "Resource::*", Nag.matching("^Resource::arn:aws:autoscaling:.*:autoScalingGroup:\\*:autoScalingGroupName/\\*$"));
        final String provider = "Cluster/KubectlProvider";
        Nag.suppressPath(this, provider, "AwsSolutions-IAM4", "CDK's kubectl handler: the Lambda basic and VPC "
                + "execution roles and ECR read access for its layer, as CDK defines them.",
                Nag.managedPolicy("service-role/AWSLambdaBasicExecutionRole"),
                Nag.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole"),
                Nag.managedPolicy("AmazonEC2ContainerRegistryReadOnly"),
                Nag.matching("^Policy::.*AmazonElasticContainerRegistryPublicReadOnly.*$"));
        Nag.suppressPath(this, provider, "AwsSolutions-L1", "CDK pins the kubectl handler's Python runtime to the "
                + "one its kubectl layer is built and tested for.");
        Nag.suppressPath(this, provider, "AwsSolutions-IAM5", "CDK's provider framework invokes any version of "
                + "its own handler function (the :* suffix), nothing else.",
                Nag.matching("^Resource::<ClusterKubectlProviderHandler[0-9A-F]+\\.Arn>:\\*$"));
    }
}
