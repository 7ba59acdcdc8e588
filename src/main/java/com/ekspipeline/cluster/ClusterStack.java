package com.ekspipeline.cluster;

import com.ekspipeline.catalog.CapacityModel;
import com.ekspipeline.catalog.KubernetesVersions;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.CapacityRules;
import com.ekspipeline.config.ClusterConfig;
import com.ekspipeline.config.ObservabilityConfig;
import com.ekspipeline.core.AppStack;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.constructs.Construct;

import java.util.List;

/**
 * The EKS cluster and everything that runs in it before the first workload: managed node groups, the
 * managed add-ons, the cluster autoscaler, the AWS Load Balancer Controller, the default storage class
 * and the stage namespaces. Each part declares in {@link ClusterOrder} what it waits for and what must
 * outlive it, so that {@code cdk destroy} takes them down in a safe order.
 */
public final class ClusterStack extends AppStack {

    private static final String OPEN_TO_ALL = "0.0.0.0/0";

    private final Cluster cluster;

    public ClusterStack(final Construct scope, final String id, final AppConfig config, final IVpc vpc) {
        super(scope, id, config, "cluster", "EKS cluster " + config.cluster().clusterName() + " with managed node groups ("
                + config.appName() + ")");
        final ClusterConfig settings = config.cluster();
        final ClusterOrder order = new ClusterOrder();
        cluster = ControlPlane.create(this,
                new ControlPlane.Props(config.appName(), settings, vpc), order);
        final ClusterInfo info = new ClusterInfo(cluster, settings.clusterName(), settings.kubernetesVersion(), order);

        final NodeGroups nodeGroups = new NodeGroups(this, "NodeGroups", info, settings.nodeGroups());
        new ClusterAddons(this, "Addons", info, config.observability().enabled());
        final ClusterAutoscaler autoscaler = new ClusterAutoscaler(this, "ClusterAutoscaler", info);
        config.billing().offHours().ifPresent(hours ->
                new OffHoursScaler(this, "OffHours", info, autoscaler, vpc, settings.nodeGroups(), hours,
                        config.observability().enabled()
                                ? ObservabilityConfig.offHoursAlarmNames(config.appName()) : List.of()));
        new DefaultStorageClass(this, "Storage", info, config.appName());
        new StageNamespaces(this, "Namespaces", info);
        new LeftoverWaiter(this, "LeftoverWaiter", info, vpc);
        // Last, and in this order: a suppression covers the children a construct has when it is added.
        ControlPlane.excuseNagFindings(this, cluster);
        nodeGroups.excuseNagFindings();

        CfnOutput.Builder.create(this, "UpdateKubeconfigCommand")
                .description("Run this to point kubectl at the cluster (needs a principal from adminPrincipalArns)")
                .value("aws eks update-kubeconfig --region " + config.region() + " --name " + settings.clusterName())
                .build();
        CfnOutput.Builder.create(this, "ClusterName").value(cluster.getClusterName()).build();
        warn(config);
    }

    public Cluster getCluster() {
        return cluster;
    }

    private void warn(final AppConfig config) {
        final ClusterConfig settings = config.cluster();
        final PriceTable prices = PriceTable.load();
        KubernetesVersions.supportWarning(settings.kubernetesVersion(), config.synthDay(),
                        "$" + prices.price(config.region(), "eks-control-plane-standard").orElseThrow(),
                        "$" + prices.price(config.region(), "eks-control-plane-extended").orElseThrow())
                .ifPresent(warning -> Annotations.of(this).addWarningV2("eks-pipeline:kubernetesSupport", warning));
        if (settings.endpointPublicCidrs().contains(OPEN_TO_ALL)) {
            Annotations.of(this).addWarningV2("eks-pipeline:publicEndpointOpen", "endpointPublicCidrs contains "
                    + OPEN_TO_ALL + ", so the cluster's API endpoint accepts connections from any address (callers "
                    + "still need IAM credentials an access entry admits). Narrow it to the networks you run kubectl "
                    + "from, e.g. -c endpointPublicCidrs=203.0.113.0/24 or a list in cdk.json.");
        }
        CapacityModel.maxWarning(CapacityRules.groups(settings.nodeGroups()), SampleWorkload.RELEASED,
                        config.observability().enabled())
                .ifPresent(warning -> Annotations.of(this).addWarningV2("eks-pipeline:capacity", warning));
        if (settings.adminPrincipalArns().isEmpty()) {
            Annotations.of(this).addWarningV2("eks-pipeline:noClusterAdmin", "adminPrincipalArns is empty, so no "
                    + "person can use kubectl on the cluster; add your IAM role's ARN to adminPrincipalArns.");
        }
    }
}
