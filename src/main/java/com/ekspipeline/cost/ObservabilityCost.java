package com.ekspipeline.cost;

import com.ekspipeline.catalog.ContainerInsightsMetrics;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.NodeGroupConfig;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.cloudwatch.CfnDashboard;
import software.constructs.IConstruct;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What seeing the app costs, with observability on: Container Insights' custom metrics and the service
 * probe's, the logs of the containers and nodes, the alarms (per metric each evaluates, counted in the
 * synthesized app) and the dashboard.
 */
final class ObservabilityCost {

    /** The service probe's ServiceReachable, published whether or not the nodes run. */
    private static final int PROBE_METRICS = 1;

    private ObservabilityCost() {
    }

    /**
     * Adds the lines and their assumptions; adds nothing with observability off.
     *
     * @param probe whether the service probe is among {@code app}'s (not on a stage's own cluster: it is the pipeline's)
     */
    static void add(final AppConfig config, final List<? extends IConstruct> app, final PriceTable prices, final SampleWorkload workload,
                    final BigDecimal runningShare, final List<CostEstimate.Line> lines, final List<String> assumptions,
                    final boolean probe) {
        if (!config.observability().enabled()) {
            return;
        }
        final String region = config.region();
        final int nodes = config.cluster().nodeGroups().stream().mapToInt(NodeGroupConfig::desiredSize).sum();
        final int insights = ContainerInsightsMetrics.count(nodes, workload);
        final BigDecimal metricMonth = prices.require(region, "cloudwatch-metric");
        final BigDecimal insightsMonth = metricMonth.multiply(BigDecimal.valueOf(insights).multiply(runningShare));
        lines.add(probe ? new CostEstimate.Line("CloudWatch metrics: Container Insights, service probe",
                insights + " + " + PROBE_METRICS + " metrics", CostEstimate.perHour(insightsMonth.add(
                        metricMonth.multiply(BigDecimal.valueOf(PROBE_METRICS)))))
                : new CostEstimate.Line("CloudWatch metrics: Container Insights", insights + " metrics",
                        CostEstimate.perHour(insightsMonth)));
        final Map<String, Integer> level = ContainerInsightsMetrics.perLevel();
        assumptions.add("Container Insights (without enhanced observability) publishes custom metrics: "
                + level.get("cluster") + " for the cluster, " + level.get("node") + " per node (" + nodes + "), "
                + level.get("namespace") + " per namespace (" + ContainerInsightsMetrics.namespaces(workload).size() + "), "
                + level.get("service") + " per service (" + ContainerInsightsMetrics.services(workload).size() + ") and "
                + level.get("pod") + " per pod name (" + ContainerInsightsMetrics.podNames(workload) + ": one per "
                + "system workload, one per sample-service replica), from " + ContainerInsightsMetrics.SOURCE
                + "; only while nodes run. More workloads or replicas publish more.");

        final int gibPerDay = config.observability().containerLogGiBPerDay();
        lines.add(new CostEstimate.Line("Logs: containers, nodes, Container Insights", gibPerDay + " GiB/day, "
                + config.logRetentionDays() + "-day retention",
                CostEstimate.logsPerHour(prices, region, gibPerDay, config.logRetentionDays()).multiply(runningShare)));
        assumptions.add("Container logs: estimatedContainerLogGiBPerDay (" + gibPerDay + ") of container output, node "
                + "logs and Container Insights performance events while nodes run.");

        final int alarmMetrics = alarmMetrics(app);
        lines.add(new CostEstimate.Line("CloudWatch alarms", alarmMetrics + " alarm metrics",
                CostEstimate.perHour(prices.require(region, "cloudwatch-alarm-metric").multiply(BigDecimal.valueOf(alarmMetrics)))));
        final int dashboards = (int) app.stream().flatMap(root -> root.getNode().findAll().stream()).filter(CfnDashboard.class::isInstance).count();
        lines.add(new CostEstimate.Line("CloudWatch dashboard", String.valueOf(dashboards),
                CostEstimate.perHour(prices.require(region, "cloudwatch-dashboard").multiply(BigDecimal.valueOf(dashboards)))));
        assumptions.add("Alarms are priced per metric they evaluate (a metric-math alarm per metric in it) and the "
                + "dashboard per month, before CloudWatch's free tier (10 alarm metrics, 3 dashboards).");
    }

    /**
     * With {@code stages}, what the pipeline's account pays to watch: the service probe's metric with
     * observability on, and the alarms and dashboard of its stacks.
     */
    static List<CostEstimate.Line> delivery(final AppConfig config, final List<? extends IConstruct> delivery,
                                            final PriceTable prices) {
        final String region = config.region();
        final List<CostEstimate.Line> lines = new ArrayList<>();
        if (config.observability().enabled()) {
            lines.add(new CostEstimate.Line("CloudWatch metrics: service probe", PROBE_METRICS + " metric",
                    CostEstimate.perHour(prices.require(region, "cloudwatch-metric")
                            .multiply(BigDecimal.valueOf(PROBE_METRICS)))));
        }
        final int alarmMetrics = alarmMetrics(delivery);
        if (alarmMetrics > 0) {
            lines.add(new CostEstimate.Line("CloudWatch alarms", alarmMetrics + " alarm metrics",
                    CostEstimate.perHour(prices.require(region, "cloudwatch-alarm-metric")
                            .multiply(BigDecimal.valueOf(alarmMetrics)))));
        }
        final int dashboards = CostEstimate.count(delivery, CfnDashboard.class);
        if (dashboards > 0) {
            lines.add(new CostEstimate.Line("CloudWatch dashboard", String.valueOf(dashboards),
                    CostEstimate.perHour(prices.require(region, "cloudwatch-dashboard")
                            .multiply(BigDecimal.valueOf(dashboards)))));
        }
        return lines;
    }

    private static int alarmMetrics(final List<? extends IConstruct> app) {
        return app.stream().flatMap(root -> root.getNode().findAll().stream()).filter(CfnAlarm.class::isInstance)
                .mapToInt(alarm -> metricsOf((CfnAlarm) alarm)).sum();
    }

    /** The metrics an alarm evaluates: one, or each metric (not expression) of its metric math. */
    private static int metricsOf(final CfnAlarm alarm) {
        final Object metrics = Stack.of(alarm).resolve(alarm.getMetrics());
        if (!(metrics instanceof List<?> queries)) {
            return 1;
        }
        return (int) queries.stream().filter(q -> q instanceof Map<?, ?> m && m.get("metricStat") != null).count();
    }
}
