package com.ekspipeline.pipeline;

import com.ekspipeline.Deployment;
import com.ekspipeline.config.OffHoursConfig;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Observability and off-hours with each stage on a cluster of its own: each stage's alarms, topic and dashboard
 * in its own account ({@code two-accounts} turns observability on), production entered only while staging's
 * alarms are quiet: read by the pipeline's role when staging is in the pipeline's account, and through the role
 * staging's account holds for the pipeline when it is in one of its own.
 */
class StageWatchTest {

    private static final List<String> STAGING_ALARMS = List.of("eks-pipeline-staging-nodes-below-minimum",
            "eks-pipeline-staging-nodes-not-ready", "eks-pipeline-staging-reservation-at-max",
            "eks-pipeline-staging-restarts-staging");

    /** Staging in an account and region of its own (333333333333, us-west-2), parked at night. */
    private static final TestContext STAGING_APART = stagingApart();

    @SuppressWarnings("unchecked")
    private static TestContext stagingApart() {
        final TestContext two = TestContext.named("two-accounts");
        final Map<String, Object> stages = new LinkedHashMap<>((Map<String, Object>) two.asMap().get("stages"));
        final Map<String, Object> staging = new LinkedHashMap<>((Map<String, Object>) stages.get("staging"));
        staging.putAll(Map.of("account", "333333333333", "region", "us-west-2",
                "availabilityZones", List.of("us-west-2a", "us-west-2b", "us-west-2c"),
                "offHours", Map.of("scaleDownAt", "20:00", "scaleUpAt", "07:00", "timeZone", "UTC")));
        stages.put("staging", staging);
        return two.with("stages", stages);
    }

    private static Template template(final Deployment deployment, final String id) {
        return Synthesized.template(deployment.stacks().stream().filter(s -> id.equals(s.getNode().getId()))
                .findFirst().orElseThrow());
    }

