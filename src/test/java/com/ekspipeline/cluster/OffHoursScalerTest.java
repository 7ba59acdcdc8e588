package com.ekspipeline.cluster;

import com.ekspipeline.Deployment;
import com.ekspipeline.config.ObservabilityConfig;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The off-hours scale-down: absent by default, and when configured, what runs when and with which rights. */
class OffHoursScalerTest {

    private static Template template;
    /** The pipeline stack of the same app: observability off, so only off-hours alarms on the topic. */
    private static Template pipeline;

    @BeforeAll
    static void synth() {
        final Deployment app = TestContext.defaults().with("offHours", Map.of("scaleDownAt", "19:45",
                "scaleUpAt", "07:30", "timeZone", "Europe/Berlin", "scaleUpDays", List.of("mon", "WED"))).deploy();
        template = Synthesized.template(app.nodes());
        pipeline = Synthesized.template(app.pipeline());
    }

    /**
     * The function's own failures reach the notification topic, with observability off as here: its
     * errors and throttles, found by the function's configured name, and invocations the scheduler gave up
     * on, found by the schedules' group name.
     */
    @Test
    void itsOwnFailuresAlarmOnTheNotificationTopicWithoutObservability() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "off_hours.handler", "FunctionName", "eks-pipeline-off-hours")));
        template.hasResourceProperties("AWS::Scheduler::ScheduleGroup", Map.of("Name", "eks-pipeline-off-hours"));
        final String group = Resources.logicalIds(template, "AWS::Scheduler::ScheduleGroup").get(0);
        Resources.ofType(template, "AWS::Scheduler::Schedule").values().forEach(schedule -> {
            assertEquals("eks-pipeline-off-hours", Resources.properties(schedule).get("GroupName"));
            // Named, not referenced: the group must be created before the schedules and deleted after.
            assertTrue(Resources.dependsOn(schedule).contains(group), schedule::toString);
        });

        final Object topic = Map.of("Ref", Resources.logicalIds(pipeline, "AWS::SNS::Topic").stream()
                .filter(id -> id.startsWith("Notifications")).findFirst().orElseThrow());
        final Map<String, List<Object>> watched = Map.of(
                "eks-pipeline-off-hours-failed", List.of("AWS/Lambda", "Errors", "FunctionName", "eks-pipeline-off-hours"),
                "eks-pipeline-off-hours-throttled", List.of("AWS/Lambda", "Throttles", "FunctionName", "eks-pipeline-off-hours"),
                "eks-pipeline-off-hours-dropped", List.of("AWS/Scheduler", "InvocationDroppedCount", "ScheduleGroup",
                        "eks-pipeline-off-hours"));
        assertEquals(watched.size(), Resources.ofType(pipeline, "AWS::CloudWatch::Alarm").size());
        watched.forEach((name, metric) -> pipeline.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", name,
                "Namespace", metric.get(0),
                "MetricName", metric.get(1),
                "Dimensions", List.of(Map.of("Name", metric.get(2), "Value", metric.get(3))),
                "Statistic", "Sum",
                "Threshold", 1,
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(topic),
                "OKActions", List.of(topic))));
        // CloudWatch may publish to the encrypted topic: its policy admits the app's alarms.
        pipeline.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "CloudWatchAlarms", "Action", "sns:Publish")))))))));
    }

    /** Off-hours mutes the node and service alarms while the nodes are parked; never those about itself. */
    @Test
    void offHoursNeverMutesTheAlarmsAboutItself() {
        final Set<String> muted = new HashSet<>(ObservabilityConfig.offHoursAlarmNames("eks-pipeline"));
        final Map<String, Map<String, Object>> pipelineResources = Synths.everythingOn().get("Pipeline");
        final List<String> alarms = pipelineResources.values().stream()
                .filter(r -> "AWS::CloudWatch::Alarm".equals(r.get("Type")))
                .map(r -> (String) Resources.properties(r).get("AlarmName")).toList();
        assertTrue(alarms.containsAll(List.of("eks-pipeline-off-hours-failed", "eks-pipeline-off-hours-throttled",
                "eks-pipeline-off-hours-dropped")), alarms.toString());
        assertTrue(alarms.containsAll(muted), alarms.toString());
        final Object environment = Synths.everythingOn().get("Nodes").values().stream()
                .filter(r -> "off_hours.handler".equals(Resources.properties(r).get("Handler")))
                .map(r -> Resources.properties(r).get("Environment")).findFirst().orElseThrow();
        final String silenced = String.valueOf(((Map<?, ?>) ((Map<?, ?>) environment).get("Variables")).get("ALARM_NAMES"));
        assertTrue(silenced.contains("eks-pipeline-nodes-not-ready"), silenced);
        assertTrue(!silenced.contains("off-hours"), silenced);
    }

    @Test
    void isOffByDefault() {
        final Template plain = Synthesized.template(Synths.defaults().nodes());
        plain.resourceCountIs("AWS::Scheduler::Schedule", 0);
        plain.resourceCountIs(OffHoursScaler.RESTORE_TYPE, 0);
        assertTrue(Resources.ofType(plain, "AWS::Lambda::Function").values().stream()
                .noneMatch(f -> String.valueOf(Resources.properties(f).get("Handler")).startsWith("off_hours")));
    }

    @Test
    void scalesDownEveryDayAndUpOnTheConfiguredDaysInTheConfiguredZone() {
        template.resourceCountIs("AWS::Scheduler::Schedule", 2);
        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "ScheduleExpression", "cron(45 19 ? * * *)",
                "ScheduleExpressionTimezone", "Europe/Berlin",
                "State", "ENABLED",
                "Target", Match.objectLike(Map.of("Input", "{\"action\":\"stop\"}",
                        "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 3600, "MaximumRetryAttempts", 2)))));
        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "ScheduleExpression", "cron(30 7 ? * MON,WED *)",
                "ScheduleExpressionTimezone", "Europe/Berlin",
                "Target", Match.objectLike(Map.of("Input", "{\"action\":\"start\"}"))));
    }

    @Test
    void theFunctionKnowsTheConfiguredSizesAndTheAutoscaler() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "off_hours.handler",
                "Environment", Map.of("Variables", Map.of(
                        "CLUSTER_NAME", "eks-pipeline",
                        // Each zone's group, with its share of the configured sizes, is restored on its own.
                        "NODE_GROUPS", "[{\"desiredSize\":1,\"maxSize\":2,\"minSize\":1,\"name\":\"general-us-east-2a\"},"
                                + "{\"desiredSize\":1,\"maxSize\":2,\"minSize\":1,\"name\":\"general-us-east-2b\"},"
                                + "{\"desiredSize\":0,\"maxSize\":1,\"minSize\":0,\"name\":\"general-us-east-2c\"}]",
                        "AUTOSCALER", "kube-system/cluster-autoscaler",
                        "AUTOSCALER_REPLICAS", "1")),
                // Inside the VPC, in a security group of its own that may reach the private endpoint.
                "VpcConfig", Match.objectLike(Map.of("SecurityGroupIds", List.of(
                        Map.of("Fn::GetAtt", List.of(Resources.logicalId(template, "AWS::EC2::SecurityGroup", "GroupDescription",
                                "Off-hours scaler of eks-pipeline: HTTPS to the cluster private endpoint and AWS APIs"),
                                "GroupId")))))));
        template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                // the cluster's security group, from the cluster stack
                "GroupId", Map.of("Fn::GetStackOutput", Match.objectLike(Map.of("StackName", "eks-pipeline-cluster",
                        "OutputName", Match.stringLikeRegexp(".*ClusterSecurityGroupId.*")))),
                "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(Resources.logicalId(template,
                        "AWS::EC2::SecurityGroup", "GroupDescription",
                        "Off-hours scaler of eks-pipeline: HTTPS to the cluster private endpoint and AWS APIs"), "GroupId"))));
    }

    @Test
    void theAutoscalerDeploymentHasTheNameTheFunctionScales() {
        final String values = String.valueOf(Resources.properties(Resources.ofType(template, "Custom::AWSCDK-EKS-HelmChart")
                .values().stream().filter(c -> "cluster-autoscaler".equals(Resources.properties(c).get("Chart")))
                .findFirst().orElseThrow()).get("Values"));
        assertTrue(values.contains("\"fullnameOverride\":\"cluster-autoscaler\""), values);
    }

    @Test
    void kubernetesLetsItScaleTheAutoscalerAndNothingElse() {
        template.hasResourceProperties("AWS::EKS::AccessEntry", Map.of(
                "KubernetesGroups", List.of("off-hours-scaler"),
                "Type", "STANDARD",
                "AccessPolicies", Match.absent()));
        final String rbac = Resources.manifests(template).values().stream()
                .filter(m -> m.contains("\"kind\":\"RoleBinding\"")).findFirst().orElseThrow();
        for (String expected : List.of("\"resources\":[\"deployments/scale\"]", "\"resourceNames\":[\"cluster-autoscaler\"]",
                "\"verbs\":[\"get\",\"patch\"]", "\"namespace\":\"kube-system\"",
                "\"subjects\":[{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Group\",\"name\":\"off-hours-scaler\"}]")) {
            assertTrue(rbac.contains(expected), expected + " missing from " + rbac);
        }
    }

    @Test
    void awsLetsItResizeOnlyThisClustersNodeGroups() {
        final List<Map<String, Object>> statements = Resources.policyStatements(template, null).stream()
                .filter(s -> Resources.strings(s.get("Action")).contains("eks:UpdateNodegroupConfig")).toList();
        assertEquals(1, statements.size(), statements::toString);
        final Map<String, Object> statement = statements.get(0);
        assertEquals(List.of("eks:DescribeNodegroup", "eks:UpdateNodegroupConfig"), statement.get("Action"));
        assertEquals(List.of("a", "b", "c").stream().map(zone -> Map.of("Fn::Join", List.of("", List.of(
                "arn:aws:eks:us-east-2:", Map.of("Ref", "AWS::AccountId"),
                ":nodegroup/eks-pipeline/general-us-east-2" + zone + "/*")))).toList(), statement.get("Resource"));
    }

    @Test
    void aDestroyRestoresTheNodesBeforeTheNamespacesAreDeleted() {
        final Map<String, Map<String, Object>> restores = Resources.ofType(template, OffHoursScaler.RESTORE_TYPE);
        assertEquals(1, restores.size(), restores::toString);
        final Map<String, Object> restore = restores.values().iterator().next();
        final String function = Resources.logicalId(template, "AWS::Lambda::Function", "Handler", "off_hours.handler");
        assertEquals(Map.of("Fn::GetAtt", List.of(function, "Arn")), Resources.properties(restore).get("ServiceToken"));
        assertEquals("Delete", restore.get("DeletionPolicy"));
        // CloudFormation deletes a resource before those it depends on: the restore goes first, then the
        // namespaces, while the function, its access and RBAC, the nodes and the autoscaler still exist.
        final List<String> dependsOn = Resources.dependsOn(restore);
        final List<String> namespaces = Resources.manifests(template).entrySet().stream()
                .filter(m -> m.getValue().contains("\"kind\":\"Namespace\"")).map(Map.Entry::getKey).toList();
        assertEquals(2, namespaces.size());
        assertTrue(dependsOn.containsAll(namespaces), dependsOn::toString);
        final String rbac = Resources.manifests(template).entrySet().stream()
                .filter(m -> m.getValue().contains("\"kind\":\"ClusterRoleBinding\"")).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
        assertTrue(dependsOn.contains(rbac), "RBAC lets it read nodes: " + dependsOn);
        assertTrue(dependsOn.contains(Resources.logicalIds(template, "AWS::EKS::AccessEntry").stream()
                .filter(id -> id.startsWith("OffHours")).findFirst().orElseThrow()), dependsOn::toString);
        assertTrue(dependsOn.stream().anyMatch(d -> d.startsWith("ClusterchartChart")), "the autoscaler: " + dependsOn);
        // The nodes through the namespaces, which are deleted before them.
        final String nodes = Resources.logicalIds(template, "AWS::EKS::Nodegroup").get(0);
        assertTrue(namespaces.stream().allMatch(n -> Resources.dependsOn(Resources.ofType(template,
                "Custom::AWSCDK-EKS-KubernetesResource").get(n)).contains(nodes)), "namespaces wait for the nodes");
    }

    @Test
    void itMayReadNodesToSeeThemReady() {
        final String rbac = Resources.manifests(template).values().stream()
                .filter(m -> m.contains("\"kind\":\"ClusterRole\"")).findFirst().orElseThrow();
        assertTrue(rbac.contains("\"resources\":[\"nodes\"]") && rbac.contains("\"verbs\":[\"get\",\"list\"]"), rbac);
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", "off_hours.handler", "Timeout", 900));
    }
}
