package com.ekspipeline.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Each configured node group as one managed node group per availability zone. A replica's gp3 volume is
 * pinned to the zone of its first node (WaitForFirstConsumer), and the cluster autoscaler cannot add a
 * node to one zone of a group that spans several; with a group per zone it can scale the zone the
 * volume needs, from zero if need be. eksctl's guide says the same: zonal workloads need a node group
 * per zone (https://eksctl.io/usage/autoscaling/#zone-aware-auto-scaling).
 *
 * <p>minSize, desiredSize and maxSize are spread so that the zones' sizes add up to what is configured:
 * each zone gets the quotient, and the first zones one more each for the remainder. The spread is
 * monotonic in the total, so minSize ≤ desiredSize ≤ maxSize holds in every zone. A zone can get a
 * minSize and desiredSize of 0 (2 nodes over 3 zones: 1, 1, 0), never a maxSize of 0: a group whose
 * maxSize is below the number of zones runs in its first maxSize zones only. A volume is created only
 * where a node has run, so every zone that can hold one has a group that can start a node there.
 */
public final class ZonalGroups {

    /**
     * One zone's group.
     *
     * @param group the configured group with this zone's name and sizes
     * @param zone  its availability zone
     * @param base  the configured group's name
     */
    public record ZonalGroup(NodeGroupConfig group, String zone, String base) {
    }

    private ZonalGroups() {
    }

    /** The groups per zone, in the configured order, each group's zones in the configured order. */
    public static List<ZonalGroup> of(final List<NodeGroupConfig> groups, final List<String> zones) {
        final List<ZonalGroup> zonal = new ArrayList<>();
        for (final NodeGroupConfig g : groups) {
            final int n = Math.min(zones.size(), g.maxSize());
            for (int i = 0; i < n; i++) {
                zonal.add(new ZonalGroup(new NodeGroupConfig(name(g.name(), zones.get(i)), g.instanceTypes(), g.spot(),
                        share(g.minSize(), i, n), share(g.desiredSize(), i, n), share(g.maxSize(), i, n), g.diskSizeGiB(),
                        g.labels(), g.amiReleaseVersion()), zones.get(i), g.name()));
            }
        }
        return List.copyOf(zonal);
    }

    /** Just the groups, as the off-hours function, the capacity model and the estimate take them. */
    public static List<NodeGroupConfig> groups(final List<NodeGroupConfig> groups, final List<String> zones) {
        return of(groups, zones).stream().map(ZonalGroup::group).toList();
    }

    /** {@code general} in {@code us-east-2a}: {@code general-us-east-2a}. */
    static String name(final String group, final String zone) {
        return group + "-" + zone;
    }

    /** Zone {@code index} of {@code count}'s part of {@code total}. */
    static int share(final int total, final int index, final int count) {
        return total / count + (index < total % count ? 1 : 0);
    }

    /** Each zone's group is named {@code <name>-<zone>}, which must fit EKS's 63 characters. */
    static void check(final ContextReader s, final List<NodeGroupConfig> groups, final List<String> zones) {
        final int longest = zones.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < groups.size(); i++) {
            final String name = groups.get(i).name();
            if (name.length() + 1 + longest > 63) {
                s.error("nodeGroups[" + i + "].name", name, "at most " + (62 - longest) + " characters, because "
                        + "each zone's node group is named <name>-<zone> and EKS allows 63");
            }
        }
    }
}
