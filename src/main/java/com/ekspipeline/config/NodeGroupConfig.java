package com.ekspipeline.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

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
 * @param amiReleaseVersion the EKS-optimized AMI release to pin, e.g. {@code 1.35.0-20251120}; empty: the
 *                      newest for the cluster's version when the group is created or its version changes
 */
public record NodeGroupConfig(
        String name,
        List<String> instanceTypes,
        boolean spot,
        int minSize,
        int desiredSize,
        int maxSize,
        int diskSizeGiB,
        Map<String, String> labels,
        Optional<String> amiReleaseVersion) {

    /** Graviton families carry a {@code g} after the generation digit: t4g, m7g, c6gn, r8gd. */
    private static final Pattern ARM_FAMILY = Pattern.compile("[a-z]+\\d+[a-z]*g[a-z]*\\..*");

    public NodeGroupConfig {
        instanceTypes = List.copyOf(instanceTypes);
        labels = Map.copyOf(labels);
    }

    /** True when an instance type runs on Graviton (arm64). */
    public static boolean isArm(final String instanceType) {
        return ARM_FAMILY.matcher(instanceType).matches();
    }

    /** True when the group runs on Graviton and so needs the arm64 AMI. */
    public boolean arm() {
        return !instanceTypes.isEmpty() && isArm(instanceTypes.get(0));
    }
}
