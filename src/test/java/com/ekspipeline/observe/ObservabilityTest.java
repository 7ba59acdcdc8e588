package com.ekspipeline.observe;

import com.ekspipeline.Deployment;
import com.ekspipeline.cost.CostEstimate;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeing what runs, with observability on (and off-hours, whose parked nodes must not alarm): Container
 * Insights in the cluster stack, the probe, the alarms on the notification topic and the dashboard in the
 * pipeline stack, and what the estimate adds for them.
 */
class ObservabilityTest {

    private static final TestContext ON = TestContext.defaults().with("observability", true)
            .with("alarmReservationPercent", 85)
            .with("offHours", Map.of("scaleDownAt", "20:00", "scaleUpAt", "07:00", "timeZone", "UTC"));

    private static Deployment deployment;
    /** The nodes stack, where the add-on, its identity and off-hours are. */
    private static Template cluster;
    private static Template controlPlane;
    private static Template pipeline;

    @BeforeAll
    static void synth() {
        deployment = ON.deploy();
        cluster = Synthesized.template(deployment.nodes());
        controlPlane = Synthesized.template(deployment.cluster());
        pipeline = Synthesized.template(deployment.pipeline());
    }

    @Test
    void isOffByDefault() {
        final Template plainCluster = Synthesized.template(Synths.defaults().nodes());
        final Template plainPipeline = Synthesized.template(Synths.defaults().pipeline());
        assertTrue(Resources.ofType(plainCluster, "AWS::EKS::Addon").values().stream()
                .noneMatch(a -> "amazon-cloudwatch-observability".equals(Resources.properties(a).get("AddonName"))));
        plainPipeline.resourceCountIs("AWS::CloudWatch::Alarm", 0);
        plainPipeline.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
        assertTrue(TestContext.defaults().estimate().lines().stream().noneMatch(l -> l.item().startsWith("CloudWatch")));
    }

    @Test
    void theAddonRunsWithoutEnhancedObservabilityAndWithContainerLogsAtTheLookedUpVersion() {
        final Map<String, Object> addon = addon();
        final Map<String, Object> properties = Resources.properties(addon);
        assertEquals(Map.of("agent", Map.of("config", Map.of("logs", Map.of("metrics_collected",
                        Map.of("kubernetes", Map.of("enhanced_container_insights", false))))),
                "containerLogs", Map.of("enabled", true)), Resources.parseJson((String) properties.get("ConfigurationValues")));
        assertEquals("OVERWRITE", properties.get("ResolveConflicts"));
        final String lookup = Resources.logicalIds(controlPlane, "Custom::AddonVersions").get(0);
        // The lookup is in the cluster stack; the add-on reads its answer through that stack's output.
        final Map<?, ?> output = (Map<?, ?>) ((Map<?, ?>) properties.get("AddonVersion")).get("Fn::GetStackOutput");
        assertEquals(deployment.cluster().getStackName(), output.get("StackName"));
        assertEquals(Map.of("Fn::GetAtt", List.of(lookup, "amazon-cloudwatch-observability")),
                ((Map<?, ?>) controlPlane.toJSON().get("Outputs")).entrySet().stream()
                        .filter(e -> e.getKey().equals(output.get("OutputName")))
                        .map(e -> ((Map<?, ?>) e.getValue()).get("Value")).findFirst().orElseThrow());
        assertTrue(Resources.strings(Resources.properties(Resources.ofType(controlPlane, "Custom::AddonVersions").get(lookup))
                .get("AddonNames")).contains("amazon-cloudwatch-observability"));
    }

    @Test
    void theAgentGetsItsPolicyThroughPodIdentityBeforeTheAddonStarts() {
        final String association = Resources.logicalId(cluster, "AWS::EKS::PodIdentityAssociation", "ServiceAccount",
                "cloudwatch-agent");
        final Map<String, Object> properties = Resources.properties(
                Resources.ofType(cluster, "AWS::EKS::PodIdentityAssociation").get(association));
        assertEquals("amazon-cloudwatch", properties.get("Namespace"));
        final String role = (String) ((List<?>) ((Map<?, ?>) properties.get("RoleArn")).get("Fn::GetAtt")).get(0);
        final String policies = String.valueOf(Resources.properties(Resources.ofType(cluster, "AWS::IAM::Role").get(role))
                .get("ManagedPolicyArns"));
        assertTrue(policies.contains(":iam::aws:policy/CloudWatchAgentServerPolicy"), policies);
        assertTrue(Resources.dependsOn(addon()).containsAll(List.of(association, role)), Resources.dependsOn(addon()).toString());
    }

