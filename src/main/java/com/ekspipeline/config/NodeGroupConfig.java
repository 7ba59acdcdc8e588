package com.ekspipeline.config;

import java.util.List;
import java.util.Map;

/**
 * One managed node group.
 *
 * @param name          the node group's name, unique in the cluster
 * @param instanceTypes EC2 instance types, e.g. {@code t3.large}; several are useful with spot
 * @param spot          spot capacity instead of on-demand
 * @param minSize       the fewest nodes the cluster autoscaler keeps
 * @param desiredSize   nodes at creation
 * @param maxSize       the most nodes the cluster autoscaler may add
 * @param diskSizeGiB   the encrypted gp3 root volume of each node
 * @param labels        Kubernetes labels on every node of the group
 */
public record NodeGroupConfig(
        String name,
        List<String> instanceTypes,
        boolean spot,
        int minSize,
        int desiredSize,
        int maxSize,
        int diskSizeGiB,
        Map<String, String> labels) {

    public NodeGroupConfig {
        instanceTypes = List.copyOf(instanceTypes);
        labels = Map.copyOf(labels);
    }
}
