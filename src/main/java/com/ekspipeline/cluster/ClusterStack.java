package com.ekspipeline.cluster;

import com.ekspipeline.catalog.CapacityModel;
import com.ekspipeline.catalog.DatedTables;
import com.ekspipeline.catalog.KubernetesVersions;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.CapacityRules;
import com.ekspipeline.config.ZonalGroups;
import com.ekspipeline.config.ClusterConfig;
import com.ekspipeline.core.AppStack;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.constructs.Construct;

/**
 * The EKS control plane and what must lead the nodes: the control plane's log group, the secrets key, the
 * cluster with its kubectl provider and admin access entries, the add-ons nodes need to become Ready and
 * the lookup of every add-on's version. The node groups and what follows them are in {@link NodesStack},
 * deployed after this one: CloudFormation rolls back one stack at a time, so a node roll that fails rolls
 * back the node groups and never asks this stack to take the control plane back to an older version.
 */
public final class ClusterStack extends AppStack {

    private static final String OPEN_TO_ALL = "0.0.0.0/0";

    private final Cluster cluster;
    private final ClusterInfo info;
    private final ClusterAddons addons;

    public ClusterStack(final Construct scope, final String id, final AppConfig config, final IVpc vpc) {
        super(scope, id, config, "cluster", "EKS cluster " + config.cluster().clusterName() + ": control plane and "
                + "the add-ons nodes need (" + config.appName() + ")");
        final ClusterConfig settings = config.cluster();
        cluster = ControlPlane.create(this, new ControlPlane.Props(settings, vpc));
        info = new ClusterInfo(cluster, settings.clusterName(), settings.kubernetesVersion(), new ClusterOrder(), cluster);
        addons = new ClusterAddons(this, "Addons", info, config.observability().enabled());
        // The load balancer controller in the nodes stack trusts the cluster's OIDC provider (IRSA); CDK
        // creates it on first use, so use it here, before the cluster's suppressions are added.
        OidcIssuerOutput.publish(this, cluster);
        // Last, and in this order: a suppression covers the children a construct has when it is added.
        ControlPlane.excuseNagFindings(this, cluster);

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

    /** The cluster as its parts in the nodes stack receive it, with the order they share. */
    ClusterInfo info() {
        return info;
    }

    /** The add-on versions the lookup here finds, which the nodes stack's add-ons use. */
    AddonVersions addonVersions() {
        return addons.versions();
    }

    private void warn(final AppConfig config) {
        final ClusterConfig settings = config.cluster();
        final PriceTable prices = PriceTable.load();
        KubernetesVersions.supportWarning(settings.kubernetesVersion(), config.synthDay(),
                        "$" + prices.price(config.region(), "eks-control-plane-standard").orElseThrow(),
                        "$" + prices.price(config.region(), "eks-control-plane-extended").orElseThrow())
                .ifPresent(warning -> Annotations.of(this).addWarningV2("eks-pipeline:kubernetesSupport", warning));
        DatedTables.staleWarning(config.synthDay())
                .ifPresent(warning -> Annotations.of(this).addWarningV2("eks-pipeline:staleCatalog", warning));
        if (settings.endpointPublicCidrs().contains(OPEN_TO_ALL)) {
            Annotations.of(this).addWarningV2("eks-pipeline:publicEndpointOpen", "endpointPublicCidrs contains "
                    + OPEN_TO_ALL + ", so the cluster's API endpoint accepts connections from any address (callers "
                    + "still need IAM credentials an access entry admits). Narrow it to the networks you run kubectl "
                    + "from, e.g. -c endpointPublicCidrs=203.0.113.0/24 or a list in cdk.json.");
        }
        (settings.karpenter()
                ? CapacityModel.poolsMaxWarning(CapacityRules.groups(settings.nodeGroups()), SampleWorkload.RELEASED,
                        config.observability().enabled())
                : CapacityModel.maxWarning(CapacityRules.groups(ZonalGroups.groups(settings.nodeGroups(),
                        config.availabilityZones())), SampleWorkload.RELEASED, config.observability().enabled()))
                .ifPresent(warning -> Annotations.of(this).addWarningV2("eks-pipeline:capacity", warning));
        if (settings.adminPrincipalArns().isEmpty()) {
            Annotations.of(this).addWarningV2("eks-pipeline:noClusterAdmin", "adminPrincipalArns is empty, so no "
                    + "person can use kubectl on the cluster; add your IAM role's ARN to adminPrincipalArns.");
        }
    }
}
