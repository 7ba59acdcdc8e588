package com.ekspipeline.catalog;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many custom metrics Container Insights publishes for the cluster, from AWS's metric table
 * ({@code container-insights-metrics.csv}): each metric once per cluster, node, namespace, service or
 * workload it has a dimension set for. Every workload, namespace and service counted here is one this
 * app runs; a running cluster with more of them publishes more.
 */
public final class ContainerInsightsMetrics {

    public static final String SOURCE = "src/main/resources/container-insights-metrics.csv";

    /** Namespaces with running pods: the system's, the add-on's and the two stages'. */
    public static final List<String> NAMESPACES = List.of("kube-system", "amazon-cloudwatch", "staging", "production");

    /**
     * Services that select running pods: CoreDNS (kube-dns), metrics-server, the load balancer controller's
     * and the CloudWatch operator's webhooks, the cluster autoscaler's and the agent's, and the sample
     * service's two (hello, hello-headless) in each stage.
     */
    public static final List<String> SERVICES = List.of("kube-dns", "metrics-server",
            "aws-load-balancer-webhook-service", "cluster-autoscaler", "amazon-cloudwatch-observability-webhook-service",
            "cloudwatch-agent", "staging/hello", "staging/hello-headless", "production/hello",
            "production/hello-headless");

    private static final Map<String, Integer> PER_LEVEL = load();

    private ContainerInsightsMetrics() {
    }

    /** Metrics published once per cluster, node, namespace, service and workload ("pod"). */
    public static Map<String, Integer> perLevel() {
        return PER_LEVEL;
    }

    /**
     * The pod-level dimension sets: one per Deployment or DaemonSet (the agent names their pods together),
     * and one per pod of a StatefulSet (named one by one), so the sample service counts once per replica.
     */
    public static int podNames(final SampleWorkload workload) {
        return CapacityModel.systemWorkloads(true) + workload.stagingReplicas() + workload.productionReplicas();
    }

    /** The metrics published while {@code nodes} nodes run, with the sample service at its minimum. */
    public static int count(final int nodes, final SampleWorkload workload) {
        return PER_LEVEL.get("cluster")
                + PER_LEVEL.get("node") * nodes
                + PER_LEVEL.get("namespace") * namespaces(workload).size()
                + PER_LEVEL.get("service") * services(workload).size()
                + PER_LEVEL.get("pod") * podNames(workload);
    }

    /** {@link #NAMESPACES} on a cluster that runs {@code workload}: a stage's own cluster has its namespace only. */
    public static List<String> namespaces(final SampleWorkload workload) {
        return NAMESPACES.stream().filter(n -> runs(n, workload)).toList();
    }

    /** {@link #SERVICES} on a cluster that runs {@code workload}. */
    public static List<String> services(final SampleWorkload workload) {
        return SERVICES.stream().filter(s -> runs(s.split("/")[0], workload)).toList();
    }

    private static boolean runs(final String namespace, final SampleWorkload workload) {
        return switch (namespace) {
            case "staging" -> workload.stagingReplicas() > 0;
            case "production" -> workload.productionReplicas() > 0;
            default -> true;
        };
    }

    private static Map<String, Integer> load() {
        final Map<String, Integer> counts = new TreeMap<>(Map.of("cluster", 0, "node", 0, "namespace", 0,
                "service", 0, "pod", 0));
        for (final String[] row : CsvResource.rows("container-insights-metrics.csv", "metric", 0)) {
            if (row.length != 2 || !counts.containsKey(row[1])) {
                throw new IllegalStateException(SOURCE + " has a row that is not metric,level: " + String.join(",", row));
            }
            counts.merge(row[1], 1, Integer::sum);
        }
        return Map.copyOf(counts);
    }
}
