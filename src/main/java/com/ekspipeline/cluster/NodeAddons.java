package com.ekspipeline.cluster;

import com.ekspipeline.core.Nag;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The EKS managed add-ons whose pods run on the nodes, in the nodes stack after the node groups: CoreDNS,
 * the EBS CSI driver, metrics-server and, with observability on, {@link ContainerInsights}. They all
 * still run while the stage namespaces are deleted. Their versions come from the cluster stack's lookup
 * ({@link ClusterAddons#versions()}), so one raise of kubernetesVersion updates them after the nodes roll.
 *
 * <p>Created with the ID the single add-on construct had ({@code Addons}), so each keeps its logical ID.
 */
public final class NodeAddons extends Construct {

    private final ClusterInfo info;
    private final AddonVersions versions;

    public NodeAddons(final Construct scope, final String id, final ClusterInfo info, final AddonVersions versions,
                      final boolean observability) {
        super(scope, id);
        this.info = info;
        this.versions = versions;
        final Addon coreDns = addon("CoreDns", "coredns", Map.of());

        final PodIdentityRole ebsIdentity = new PodIdentityRole(this, "EbsCsiDriverIdentity", info.cluster(),
                "kube-system", "ebs-csi-controller-sa");
        ebsIdentity.getRole().addManagedPolicy(
                ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonEBSCSIDriverPolicy"));
        Nag.suppress(ebsIdentity, "AwsSolutions-IAM4", "The EBS CSI driver add-on's documented policy; it creates "
                + "and attaches volumes only for the cluster's claims.",
                Nag.managedPolicy("service-role/AmazonEBSCSIDriverPolicy"));
        final Addon ebsCsiDriver = addon("EbsCsiDriver", "aws-ebs-csi-driver", Map.of());
        ebsCsiDriver.getNode().addDependency(ebsIdentity);

        // The Horizontal Pod Autoscaler reads pod CPU and memory from metrics-server.
        final Addon metricsServer = addon("MetricsServer", "metrics-server", Map.of());

        List.of(coreDns, ebsCsiDriver, metricsServer).forEach(info.order()::runsOnNodes);
        List.of(coreDns, ebsCsiDriver, metricsServer).forEach(info.order()::outlivesNamespaces);
        if (observability) {
            final Addon containerInsights = ContainerInsights.create(this, info);
            info.order().runsOnNodes(containerInsights);
            info.order().outlivesNamespaces(containerInsights);
        }
    }

    /** A managed add-on here at the looked-up version; {@code values} is its configuration, if any. */
    Addon addon(final String id, final String name, final Map<String, Object> values) {
        return ClusterAddons.addon(this, id, info, versions, name, values);
    }
}
