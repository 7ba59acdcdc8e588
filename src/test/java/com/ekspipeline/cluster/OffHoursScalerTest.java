package com.ekspipeline.cluster;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The off-hours scale-down: absent by default, and when configured, what runs when and with which rights. */
class OffHoursScalerTest {

    private static Template template;

    @BeforeAll
    static void synth() {
        template = Template.fromStack(TestContext.defaults().with("offHours", Map.of("scaleDownAt", "19:45",
                "scaleUpAt", "07:30", "timeZone", "Europe/Berlin", "scaleUpDays", List.of("mon", "WED"))).deploy().nodes());
    }

    @Test
    void isOffByDefault() {
        final Template plain = Template.fromStack(Synths.defaults().nodes());
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
                // Inside the VPC, in the cluster security group (from the cluster stack), to reach the private endpoint.
                "VpcConfig", Match.objectLike(Map.of("SecurityGroupIds", List.of(
                        Map.of("Fn::GetStackOutput", Match.objectLike(Map.of("StackName", "eks-pipeline-cluster",
                                "OutputName", Match.stringLikeRegexp(".*ClusterSecurityGroupId.*")))))))));
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
