package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.NodeGroupConfig;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.codebuild.IProject;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One CloudWatch dashboard for the app: the alarms, the nodes and their use, the pods of each stage, the
 * service, the pipeline's builds and deploys, and the smoke tests.
 */
final class OpsDashboard {

    private static final int FULL = 24;
    private static final int HALF = 12;
    private static final int HEIGHT = 6;

    /**
     * @param appName     names the dashboard
     * @param clusterName the cluster whose Container Insights metrics it shows
     * @param groups      the node groups, whose sizes it lists
     * @param sampleApp   the sample service's Service name in each stage
     * @param build       the build project (tests, image)
     * @param deploys     the deploy project of each stage
     * @param smokeTest   the smoke-test function
     */
    record Props(String appName, String clusterName, List<NodeGroupConfig> groups, String sampleApp,
                 IProject build, Deploys deploys, IFunction smokeTest, Metric reachable,
                 List<Alarm> alarms) {
    }

    private OpsDashboard() {
    }

    static Dashboard create(final Construct scope, final Props props) {
        final String cluster = props.clusterName();
        final List<List<? extends IWidget>> rows = new ArrayList<>();
        rows.add(List.of(AlarmStatusWidget.Builder.create().title("Alarms").alarms(props.alarms())
                .width(FULL).height(4).build()));
        rows.add(List.of(
                graph("Nodes (" + groupsLine(props.groups()) + ")", List.of(
                        OpsAlarms.clusterMetric(cluster, "cluster_node_count", "Minimum").with(label("nodes")),
                        OpsAlarms.clusterMetric(cluster, "cluster_failed_node_count", "Maximum")
                                .with(label("failing a node condition"))), HALF),
                // Container Insights has no node-group dimension: one line per node, and the cluster's average.
                graph("Node CPU and memory use, % (each node)", List.of(
                        perNode(cluster, "node_cpu_utilization", "CPU"),
                        perNode(cluster, "node_memory_utilization", "memory")), HALF)));
        rows.add(List.of(
                graph("CPU and memory reserved by pods, %", List.of(
                        OpsAlarms.clusterMetric(cluster, "node_cpu_reserved_capacity", "Average").with(label("CPU")),
                        OpsAlarms.clusterMetric(cluster, "node_memory_reserved_capacity", "Average")
                                .with(label("memory"))), HALF),
                graph("Running pods per namespace", List.of(Stage.values()).stream()
                        .map(stage -> (IMetric) namespacePods(cluster, stage.namespace())).toList(), HALF)));
        rows.add(List.of(
                graph("Production answers the probe (1) or not (0)",
                        List.of(props.reachable().with(label("production answers"))), HALF),
                graph("Service network traffic, bytes/s (the app publishes no request metrics)", List.of(Stage.values())
                        .stream().flatMap(stage -> List.of(
                                serviceMetric(cluster, stage, props.sampleApp(), "pod_network_rx_bytes", "in"),
                                serviceMetric(cluster, stage, props.sampleApp(), "pod_network_tx_bytes", "out")).stream())
                        .map(m -> (IMetric) m).toList(), HALF)));
        final List<IMetric> builds = new ArrayList<>();
        builds.add(props.build().metricSucceededBuilds(sum("build succeeded")));
        builds.add(props.build().metricFailedBuilds(sum("build failed")));
        for (final Stage stage : Stage.values()) {
            builds.add(props.deploys().project(stage).metricSucceededBuilds(sum(stage.namespace() + " deploy succeeded")));
            builds.add(props.deploys().project(stage).metricFailedBuilds(sum(stage.namespace() + " deploy failed")));
        }
        rows.add(List.of(
                graph("Pipeline: builds and deploys per hour", builds, HALF),
                graph("Smoke tests: duration (ms) and errors", List.of(
                        props.smokeTest().metricDuration(MetricOptions.builder().statistic("Maximum")
                                .label("longest smoke test, ms").build()),
                        props.smokeTest().metricInvocations(sum("smoke tests run")),
                        props.smokeTest().metricErrors(sum("smoke-test function errors"))), HALF)));
        rows.add(List.of(TextWidget.Builder.create().width(FULL).height(2).markdown("Container logs: Logs Insights on "
                + "`/aws/containerinsights/" + cluster + "/application`. Releases: the pipeline `" + props.appName()
                + "`. What each alarm means: the README's \"Seeing what runs\".").build()));
        final Dashboard dashboard = Dashboard.Builder.create(scope, "Dashboard")
                .dashboardName(props.appName())
                .defaultInterval(Duration.hours(12))
                .widgets(rows)
                .build();
        // The app's tag lets scripts/verify-destroyed find it. CloudFormation's schema for dashboards, from
        // which aws-cdk-lib's CfnDashboard is generated, has Tags; cfn-lint's bundled copy does not yet.
        ((CfnResource) dashboard.getNode().getDefaultChild()).addMetadata("cfn-lint",
                Map.of("config", Map.of("ignore_checks", List.of("E3002"))));
        return dashboard;
    }

    static String url(final String region, final String name) {
        return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region
                + "#dashboards:name=" + name;
    }

    private static GraphWidget graph(final String title, final List<IMetric> metrics, final int width) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(width).height(HEIGHT).build();
    }

    private static MetricOptions label(final String label) {
        return MetricOptions.builder().label(label).build();
    }

    private static MetricOptions sum(final String label) {
        return MetricOptions.builder().statistic("Sum").period(Duration.hours(1)).label(label).build();
    }

    private static MathExpression perNode(final String cluster, final String metric, final String what) {
        return MathExpression.Builder.create()
                .expression("SEARCH('{" + OpsAlarms.CONTAINER_INSIGHTS + ",ClusterName,InstanceId,NodeName} MetricName=\""
                        + metric + "\" ClusterName=\"" + cluster + "\"', 'Average', 300)")
                .label(what)
                .period(Duration.minutes(5))
                .build();
    }

    private static Metric namespacePods(final String cluster, final String namespace) {
        return Metric.Builder.create().namespace(OpsAlarms.CONTAINER_INSIGHTS)
                .metricName("namespace_number_of_running_pods")
                .dimensionsMap(new TreeMap<>(Map.of("ClusterName", cluster, "Namespace", namespace)))
                .statistic("Average").period(Duration.minutes(5)).label(namespace).build();
    }

    private static Metric serviceMetric(final String cluster, final Stage stage, final String service,
                                        final String metric, final String label) {
        return Metric.Builder.create().namespace(OpsAlarms.CONTAINER_INSIGHTS).metricName(metric)
                .dimensionsMap(new TreeMap<>(Map.of("ClusterName", cluster, "Namespace", stage.namespace(),
                        "Service", service)))
                .statistic("Average").period(Duration.minutes(5)).label(stage.namespace() + " " + label).build();
    }

    private static String groupsLine(final List<NodeGroupConfig> groups) {
        return String.join("; ", groups.stream().map(g -> g.name() + ": min " + g.minSize() + ", desired "
                + g.desiredSize() + ", max " + g.maxSize()).toList());
    }
}
