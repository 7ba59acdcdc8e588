package com.ekspipeline.catalog;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether the node groups hold what runs on them: the DaemonSets on every node, the cluster's own pods
 * ({@code system-pods.csv}) and the sample service at its autoscalers' maximum in both stages, against
 * pods per node, allocatable CPU and allocatable memory ({@link InstanceTypes}). Groups are counted at
 * the instance type EKS launches first, the smallest capacity a group may get.
 */
public final class CapacityModel {

    public static final String SOURCE = "src/main/resources/system-pods.csv";

    /** One node group as the model sees it. */
    public record Group(String name, String instanceType, int desiredSize, int maxSize) {
    }

    /** Pods with their total requests. */
    public record Load(int pods, int cpuMillis, int memoryMiB) {

        Load plus(final Load other) {
            return new Load(pods + other.pods, cpuMillis + other.cpuMillis, memoryMiB + other.memoryMiB);
        }
    }

    /** Room for pods, CPU and memory, in total over a set of nodes. */
    public record Room(int pods, int cpuMillis, int memoryMiB) {

        public boolean holds(final Load load) {
            return load.pods <= pods && load.cpuMillis <= cpuMillis && load.memoryMiB <= memoryMiB;
        }

        /** What is left once {@code load} runs, for the headroom line. */
        public Room minus(final Load load) {
            return new Room(pods - load.pods, cpuMillis - load.cpuMillis, memoryMiB - load.memoryMiB);
        }
    }

    private static final List<String[]> SYSTEM_PODS = CsvResource.rows("system-pods.csv", "name", 6);
    /** What the CloudWatch observability add-on adds when observability is on. */
    private static final List<String[]> OBSERVABILITY_PODS = CsvResource.rows("observability-pods.csv", "name", 6);

    private CapacityModel() {
    }

    /** The DaemonSets' pods on {@code nodes} nodes, and the cluster pods once; the add-on's with {@code observability}. */
    public static Load system(final int nodes, final boolean observability) {
        Load load = new Load(0, 0, 0);
        for (final String[] pod : systemPods(observability)) {
            final int count = "node".equals(pod[1]) ? nodes : Integer.parseInt(pod[2]);
            load = load.plus(new Load(count, count * Integer.parseInt(pod[3]), count * Integer.parseInt(pod[4])));
        }
        return load;
    }

    /** The DaemonSets' pods on {@code nodes} nodes only: what every node runs before anything is scheduled on it. */
    public static Load daemonSets(final int nodes, final boolean observability) {
        Load load = new Load(0, 0, 0);
        for (final String[] pod : systemPods(observability)) {
            if ("node".equals(pod[1])) {
                load = load.plus(new Load(nodes, nodes * Integer.parseInt(pod[3]), nodes * Integer.parseInt(pod[4])));
            }
        }
        return load;
    }

    /**
     * The cluster's own pods with Karpenter instead of the cluster autoscaler, on the {@code nodes} nodes of the
     * system group: the DaemonSets there, every cluster pod but the autoscaler's, and Karpenter's controllers
     * at the requests its rendered chart sets ({@code KARPENTER}).
     */
    public static Load systemWithKarpenter(final int nodes, final boolean observability) {
        Load load = KARPENTER;
        for (final String[] pod : systemPods(observability)) {
            if ("cluster-autoscaler".equals(pod[0])) {
                continue;
            }
            final int count = "node".equals(pod[1]) ? nodes : Integer.parseInt(pod[2]);
            load = load.plus(new Load(count, count * Integer.parseInt(pod[3]), count * Integer.parseInt(pod[4])));
        }
        return load;
    }

    /**
     * Karpenter's two controller replicas at 1 CPU and 1 GiB each, the requests its getting-started guide sets
     * (karpenter.sh/docs/getting-started/getting-started-with-karpenter, step "Install Karpenter") and
     * {@code scripts/render-karpenter} renders.
     */
    public static final Load KARPENTER = new Load(2, 2000, 2048);

    /** What one node of {@code instanceType} offers pods. */
    public static Room node(final String instanceType) {
        return room(List.of(new Group(instanceType, instanceType, 1, 1)), true);
    }

    /** The sample service at its autoscalers' maximum in both stages. */
    public static Load workloadAtMax(final SampleWorkload workload) {
        return workload(workload, workload.stagingMaxReplicas(), workload.productionMaxReplicas());
    }

    /** The sample service at its autoscalers' minimum in both stages, as it runs once released. */
    public static Load workloadAtMin(final SampleWorkload workload) {
        return workload(workload, workload.stagingReplicas(), workload.productionReplicas());
    }

    private static Load workload(final SampleWorkload workload, final int staging, final int production) {
        return new Load(staging + production,
                staging * workload.stagingCpuMillis() + production * workload.productionCpuMillis(),
                staging * workload.stagingMemoryMiB() + production * workload.productionMemoryMiB());
    }