    @Test
    void eachAlarmSendsAlarmAndOkToTheNotificationTopic() {
        final String topic = Resources.logicalId(pipeline, "AWS::SNS::Topic", "DisplayName", "eks-pipeline pipeline");
        final Map<String, Map<String, Object>> alarms = alarmsByName();
        assertEquals(List.of("eks-pipeline-nodes-below-minimum", "eks-pipeline-nodes-not-ready",
                "eks-pipeline-off-hours-dropped", "eks-pipeline-off-hours-failed", "eks-pipeline-off-hours-throttled",
                "eks-pipeline-reservation-at-max", "eks-pipeline-restarts-production", "eks-pipeline-restarts-staging",
                "eks-pipeline-service-unreachable"), List.copyOf(alarms.keySet()));
        alarms.forEach((name, alarm) -> {
            assertEquals(List.of(Map.of("Ref", topic)), alarm.get("AlarmActions"), name);
            assertEquals(List.of(Map.of("Ref", topic)), alarm.get("OKActions"), name);
            assertTrue(String.valueOf(alarm.get("AlarmDescription")).endsWith("See \"Seeing what runs\" in the README."));
        });
    }

    @Test
    void theNodeAlarmsWatchTheGroupsSizesAndTheReservationOnlyAtMaxSize() {
        final Map<String, Map<String, Object>> alarms = alarmsByName();
        final Map<String, Object> below = alarms.get("eks-pipeline-nodes-below-minimum");
        assertEquals(List.of("cluster_node_count", 2, "LessThanThreshold", "breaching"), List.of(below.get("MetricName"),
                below.get("Threshold"), below.get("ComparisonOperator"), below.get("TreatMissingData")));
        assertEquals(List.of(Map.of("Name", "ClusterName", "Value", "eks-pipeline")), below.get("Dimensions"));
        final Map<String, Object> reservation = alarms.get("eks-pipeline-reservation-at-max");
        assertEquals(85, reservation.get("Threshold"));
        assertEquals("IF(nodes >= 5, MAX([cpu, memory]), 0)", expression(reservation));
        assertEquals(List.of("cluster_node_count", "node_cpu_reserved_capacity", "node_memory_reserved_capacity"),
                metricNames(reservation));
    }

    @Test
    void theRestartAlarmsAddUpEveryPodEachStageMayRun() {
        final Map<String, Map<String, Object>> alarms = alarmsByName();
        assertEquals(3, alarms.get("eks-pipeline-restarts-staging").get("Threshold"));
        assertEquals(List.of("hello-0", "hello-1", "hello-2", "hello-3"), podNames(alarms.get("eks-pipeline-restarts-staging")));
        assertEquals(List.of("hello-0", "hello-1", "hello-2", "hello-3", "hello-4", "hello-5", "hello-6", "hello-7"),
                podNames(alarms.get("eks-pipeline-restarts-production")));
        assertEquals("SUM([pod0, pod1, pod2, pod3])", expression(alarms.get("eks-pipeline-restarts-staging")));
    }

