package com.ekspipeline.pipeline;

import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.config.ObservabilityConfig;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The alarms that reach a person: each sends ALARM and OK to the notification topic. The Container
 * Insights metrics they watch are AWS's (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html);
 * docs/observability.md, "Seeing what runs" (the README's map links it by that name), says what each alarm
 * means and what to do.
 */
final class OpsAlarms {

    static final String CONTAINER_INSIGHTS = "ContainerInsights";
    static final int MAX_ALARM_METRICS = 10;

    /**
     * @param appName     names the alarms ({@code <app>-...})
     * @param clusterName the cluster whose metrics they watch
     * @param minNodes    the node groups' minSize together
     * @param maxNodes    the node groups' maxSize together
     * @param sampleApp   the sample service's StatefulSet in each stage
     * @param maxReplicas its autoscaler's maximum in each stage the cluster runs, in the order of {@link Stage}
     */
    record Props(String appName, String clusterName, int minNodes, int maxNodes, String sampleApp,
                 Map<Stage, Integer> maxReplicas, ObservabilityConfig settings, ITopic topic) {

        /**
         * The alarms of the cluster {@code clusterName}, whose node groups are {@code groups} and which runs the
         * sample service of {@code stages}, at its autoscaler's maximum in each.
         */
        static Props of(final String appName, final String clusterName, final List<NodeGroupConfig> groups,
                        final Set<Stage> stages, final ObservabilityConfig settings, final ITopic topic) {
            final Map<Stage, Integer> maxReplicas = new EnumMap<>(Stage.class);
            stages.forEach(stage -> maxReplicas.put(stage, stage == Stage.STAGING
                    ? SampleWorkload.RELEASED.stagingMaxReplicas() : SampleWorkload.RELEASED.productionMaxReplicas()));
            return new Props(appName, clusterName, groups.stream().mapToInt(NodeGroupConfig::minSize).sum(),
                    groups.stream().mapToInt(NodeGroupConfig::maxSize).sum(), OpsMonitoring.SAMPLE_APP, maxReplicas,
                    settings, topic);
        }
    }

    private OpsAlarms() {
    }

    /** The cluster's alarms, then the service probe's: the shared cluster's, in the pipeline stack. */
    static List<Alarm> create(final Construct scope, final Props props, final Metric reachable) {
        final List<Alarm> alarms = clusterAlarms(scope, props);
        alarms.add(serviceUnreachable(scope, props.appName(), props.topic(), reachable));
        return alarms;
    }

    /**
     * The alarms on one cluster: its nodes and the restarts in each stage it runs. With {@code stages}, each
     * stage's are in its own account, named for the stage ({@code props.appName()} is the stage's name).
     */
    static List<Alarm> clusterAlarms(final Construct scope, final Props props) {
        final List<String> quietOffHours = ObservabilityConfig.nodeAlarmNames(props.appName());
        final List<Alarm> alarms = new ArrayList<>();
        final String cluster = props.clusterName();
        // Missing data breaches here: with no node, no agent runs to publish anything.
        alarms.add(alarm(scope, "NodesBelowMinimum", quietOffHours.get(0), props.topic(),
                "Fewer nodes than the node groups' minimum (" + props.minNodes() + ") for 15 minutes.",
                clusterMetric(cluster, "cluster_node_count", "Minimum"), props.minNodes(),
                ComparisonOperator.LESS_THAN_THRESHOLD, 3, TreatMissingData.BREACHING));
        alarms.add(alarm(scope, "NodesNotReady", quietOffHours.get(1), props.topic(),
                "A node has been failing a node condition (not Ready, memory, disk or PID pressure) for 15 minutes.",
                clusterMetric(cluster, "cluster_failed_node_count", "Maximum"), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 3, TreatMissingData.NOT_BREACHING));
        // Only once every group is at maxSize: below it, the cluster autoscaler adds nodes for pending pods.
        final MathExpression reservation = MathExpression.Builder.create()
                .expression("IF(nodes >= " + props.maxNodes() + ", MAX([cpu, memory]), 0)")
                .usingMetrics(new TreeMap<String, IMetric>(Map.of(
                        "nodes", clusterMetric(cluster, "cluster_node_count", "Minimum"),
                        "cpu", clusterMetric(cluster, "node_cpu_reserved_capacity", "Average"),
                        "memory", clusterMetric(cluster, "node_memory_reserved_capacity", "Average"))))
                .label("CPU or memory reserved, % (0 below maxSize)")
                .period(Duration.minutes(5))
                .build();
        alarms.add(alarm(scope, "ReservationAtMax", quietOffHours.get(2), props.topic(),
                "Every node group is at maxSize (" + props.maxNodes() + " nodes) and pods reserve "
                        + props.settings().reservationAlarmPercent() + "% or more of their CPU or memory, "
                        + "which the cluster autoscaler cannot relieve.",
                reservation, props.settings().reservationAlarmPercent(),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 3, TreatMissingData.NOT_BREACHING));
        for (final Stage stage : props.maxReplicas().keySet()) {
            alarms.add(alarm(scope, stage.title() + "PodRestarts",
                    ObservabilityConfig.restartAlarmName(props.appName(), stage.namespace()),
                    props.topic(), "Containers of " + props.sampleApp() + " in " + stage.namespace() + " restarted "
                            + props.settings().restartAlarmCount() + " times or more within 15 minutes: they crash "
                            + "or fail their liveness probe.",
                    restarts(cluster, stage, props.sampleApp(), props.maxReplicas().get(stage)),
                    props.settings().restartAlarmCount(), ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                    TreatMissingData.NOT_BREACHING));
        }
        return alarms;
    }

    /** Production's page does not answer, as the service probe in the pipeline's account sees it. */
    static Alarm serviceUnreachable(final Construct scope, final String appName, final ITopic topic,
                                    final Metric reachable) {
        // 15 minutes: after off-hours, nodes, pods and load balancer targets take some minutes to be back.
        return alarm(scope, "ServiceUnreachable", ObservabilityConfig.offHoursAlarmNames(appName).get(3), topic,
                "Production's page has not answered 200 with the expected text for 15 minutes (service probe).",
                reachable, 1, ComparisonOperator.LESS_THAN_THRESHOLD, 3, TreatMissingData.NOT_BREACHING);
    }

    /**
     * Container restarts of the stage's pods within 15 minutes. Container Insights publishes
     * {@code pod_number_of_container_restarts} as the restarts since its previous measurement, under the
     * pod's own name for a StatefulSet's pods ({@code hello-0}, {@code hello-1}, ...), so the alarm adds up
     * every pod the autoscaler may run (amazon-cloudwatch-agent, plugins/processors/k8sdecorator,
     * podstore.go: addStatus and addPodOwnersAndPodName). SUM over an array of time series is one time
     * series, the point-by-point sum (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html),
     * and an alarm's metric math may read at most {@value #MAX_ALARM_METRICS} metrics, a hard limit
     * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html).
     */
    static MathExpression restarts(final String cluster, final Stage stage, final String app, final int maxReplicas) {
        if (maxReplicas > MAX_ALARM_METRICS) {
            throw new IllegalArgumentException("The restart alarm of " + stage.namespace() + " would read " + maxReplicas
                    + " pods' metrics, more than the " + MAX_ALARM_METRICS + " a CloudWatch alarm's metric math may "
                    + "read; lower the autoscaler's maxReplicas in k8s/overlays/" + stage.namespace()
                    + " or alarm on a Metrics Insights query instead.");
        }
        final Map<String, IMetric> pods = new TreeMap<>();
        for (int i = 0; i < maxReplicas; i++) {
            pods.put("pod" + i, Metric.Builder.create()
                    .namespace(CONTAINER_INSIGHTS)
                    .metricName("pod_number_of_container_restarts")
                    .dimensionsMap(new TreeMap<>(Map.of("ClusterName", cluster, "Namespace", stage.namespace(),
                            "PodName", app + "-" + i)))
                    .statistic("Sum")
                    .period(Duration.minutes(15))
                    .build());
        }
        return MathExpression.Builder.create()
                .expression("SUM([" + String.join(", ", pods.keySet()) + "])")
                .usingMetrics(pods)
                .label(stage.namespace() + ": container restarts in 15 minutes")
                .period(Duration.minutes(15))
                .build();
    }

    static Metric clusterMetric(final String cluster, final String name, final String statistic) {
        return Metric.Builder.create()
                .namespace(CONTAINER_INSIGHTS)
                .metricName(name)
                .dimensionsMap(Map.of("ClusterName", cluster))
                .statistic(statistic)
                .period(Duration.minutes(5))
                .build();
    }

    private static Alarm alarm(final Construct scope, final String id, final String name, final ITopic topic,
                               final String description, final IMetric metric, final double threshold,
                               final ComparisonOperator operator, final int periods, final TreatMissingData missing) {
        final Alarm alarm = Alarm.Builder.create(scope, id)
                .alarmName(name)
                .alarmDescription(description + " See \"Seeing what runs\" in the README.")
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(operator)
                .evaluationPeriods(periods)
                .treatMissingData(missing)
                .build();
        final SnsAction action = new SnsAction(topic);
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        return alarm;
    }
}
