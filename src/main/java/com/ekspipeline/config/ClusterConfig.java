package com.ekspipeline.config;

import com.ekspipeline.catalog.KubernetesVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * @param clusterName         the EKS cluster name
 * @param kubernetesVersion   a minor version EKS supports, e.g. {@code 1.35}, with its support calendar
 * @param endpointPublicCidrs who may reach the public API endpoint; the private endpoint is always on
 * @param adminPrincipalArns  IAM roles or users given cluster-admin through access entries
 * @param nodeGroups          the managed node groups
 * @param extendedSupport     whether the cluster enters EKS extended support at the end of standard support
 *                            (upgrade policy EXTENDED) instead of being upgraded by EKS (STANDARD)
 * @param autoscaler          the cluster autoscaler on the node groups, or Karpenter with NodePools built from them
 */
public record ClusterConfig(
        String clusterName,
        KubernetesVersion kubernetesVersion,
        List<String> endpointPublicCidrs,
        List<String> adminPrincipalArns,
        List<NodeGroupConfig> nodeGroups,
        boolean extendedSupport,
        Autoscaler autoscaler) {

    /** The managed system group's nodes: enough for the system pods on two zones, one more during a roll. */
    static final int SYSTEM_MIN_SIZE = 2;
    static final int SYSTEM_MAX_SIZE = 3;
    static final int SYSTEM_DISK_GIB = 20;

    /** With the cluster autoscaler, as before the {@code autoscaler} key existed. */
    public ClusterConfig(final String clusterName, final KubernetesVersion kubernetesVersion,
                         final List<String> endpointPublicCidrs, final List<String> adminPrincipalArns,
                         final List<NodeGroupConfig> nodeGroups, final boolean extendedSupport) {
        this(clusterName, kubernetesVersion, endpointPublicCidrs, adminPrincipalArns, nodeGroups, extendedSupport,
                Autoscaler.CLUSTER_AUTOSCALER);
    }

    public ClusterConfig {
        endpointPublicCidrs = List.copyOf(endpointPublicCidrs);
        adminPrincipalArns = List.copyOf(adminPrincipalArns);
        nodeGroups = List.copyOf(nodeGroups);
    }

    public boolean karpenter() {
        return autoscaler == Autoscaler.KARPENTER;
    }

    /**
     * With Karpenter, the managed group that runs Karpenter itself, CoreDNS and the controllers, tainted
     * {@code CriticalAddonsOnly}: on-demand nodes of the first node group's first instance type, so that its
     * architecture and price are ones the configuration already chose.
     */
    public static NodeGroupConfig systemNodeGroup(final List<NodeGroupConfig> nodeGroups) {
        return new NodeGroupConfig("system", List.of(nodeGroups.get(0).instanceTypes().get(0)), false,
                SYSTEM_MIN_SIZE, SYSTEM_MIN_SIZE, SYSTEM_MAX_SIZE, SYSTEM_DISK_GIB, Map.of(),
                Optional.empty());
    }

    /** What the nodes are priced from: the node groups, or with Karpenter the system group and the NodePools. */
    public List<NodeGroupConfig> pricedNodeGroups() {
        if (!karpenter()) {
            return nodeGroups;
        }
        final List<NodeGroupConfig> priced = new ArrayList<>(List.of(systemNodeGroup(nodeGroups)));
        priced.addAll(nodeGroups);
        return List.copyOf(priced);
    }

    /** The cluster's {@code UpgradePolicy.SupportType}, as EKS names it. */
    public String supportType() {
        return extendedSupport ? "EXTENDED" : "STANDARD";
    }
}