    @Test
    void theServiceAlarmWatchesTheProbeAndStaysQuietWithoutData() {
        final Map<String, Object> unreachable = alarmsByName().get("eks-pipeline-service-unreachable");
        assertEquals(List.of("EksPipeline", "ServiceReachable", "notBreaching", 3), List.of(unreachable.get("Namespace"),
                unreachable.get("MetricName"), unreachable.get("TreatMissingData"), unreachable.get("EvaluationPeriods")));
        pipeline.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "smoke_test.probe_handler",
                "Environment", Map.of("Variables", Map.of("PIPELINE_NAME", "eks-pipeline", "APP_NAME", "eks-pipeline",
                        "EXPECT", "Hello from"))));
        pipeline.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(5 minutes)"));
        final String statements = pipeline.findResources("AWS::IAM::Policy").values().toString();
        assertTrue(statements.contains("codepipeline:ListActionExecutions"), statements);
        assertTrue(statements.contains("{StringEquals={cloudwatch:namespace=EksPipeline}}"), statements);
    }

    @Test
    void cloudWatchMayPublishToTheEncryptedTopicForTheAppsAlarmsOnly() {
        final String policies = pipeline.findResources("AWS::SNS::TopicPolicy").values().toString();
        assertTrue(policies.contains("cloudwatch.amazonaws.com"), policies);
        assertTrue(policies.contains(":alarm:eks-pipeline-*"), policies);
        final String keys = pipeline.findResources("AWS::KMS::Key").values().toString();
        assertTrue(keys.contains("Sid=CloudWatchAlarms") && keys.contains("kms:GenerateDataKey*"), keys);
    }

    @Test
    void offHoursSilencesTheNodeAndServiceAlarmsThePipelineStackCreates() {
        final Map<String, Object> function = Resources.ofType(cluster, "AWS::Lambda::Function").values().stream()
                .filter(f -> "off_hours.handler".equals(Resources.properties(f).get("Handler"))).findFirst().orElseThrow();
        final String names = (String) ((Map<?, ?>) ((Map<?, ?>) Resources.properties(function).get("Environment"))
                .get("Variables")).get("ALARM_NAMES");
        final List<String> silenced = List.of(names.replaceAll("[\\[\\]\"]", "").split(","));
        // Not the restarts (parked nodes run no pods), and never those about off-hours itself.
        assertEquals(alarmsByName().keySet().stream().filter(n -> !n.contains("-restarts-") && !n.contains("-off-hours-"))
                .toList(), silenced);
        final String statements = cluster.findResources("AWS::IAM::Policy").values().toString();
        assertTrue(statements.contains("cloudwatch:DisableAlarmActions") && statements.contains(":alarm:eks-pipeline-nodes-"
                + "below-minimum"), statements);
    }

    @Test
    void withoutAnEmailSynthWarnsThatNobodyHearsOfTheAlarms() {
        Synthesized.hasWarning(deployment.pipeline(), "*",
                "No one is told when a release fails, rolls back or waits for approval, or when an alarm fires: .*");
    }

    @Test
    void theDashboardIsNamedForTheAppAndItsUrlIsAnOutput() {
        pipeline.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "eks-pipeline"));
        pipeline.hasOutput("DashboardUrl", Map.of("Value",
                "https://us-east-2.console.aws.amazon.com/cloudwatch/home?region=us-east-2#dashboards:name=eks-pipeline"));
        final String body = String.valueOf(Resources.properties(Resources.ofType(pipeline, "AWS::CloudWatch::Dashboard")
                .values().iterator().next()).get("DashboardBody"));
        for (final String shown : List.of("cluster_node_count", "node_cpu_utilization", "namespace_number_of_running_pods",
                "ServiceReachable", "SucceededBuilds", "FailedBuilds", "AWS/Lambda", "Duration")) {
            assertTrue(body.contains(shown), shown);
        }
    }

    @Test
    void theEstimateAddsTheMetricsLogsAlarmsAndDashboard() {
        final CostEstimate on = TestContext.defaults().with("observability", true).estimate();
        final CostEstimate off = TestContext.defaults().estimate();
        // 24 cluster + 8 x 2 nodes + 7 x 4 namespaces + 7 x 10 services + 9 x (12 workloads + 5 sample pods)
        assertEquals("291 + 1 metrics", on.line("CloudWatch metrics").orElseThrow().quantity());
        assertEquals(money("87.60"), cents(on.line("CloudWatch metrics").orElseThrow().per30Days()));
        assertEquals(money("15.90"), cents(on.line("Logs: containers").orElseThrow().per30Days()));
        // 1 + 1 + 3 (nodes, CPU, memory) + 4 + 8 (each pod a stage may run) + 1
        assertEquals("18 alarm metrics", on.line("CloudWatch alarms").orElseThrow().quantity());
        assertEquals(money("1.80"), cents(on.line("CloudWatch alarms").orElseThrow().per30Days()));
        assertEquals(money("3.00"), cents(on.line("CloudWatch dashboard").orElseThrow().per30Days()));
        assertEquals(money("108.30"), on.per30DaysTotal().subtract(off.per30DaysTotal()).setScale(2, RoundingMode.HALF_UP));
    }

    @Test
    void parkedNodesPublishNoContainerInsightsMetricsButTheProbeKeepsPublishing() {
        final CostEstimate parked = ON.estimate();
        // Nodes run from 07:00 to 20:00 on weekdays: 65 of 168 hours.
        final BigDecimal expected = new BigDecimal("0.30").multiply(new BigDecimal(291).multiply(new BigDecimal(65))
                .divide(new BigDecimal(168), 6, RoundingMode.HALF_UP).add(BigDecimal.ONE));
        assertEquals(expected.setScale(2, RoundingMode.HALF_UP),
                parked.line("CloudWatch metrics").orElseThrow().per30Days().setScale(2, RoundingMode.HALF_UP));
    }

    private static BigDecimal money(final String amount) {
        return new BigDecimal(amount);
    }

    private static BigDecimal cents(final BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP);
    }

    private static Map<String, Object> addon() {
        return Resources.ofType(cluster, "AWS::EKS::Addon").values().stream()
                .filter(a -> "amazon-cloudwatch-observability".equals(Resources.properties(a).get("AddonName")))
                .findFirst().orElseThrow();
    }

    private static Map<String, Map<String, Object>> alarmsByName() {
        return Resources.ofType(pipeline, "AWS::CloudWatch::Alarm").values().stream()
                .map(Resources::properties)
                .collect(Collectors.toMap(p -> (String) p.get("AlarmName"), p -> p, (a, b) -> a, TreeMap::new));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> queries(final Map<String, Object> alarm) {
        return (List<Map<String, Object>>) alarm.get("Metrics");
    }

    private static String expression(final Map<String, Object> alarm) {
        return queries(alarm).stream().filter(q -> q.get("Expression") != null).map(q -> (String) q.get("Expression"))
                .findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> metricsOf(final Map<String, Object> alarm) {
        return queries(alarm).stream().filter(q -> q.get("MetricStat") != null)
                .map(q -> (Map<String, Object>) ((Map<String, Object>) q.get("MetricStat")).get("Metric")).toList();
    }

    private static List<String> metricNames(final Map<String, Object> alarm) {
        return metricsOf(alarm).stream().map(m -> (String) m.get("MetricName")).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> podNames(final Map<String, Object> alarm) {
        return metricsOf(alarm).stream().map(m -> ((List<Map<String, Object>>) m.get("Dimensions")).stream()
                .filter(d -> "PodName".equals(d.get("Name"))).map(d -> (String) d.get("Value")).findFirst().orElseThrow())
                .sorted().toList();
    }
}
