package com.ekspipeline.config;

import com.ekspipeline.catalog.CapacityModel;
import com.ekspipeline.catalog.InstanceTypes;

import java.util.List;

/**
 * The node groups must hold the cluster's own pods when every group is at maxSize; otherwise nothing
 * the pipeline ships could ever run. (Whether they also hold the sample service at its maximum is a
 * warning at synth: it only limits how far the service can scale.)
 */
public final class CapacityRules {

    private CapacityRules() {
    }

    /** The groups as the capacity model sees them: each at the instance type EKS launches first. */
    public static List<CapacityModel.Group> groups(final List<NodeGroupConfig> groups) {
        return groups.stream().map(g -> new CapacityModel.Group(g.name(), g.instanceTypes().get(0), g.desiredSize(),
                g.maxSize())).toList();
    }

    static void check(final ContextReader s, final List<NodeGroupConfig> groups, final boolean observability) {
        for (int i = 0; i < groups.size(); i++) {
            final String type = groups.get(i).instanceTypes().get(0);
            if (InstanceTypes.of(type).isEmpty()) {
                s.error("nodeGroups[" + i + "].instanceTypes[0]", type, "an instance type " + InstanceTypes.SOURCE
                        + " describes (vCPUs, memory, network interfaces); add its row to use it");
                return;
            }
        }
        final List<CapacityModel.Group> model = groups(groups);
        final int nodes = CapacityModel.nodes(model, true);
        final CapacityModel.Room room = CapacityModel.room(model, true);
        final CapacityModel.Load system = CapacityModel.system(nodes, observability);
        if (!room.holds(system)) {
            s.error("nodeGroups at maxSize (" + nodes + " node" + (nodes == 1 ? "" : "s") + ": room for " + room.pods()
                    + " pods, " + room.cpuMillis() + "m CPU and " + room.memoryMiB() + " MiB) cannot hold the cluster's own "
                    + "pods (" + system.pods() + " pods, " + system.cpuMillis() + "m CPU, " + system.memoryMiB()
                    + " MiB, see " + CapacityModel.SOURCE + (observability ? " and observability-pods.csv" : "")
                    + "); raise maxSize or use a larger instance type.");
        }
    }
}
