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
        final List<Stage> stages = List.of(Stage.values());
        final List<List<? extends IWidget>> rows = new ArrayList<>();
        rows.add(alarmsRow(props.alarms()));
        rows.add(nodesRow(cluster, props.groups()));
        rows.add(reservationRow(cluster, stages));
        rows.add(List.of(probe(props.reachable()), traffic(cluster, stages, props.sampleApp())));
        rows.add(releaseRow(props.build(), props.deploys(), props.smokeTest()));
        rows.add(List.of(text("Container logs: Logs Insights on `" + applicationLogs(cluster) + "`. Releases: the "
                + "pipeline `" + props.appName() + "`. What each alarm means: the README's \"Seeing what runs\".")));
        return dashboard(scope, props.appName(), rows);
    }

    /**
     * With {@code stages}: the pipeline's side, in the delivery account. Each stage's cluster has a dashboard of
     * its own in its account ({@link #forCluster}), as a dashboard shows the metrics of its own account only
     * unless CloudWatch's cross-account observability is set up.
     */
    static Dashboard forRelease(final Construct scope, final Props props, final List<String> stageDashboards) {
        final List<List<? extends IWidget>> rows = new ArrayList<>();
        rows.add(alarmsRow(props.alarms()));
        rows.add(List.of(probe(props.reachable())));
        rows.add(releaseRow(props.build(), props.deploys(), props.smokeTest()));
        rows.add(List.of(text("Each stage's cluster: the dashboards `" + String.join("` and `", stageDashboards)
                + "`, each in its stage's account and region. Releases: the pipeline `" + props.appName()
                + "`. What each alarm means: the README's \"Seeing what runs\".")));
        return dashboard(scope, props.appName(), rows);
    }

    /**
     * One stage's cluster, in the stage's account: its alarms, nodes, pods and service.
     *
     * @param name     the dashboard's name, the stage's ({@code <app>-staging})
     * @param pipeline the pipeline that deploys to it, in the delivery account
     */
    static Dashboard forCluster(final Construct scope, final String name, final String clusterName,
                                final List<NodeGroupConfig> groups, final Stage stage, final String sampleApp,
                                final List<Alarm> alarms, final String pipeline) {
        final List<List<? extends IWidget>> rows = new ArrayList<>();
        rows.add(alarmsRow(alarms));
        rows.add(nodesRow(clusterName, groups));
        rows.add(reservationRow(clusterName, List.of(stage)));
        rows.add(List.of(traffic(clusterName, List.of(stage), sampleApp)));
        rows.add(List.of(text("Container logs: Logs Insights on `" + applicationLogs(clusterName) + "`. Releases: "
                + "the pipeline `" + pipeline + "` in the delivery account. What each alarm means: "
                + "the README's \"Seeing what runs\".")));
        return dashboard(scope, name, rows);
    }

    private static List<IWidget> alarmsRow(final List<Alarm> alarms) {
        return List.of(AlarmStatusWidget.Builder.create().title("Alarms").alarms(alarms).width(FULL).height(4).build());
    }

    private static List<IWidget> nodesRow(final String cluster, final List<NodeGroupConfig> groups) {
        return List.of(
                graph("Nodes (" + groupsLine(groups) + ")", List.of(
                        OpsAlarms.clusterMetric(cluster, "cluster_node_count", "Minimum").with(label("nodes")),
                        OpsAlarms.clusterMetric(cluster, "cluster_failed_node_count", "Maximum")
                                .with(label("failing a node condition"))), HALF),
                // Container Insights has no node-group dimension: one line per node, and the cluster's average.
                graph("Node CPU and memory use, % (each node)", List.of(
                        perNode(cluster, "node_cpu_utilization", "CPU"),
                        perNode(cluster, "node_memory_utilization", "memory")), HALF));
    }

    private static List<IWidget> reservationRow(final String cluster, final List<Stage> stages) {
        return List.of(
                graph("CPU and memory reserved by pods, %", List.of(
                        OpsAlarms.clusterMetric(cluster, "node_cpu_reserved_capacity", "Average").with(label("CPU")),
                        OpsAlarms.clusterMetric(cluster, "node_memory_reserved_capacity", "Average")
                                .with(label("memory"))), HALF),
                graph("Running pods per namespace", stages.stream()
                        .map(stage -> (IMetric) namespacePods(cluster, stage.namespace())).toList(), HALF));
    }

    private static GraphWidget probe(final Metric reachable) {
        return graph("Production answers the probe (1) or not (0)",
                List.of(reachable.with(label("production answers"))), HALF);
    }

    private static GraphWidget traffic(final String cluster, final List<Stage> stages, final String sampleApp) {
        return graph("Service network traffic, bytes/s (the app publishes no request metrics)", stages.stream()
                .flatMap(stage -> List.of(
                        serviceMetric(cluster, stage, sampleApp, "pod_network_rx_bytes", "in"),
                        serviceMetric(cluster, stage, sampleApp, "pod_network_tx_bytes", "out")).stream())
                .map(m -> (IMetric) m).toList(), HALF);
    }

    private static List<IWidget> releaseRow(final IProject build, final Deploys deploys, final IFunction smokeTest) {
        final List<IMetric> builds = new ArrayList<>();
        builds.add(build.metricSucceededBuilds(sum("build succeeded")));
        builds.add(build.metricFailedBuilds(sum("build failed")));
        for (final Stage stage : Stage.values()) {
            builds.add(deploys.project(stage).metricSucceededBuilds(sum(stage.namespace() + " deploy succeeded")));
            builds.add(deploys.project(stage).metricFailedBuilds(sum(stage.namespace() + " deploy failed")));
        }
        return List.of(
                graph("Pipeline: builds and deploys per hour", builds, HALF),
                graph("Smoke tests: duration (ms) and errors", List.of(
                        smokeTest.metricDuration(MetricOptions.builder().statistic("Maximum")
                                .label("longest smoke test, ms").build()),
                        smokeTest.metricInvocations(sum("smoke tests run")),
                        smokeTest.metricErrors(sum("smoke-test function errors"))), HALF));
    }

    private static String applicationLogs(final String cluster) {
        return "/aws/containerinsights/" + cluster + "/application";
    }

    private static TextWidget text(final String markdown) {
        return TextWidget.Builder.create().width(FULL).height(2).markdown(markdown).build();
    }

    private static Dashboard dashboard(final Construct scope, final String name,
                                       final List<List<? extends IWidget>> rows) {
        final Dashboard dashboard = Dashboard.Builder.create(scope, "Dashboard")
                .dashboardName(name)
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