    /** The headroom line synth prints: what is left at desiredSize with the service at its minimum. */
    public static String headroom(final List<Group> groups, final SampleWorkload workload, final boolean observability) {
        final int nodes = nodes(groups, false);
        final Room left = room(groups, false).minus(system(nodes, observability).plus(workloadAtMin(workload)));
        return "Capacity at desiredSize (" + nodes + " node" + (nodes == 1 ? "" : "s") + "), with the cluster's own "
                + "pods and the sample service at its minimum: room for " + left.pods() + " more pods, "
                + left.cpuMillis() + "m CPU and " + left.memoryMiB() + " MiB of requests.";
    }

    /** A warning when the groups at maxSize cannot hold the sample service at its maximum besides the system. */
    public static Optional<String> maxWarning(final List<Group> groups, final SampleWorkload workload,
                                              final boolean observability) {
        final int nodes = nodes(groups, true);
        final Load needed = system(nodes, observability).plus(workloadAtMax(workload));
        final Room room = room(groups, true);
        if (room.holds(needed)) {
            return Optional.empty();
        }
        return Optional.of("The node groups at maxSize (" + nodes + " nodes: room for " + room.pods()
                + " pods, " + room.cpuMillis() + "m CPU, " + room.memoryMiB() + " MiB) cannot hold the cluster's own "
                + "pods and the sample service at its autoscalers' maximum (" + needed.pods() + " pods, "
                + needed.cpuMillis() + "m CPU, " + needed.memoryMiB() + " MiB): it will stop scaling short of its "
                + "maximum. Raise maxSize or use a larger instance type.");
    }

    /**
     * With Karpenter, a warning when the NodePools at their limits cannot hold the sample service at its maximum.
     * The cluster's own pods stay on the tainted system group; a pool's nodes carry only the DaemonSets and the
     * service. A pool's limits are maxSize nodes of its largest type (KarpenterNodePools), so Karpenter can
     * always launch maxSize nodes of its first type, the room counted here.
     */
    public static Optional<String> poolsMaxWarning(final List<Group> pools, final SampleWorkload workload,
                                                   final boolean observability) {
        final int nodes = nodes(pools, true);
        final Load needed = daemonSets(nodes, observability).plus(workloadAtMax(workload));
        final Room room = room(pools, true);
        if (room.holds(needed)) {
            return Optional.empty();
        }
        return Optional.of("The NodePools at their limits (" + nodes + " nodes: room for " + room.pods() + " pods, "
                + room.cpuMillis() + "m CPU, " + room.memoryMiB() + " MiB) cannot hold the sample service at its "
                + "autoscalers' maximum with the DaemonSets on those nodes (" + needed.pods() + " pods, "
                + needed.cpuMillis() + "m CPU, " + needed.memoryMiB() + " MiB): Karpenter stops launching at the "
                + "limits and the service stops scaling short of its maximum. Raise maxSize or use a larger instance "
                + "type.");
    }

    /** The headroom line with Karpenter: the NodePools at desiredSize, the DaemonSets and the service at its minimum. */
    public static String poolsHeadroom(final List<Group> pools, final SampleWorkload workload,
                                       final boolean observability) {
        final int nodes = nodes(pools, false);
        final Room left = room(pools, false).minus(daemonSets(nodes, observability).plus(workloadAtMin(workload)));
        return "Capacity of the NodePools at desiredSize (" + nodes + " node" + (nodes == 1 ? "" : "s") + "; the "
                + "cluster's own pods run on the system group), with the sample service at its minimum: room for "
                + left.pods() + " more pods, " + left.cpuMillis() + "m CPU and " + left.memoryMiB() + " MiB of requests.";
    }

    /** What {@code groups} offer with each at {@code maxSize} ({@code atMax}) or at {@code desiredSize}. */
    public static Room room(final List<Group> groups, final boolean atMax) {
        int pods = 0;
        int cpu = 0;
        int memory = 0;
        for (final Group group : groups) {
            final InstanceTypes.Spec spec = InstanceTypes.of(group.instanceType()).orElseThrow();
            final int nodes = atMax ? group.maxSize() : group.desiredSize();
            pods += nodes * spec.maxPods();
            cpu += nodes * spec.allocatableCpuMillis();
            memory += nodes * spec.allocatableMemoryMiB();
        }
        return new Room(pods, cpu, memory);
    }

    /** Nodes when every group is at {@code maxSize} or at {@code desiredSize}. */
    public static int nodes(final List<Group> groups, final boolean atMax) {
        return groups.stream().mapToInt(g -> atMax ? g.maxSize() : g.desiredSize()).sum();
    }

    /** The DaemonSets and Deployments the cluster runs before any workload. */
    public static int systemWorkloads(final boolean observability) {
        return systemPods(observability).size();
    }

    private static List<String[]> systemPods(final boolean observability) {
        return observability
                ? Stream.concat(SYSTEM_PODS.stream(), OBSERVABILITY_PODS.stream()).toList()
                : SYSTEM_PODS;
    }
}
