package com.ekspipeline.config;

import com.ekspipeline.catalog.CapacityModel;
import com.ekspipeline.catalog.InstanceTypes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * With {@code autoscaler} karpenter: every node group becomes a NodePool whose limits are maxSize × its
 * instance types' vCPUs and memory, read from the instance catalogue; its types must be of one architecture
 * there (a NodePool requires one {@code kubernetes.io/arch}); and the system group must hold the cluster's own
 * pods and Karpenter's controllers, which no NodePool node takes (they tolerate only the system group's taint).
 */
final class KarpenterRules {

    private KarpenterRules() {
    }

    static Autoscaler read(final ContextReader s) {
        return s.has("autoscaler")
                ? s.oneOf("autoscaler", Autoscaler.byKey(), Autoscaler.CLUSTER_AUTOSCALER)
                : Autoscaler.CLUSTER_AUTOSCALER;
    }

    /**
     * Called only when the node groups are valid on their own. Their types are then priced, and every priced
     * type is in the instance catalogue ({@code CapacityModelTest}), which the NodePools' limits are read from.
     */
    static void check(final ContextReader s, final List<NodeGroupConfig> groups, final boolean observability) {
        for (int i = 0; i < groups.size(); i++) {
            oneArchitecture(s, i, groups.get(i).instanceTypes());
        }
        systemGroupHoldsSystemPods(s, groups, observability);
    }

    /** The catalogue's architecture of each type, for the NodePool's {@code kubernetes.io/arch} requirement. */
    static Optional<String> architecture(final List<String> types) {
        final List<String> arches = types.stream().map(t -> InstanceTypes.of(t).map(InstanceTypes.Spec::architecture)
                .orElse("")).distinct().toList();
        return arches.size() == 1 ? Optional.of(arches.get(0)) : Optional.empty();
    }

    private static void oneArchitecture(final ContextReader s, final int i, final List<String> types) {
        if (architecture(types).isEmpty()) {
            final Map<String, String> byType = types.stream().collect(Collectors.toMap(t -> t,
                    t -> InstanceTypes.of(t).orElseThrow().architecture(), (a, b) -> a, TreeMap::new));
            s.error("nodeGroups[" + i + "].instanceTypes", types, "instance types of one CPU architecture (they are "
                    + byType.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")) + "), because with autoscaler karpenter each NodePool "
                    + "requires one kubernetes.io/arch and its EC2NodeClass resolves one AMI alias");
        }
    }

    private static void systemGroupHoldsSystemPods(final ContextReader s, final List<NodeGroupConfig> groups,
                                                   final boolean observability) {
        final NodeGroupConfig system = ClusterConfig.systemNodeGroup(groups);
        final List<CapacityModel.Group> model = CapacityRules.groups(List.of(system));
        final int nodes = system.desiredSize();
        final CapacityModel.Room room = CapacityModel.room(model, false);
        final CapacityModel.Load load = CapacityModel.systemWithKarpenter(nodes, observability);
        if (!room.holds(load)) {
            s.error("nodeGroups[0].instanceTypes[0] is \"" + system.instanceTypes().get(0) + "\", the type of the "
                    + "system node group that autoscaler karpenter runs the cluster's own pods on, and its " + nodes
                    + " nodes (room for " + room.pods() + " pods, " + room.cpuMillis() + "m CPU and " + room.memoryMiB()
                    + " MiB) cannot hold them with Karpenter's controllers (" + load.pods() + " pods, " + load.cpuMillis()
                    + "m CPU, " + load.memoryMiB() + " MiB, see " + CapacityModel.SOURCE + "); put a larger type first.");
        }
    }
}
