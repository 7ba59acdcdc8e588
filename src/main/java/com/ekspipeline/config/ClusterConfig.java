package com.ekspipeline.config;

import com.ekspipeline.catalog.KubernetesVersion;

import java.util.List;

/**
 * @param clusterName         the EKS cluster name
 * @param kubernetesVersion   a minor version EKS supports, e.g. {@code 1.35}, with its support calendar
 * @param endpointPublicCidrs who may reach the public API endpoint; the private endpoint is always on
 * @param adminPrincipalArns  IAM roles or users given cluster-admin through access entries
 * @param nodeGroups          the managed node groups
 * @param extendedSupport     whether the cluster enters EKS extended support at the end of standard support
 *                            (upgrade policy EXTENDED) instead of being upgraded by EKS (STANDARD)
 */
public record ClusterConfig(
        String clusterName,
        KubernetesVersion kubernetesVersion,
        List<String> endpointPublicCidrs,
        List<String> adminPrincipalArns,
        List<NodeGroupConfig> nodeGroups,
        boolean extendedSupport) {

    public ClusterConfig {
        endpointPublicCidrs = List.copyOf(endpointPublicCidrs);
        adminPrincipalArns = List.copyOf(adminPrincipalArns);
        nodeGroups = List.copyOf(nodeGroups);
    }

    /** The cluster's {@code UpgradePolicy.SupportType}, as EKS names it. */
    public String supportType() {
        return extendedSupport ? "EXTENDED" : "STANDARD";
    }
}