    private static Map<String, Map<String, Object>> alarms(final Template template) {
        final Map<String, Map<String, Object>> byName = new TreeMap<>();
        Resources.ofType(template, "AWS::CloudWatch::Alarm").values()
                .forEach(a -> byName.put((String) Resources.properties(a).get("AlarmName"), Resources.properties(a)));
        return byName;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> productionEntryRules(final Template pipeline) {
        final Map<String, Object> properties = Resources.properties(Resources.ofType(pipeline,
                "AWS::CodePipeline::Pipeline").values().iterator().next());
        final Map<String, Object> production = ((List<Map<String, Object>>) properties.get("Stages")).stream()
                .filter(s -> "Production".equals(s.get("Name"))).findFirst().orElseThrow();
        final List<Map<String, Object>> conditions = (List<Map<String, Object>>) ((Map<String, Object>)
                production.get("BeforeEntry")).get("Conditions");
        assertEquals(1, conditions.size());
        assertEquals("FAIL", conditions.get(0).get("Result"));
        return (List<Map<String, Object>>) conditions.get(0).get("Rules");
    }

    @Test
    void eachStagesClusterRunsContainerInsightsAndHasItsOwnAlarmsOnATopicOfItsAccount() {
        final Deployment two = Synths.named("two-accounts");
        for (final String stage : List.of("staging", "production")) {
            final String title = Character.toUpperCase(stage.charAt(0)) + stage.substring(1);
            assertTrue(Resources.ofType(template(two, title + "Nodes"), "AWS::EKS::Addon").values().stream()
                    .anyMatch(a -> "amazon-cloudwatch-observability".equals(Resources.properties(a).get("AddonName"))), stage);
            final Template access = template(two, title + "DeployAccess");
            final Map<String, Map<String, Object>> alarms = alarms(access);
            final String app = "eks-pipeline-" + stage;
            assertEquals(new TreeSet<>(List.of(app + "-nodes-below-minimum", app + "-nodes-not-ready",
                    app + "-reservation-at-max", app + "-restarts-" + stage)), alarms.keySet());
            final String topic = Resources.logicalIds(access, "AWS::SNS::Topic").get(0);
            alarms.forEach((name, alarm) -> {
                assertEquals(List.of(Map.of("Ref", topic)), alarm.get("AlarmActions"), name);
                assertEquals(List.of(Map.of("Ref", topic)), alarm.get("OKActions"), name);
                assertTrue(alarm.toString().contains("Value=" + app) && !alarm.toString().contains(
                        "Value=" + ("staging".equals(stage) ? "production" : "staging")), name + ": " + alarm);
            });
            final String account = "staging".equals(stage) ? "111111111111" : "222222222222";
            final String region = "staging".equals(stage) ? "us-east-2" : "us-west-2";
            final String policy = Resources.ofType(access, "AWS::SNS::TopicPolicy").values().iterator().next().toString();
            assertTrue(policy.contains("aws:SourceArn=arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + app + "-*"),
                    policy);
            final Map<String, Object> dashboard = Resources.properties(Resources.ofType(access,
                    "AWS::CloudWatch::Dashboard").values().iterator().next());
            assertEquals(app, dashboard.get("DashboardName"));
            final String body = dashboard.get("DashboardBody").toString();
            assertTrue(body.contains("\"ClusterName\",\"" + app + "\""), body);
            assertFalse(body.contains("\"Namespace\",\"" + ("staging".equals(stage) ? "production" : "staging") + "\""),
                    body);
        }
    }

    @Test
    void thePipelineKeepsTheProbesAlarmAndAReleaseDashboardWithoutClusterMetrics() {
        final Template pipeline = template(Synths.named("two-accounts"), "Pipeline");
        assertEquals(List.of("eks-pipeline-service-unreachable", "eks-pipeline-staging-deploy-failed"),
                List.copyOf(alarms(pipeline).keySet()));
        final Map<String, Object> dashboard = Resources.properties(Resources.ofType(pipeline,
                "AWS::CloudWatch::Dashboard").values().iterator().next());
        assertEquals("eks-pipeline", dashboard.get("DashboardName"));
        final String body = dashboard.get("DashboardBody").toString();
        assertFalse(body.contains("ContainerInsights"), body);
        assertTrue(body.contains("EksPipeline") && body.contains("eks-pipeline-staging") && body.contains(
                "eks-pipeline-production"), body);
    }

    @Test
    void productionIsEnteredOnlyWhileStagingsDeployAndClusterAlarmsAreQuietReadByThePipelinesRole() {
        final Deployment two = Synths.named("two-accounts");
        final Template pipeline = template(two, "Pipeline");
        final List<Map<String, Object>> rules = productionEntryRules(pipeline);
        assertEquals(5, rules.size());
        assertEquals(ProductionEntry.RULE_NAME, rules.get(0).get("Name"));
        assertEquals(STAGING_ALARMS, rules.subList(1, 5).stream()
                .map(r -> ((Map<?, ?>) r.get("Configuration")).get("AlarmName")).toList());
        for (final Map<String, Object> rule : rules) {
            assertEquals(Map.of("AlarmName", ((Map<?, ?>) rule.get("Configuration")).get("AlarmName"),
                    "AlarmStates", "ALARM"), rule.get("Configuration"));
            // Staging is in the pipeline's account and region: its role reads them, as it reads the deploy alarm.
            assertFalse(rule.containsKey("RoleArn") || rule.containsKey("Region"), rule::toString);
        }
        // Every alarm a rule names exists in staging's stack, under that name.
        assertTrue(alarms(template(two, "StagingDeployAccess")).keySet().containsAll(STAGING_ALARMS));
        final Map<String, Object> properties = Resources.properties(Resources.ofType(pipeline,
                "AWS::CodePipeline::Pipeline").values().iterator().next());
        final String role = (String) ((List<?>) ((Map<?, ?>) properties.get("RoleArn")).get("Fn::GetAtt")).get(0);
        assertEquals(List.of(List.of("eks-pipeline-staging-deploy-failed", "eks-pipeline-staging-nodes-below-minimum",
                        "eks-pipeline-staging-nodes-not-ready", "eks-pipeline-staging-reservation-at-max",
                        "eks-pipeline-staging-restarts-staging").stream()
                        .map(n -> "arn:aws:cloudwatch:us-east-2:111111111111:alarm:" + n).toList()),
                Resources.policyStatements(pipeline, role).stream()
                        .filter(s -> "cloudwatch:DescribeAlarms".equals(s.get("Action"))).map(s -> s.get("Resource")).toList(),
                "the pipeline's role reads exactly the alarms the rules name");
        // No reader role and no named pipeline role are needed in one account.
        for (final String stack : List.of("StagingDeployAccess", "ProductionDeployAccess", "Pipeline")) {
            assertTrue(Resources.ofType(template(two, stack), "AWS::IAM::Role").values().stream()
                    .map(r -> String.valueOf(Resources.properties(r).get("RoleName")))
                    .noneMatch(n -> n.endsWith("-alarm-reader") || n.equals("eks-pipeline-pipeline")), stack);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void stagingInAnAccountAndRegionOfItsOwnIsReadThereAndItsOffHoursSilencesItsOwnNodeAlarms() {
        final Deployment apart = STAGING_APART.deploy();
        for (final Map<String, Object> rule : productionEntryRules(template(apart, "Pipeline")).subList(1, 5)) {
            assertEquals("arn:aws:iam::333333333333:role/eks-pipeline-staging-alarm-reader", rule.get("RoleArn"));
            assertEquals("us-west-2", rule.get("Region"));
        }
        final Template access = template(apart, "StagingDeployAccess");
        final String reader = Resources.logicalId(access, "AWS::IAM::Role", "RoleName", "eks-pipeline-staging-alarm-reader");
        final Map<String, Object> trust = (Map<String, Object>) ((List<?>) ((Map<?, ?>) Resources.properties(
                Resources.ofType(access, "AWS::IAM::Role").get(reader)).get("AssumeRolePolicyDocument"))
                .get("Statement")).get(0);
        assertEquals(Map.of("AWS", "arn:aws:iam::111111111111:root"), trust.get("Principal"));
        assertEquals(Map.of("ArnEquals", Map.of("aws:PrincipalArn", "arn:aws:iam::111111111111:role/eks-pipeline-pipeline")),
                trust.get("Condition"));
        final List<Map<String, Object>> statements = Resources.policyStatements(access, reader);
        assertEquals(1, statements.size());
        assertEquals("cloudwatch:DescribeAlarms", statements.get(0).get("Action"));
        assertEquals(STAGING_ALARMS.stream().map(n -> "arn:aws:cloudwatch:us-west-2:333333333333:alarm:" + n).toList(),
                statements.get(0).get("Resource"));
        // The pipeline's role has the name the reader trusts; besides the action roles CDK makes in its own
        // stack, the only role it may assume is staging's reader, and it reads the deploy alarm itself.
        final Template pipeline = template(apart, "Pipeline");
        final String role = Resources.logicalId(pipeline, "AWS::IAM::Role", "RoleName", "eks-pipeline-pipeline");
        assertEquals(List.of("arn:aws:iam::333333333333:role/eks-pipeline-staging-alarm-reader"),
                Resources.policyStatements(pipeline, role).stream()
                        .filter(s -> "sts:AssumeRole".equals(s.get("Action")))
                        .flatMap(s -> s.get("Resource") instanceof List<?> l ? l.stream() : java.util.stream.Stream.of(s.get("Resource")))
                        .filter(String.class::isInstance).toList());
        assertEquals(List.of("arn:aws:cloudwatch:us-east-2:111111111111:alarm:eks-pipeline-staging-deploy-failed"),
                Resources.policyStatements(pipeline, role).stream()
                        .filter(s -> "cloudwatch:DescribeAlarms".equals(s.get("Action"))).map(s -> s.get("Resource")).toList());
        // Production's account holds no reader: nothing reads production's alarms from outside.
        assertTrue(Resources.ofType(template(apart, "ProductionDeployAccess"), "AWS::IAM::Role").values().stream()
                .noneMatch(r -> String.valueOf(Resources.properties(r).get("RoleName")).contains("reader")));
        // Off-hours on staging's cluster silences staging's three node alarms, which are in the same account.
        final Map<String, Object> function = Resources.ofType(template(apart, "StagingNodes"), "AWS::Lambda::Function")
                .values().stream().map(Resources::properties)
                .filter(p -> String.valueOf(p.get("Environment")).contains("ALARM_NAMES")).findFirst().orElseThrow();
        final String names = (String) ((Map<?, ?>) ((Map<?, ?>) function.get("Environment")).get("Variables")).get("ALARM_NAMES");
        assertEquals("[\"" + String.join("\",\"", STAGING_ALARMS.subList(0, 3)) + "\"]", names);
        assertTrue(alarms(access).keySet().containsAll(STAGING_ALARMS.subList(0, 3)));
        // And the off-hours function itself is watched there, on staging's topic.
        assertTrue(alarms(access).keySet().containsAll(List.of("eks-pipeline-staging-off-hours-failed",
                "eks-pipeline-staging-off-hours-throttled", "eks-pipeline-staging-off-hours-dropped")));
        assertEquals("333333333333", Stack.of(apart.stacks().get(3)).getAccount());
    }

    @Test
    void aConditionCannotHoldMoreRulesThanCodePipelineAllows() {
        final List<ProductionEntry.Watched> six = java.util.stream.IntStream.range(0, 6)
                .mapToObj(i -> ProductionEntry.Watched.here("alarm-" + i)).toList();
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ProductionEntry.guarded(
                software.amazon.awscdk.services.codepipeline.StageProps.builder().stageName("Production")
                        .actions(List.of()).build(), six));
        assertEquals("Production's entry condition would hold 6 rules, more than the 5 a CodePipeline condition may "
                + "hold.", refused.getMessage());
    }

    @Test
    void withoutObservabilityStagingsOffHoursIsStillWatchedInItsAccountAndProductionHasNoTopic() {
        final Deployment split = Synths.named("split-stages");
        final Template staging = template(split, "StagingDeployAccess");
        final Map<String, Map<String, Object>> alarms = alarms(staging);
        assertEquals(List.of("eks-pipeline-staging-off-hours-dropped", "eks-pipeline-staging-off-hours-failed",
                "eks-pipeline-staging-off-hours-throttled"), List.copyOf(alarms.keySet()));
        final String function = OffHoursConfig.functionName("eks-pipeline-staging");
        assertTrue(Resources.ofType(template(split, "StagingNodes"), "AWS::Lambda::Function").values().stream()
                .anyMatch(f -> function.equals(Resources.properties(f).get("FunctionName"))));
        assertEquals(List.of(Map.of("Name", "FunctionName", "Value", function)),
                alarms.get("eks-pipeline-staging-off-hours-failed").get("Dimensions"));
        final String topic = Resources.logicalIds(staging, "AWS::SNS::Topic").get(0);
        alarms.values().forEach(a -> assertEquals(List.of(Map.of("Ref", topic)), a.get("AlarmActions")));
        assertTrue(Resources.ofType(template(split, "ProductionDeployAccess"), "AWS::SNS::Topic").isEmpty());
        // Without observability, production's entry watches staging's deploy alone.
        assertEquals(1, productionEntryRules(template(split, "Pipeline")).size());
    }
}
