package com.ekspipeline.cluster;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Nodes stack with {@code autoscaler} karpenter and off-hours (configurations.json "karpenter"). */
class KarpenterTest {

    private static Template template;
    private static Map<String, Map<String, Object>> resources;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void synth() {
        template = Synthesized.template(Synths.named("karpenter").nodes());
        resources = (Map<String, Map<String, Object>>) template.toJSON().get("Resources");
    }

    @Test
    void onlyTheSystemGroupIsManagedAndItIsTainted() {
        template.resourceCountIs("AWS::EKS::Nodegroup", 1);
        template.hasResourceProperties("AWS::EKS::Nodegroup", Map.of("NodegroupName", "system",
                "InstanceTypes", List.of("t4g.medium"), "CapacityType", "ON_DEMAND",
                "ScalingConfig", Map.of("MinSize", 2, "DesiredSize", 2, "MaxSize", 3),
                "Taints", List.of(Map.of("Key", "CriticalAddonsOnly", "Value", "true", "Effect", "NO_SCHEDULE"))));
        assertFalse(manifests().contains("cluster-autoscaler"), "no cluster autoscaler chart");
        template.resourcePropertiesCountIs("Custom::AWSCDK-EKS-HelmChart", Map.of("Chart", "cluster-autoscaler"), 0);
    }

    @Test
    void theLoadBalancerControllerToleratesTheSystemTaint() {
        final String chart = json(resources.values().stream().filter(r -> json(r).contains("\"Chart\":\"aws-load-balancer-controller\""))
                .findFirst().orElseThrow());
        assertTrue(chart.contains("\\\"tolerations\\\":[{\\\"key\\\":\\\"CriticalAddonsOnly\\\",\\\"operator\\\":\\\"Exists\\\"}]"), chart);
    }

    @Test
    void theQueueIsEncryptedAndFedByTheFiveRulesKarpenterDocuments() {
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 300));
        final List<String> detailTypes = new ArrayList<>();
        resources.values().stream().filter(r -> "AWS::Events::Rule".equals(r.get("Type"))).forEach(r -> {
            @SuppressWarnings("unchecked")
            final Map<String, Object> pattern = (Map<String, Object>) ((Map<String, Object>) r.get("Properties"))
                    .get("EventPattern");
            detailTypes.addAll((List<String>) pattern.get("detail-type"));
        });
        assertEquals(List.of("AWS Health Event", "EC2 Capacity Reservation Instance Interruption Warning",
                "EC2 Instance Rebalance Recommendation", "EC2 Instance State-change Notification",
                "EC2 Spot Instance Interruption Warning"), detailTypes.stream().sorted().toList());
    }

    @Test
    void theNodeRoleJoinsThroughAnEc2LinuxAccessEntry() {
        template.hasResourceProperties("AWS::EKS::AccessEntry", Map.of("Type", "EC2_LINUX"));
    }

    @Test
    void theControllerUsesPodIdentityInKubeSystem() {
        template.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of("Namespace", "kube-system",
                "ServiceAccount", "karpenter"));
    }

    @Test
    void everyMutatingStatementOfTheControllerIsScopedByTheClustersTags() {
        final String policy = json(resources.values().stream()
                .filter(r -> "AWS::IAM::Policy".equals(r.get("Type")) && json(r).contains("AllowScopedDeletion"))
                .findFirst().orElseThrow());
        for (final String sid : List.of("AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedEC2InstanceActionsWithTags",
                "AllowScopedResourceCreationTagging", "AllowScopedResourceTagging", "AllowScopedDeletion",
                "AllowScopedInstanceProfileCreationActions", "AllowScopedInstanceProfileTagActions",
                "AllowScopedInstanceProfileActions")) {
            final String statement = policy.substring(policy.indexOf("\"Sid\":\"" + sid + "\"") - 1 < 0 ? 0
                    : policy.lastIndexOf("{\"Action\"", policy.indexOf("\"Sid\":\"" + sid + "\"")),
                    policy.indexOf("\"Sid\":\"" + sid + "\""));
            assertTrue(statement.contains("kubernetes.io/cluster/eks-pipeline"), sid + " is not scoped: " + statement);
        }
        assertFalse(policy.contains("capacity-reservation/") || policy.contains("placement-group/"),
                "narrower than published: no capacity reservations or placement groups");
    }

    @Test
    void theManifestsAreTheRenderedChartCrdsFirst() {
        final Map<String, Object> crds = manifest("Crds");
        final Map<String, Object> controller = manifest("Controller");
        assertTrue(((List<?>) controller.get("DependsOn")).stream().anyMatch(d -> resources.get(d) == crds));
        assertTrue(json(crds).contains("nodepools.karpenter.sh") && json(crds).contains("ec2nodeclasses.karpenter.k8s.aws"));
        final String body = json(controller);
        assertTrue(body.contains("public.ecr.aws/karpenter/controller:" + KarpenterChart.VERSION + "@sha256:"));
        assertFalse(body.contains("__CLUSTER_NAME__") || body.contains("__INTERRUPTION_QUEUE__"), "placeholders filled");
        assertEquals(KarpenterChart.crds().size(), 5);
    }

    @Test
    void nodePoolsComeFromTheNodeGroupsWithLimitsOfMaxSizeNodes() {
        final String pools = json(manifest("NodePools"));
        // general: maxSize 5 × t4g.medium (2 vCPU, 4096 MiB)
        assertTrue(pools.contains("\\\"limits\\\":{\\\"cpu\\\":\\\"10\\\",\\\"memory\\\":\\\"20480Mi\\\"}"), pools);
        assertTrue(pools.contains("\\\"values\\\":[\\\"arm64\\\"]"), pools);
        assertTrue(pools.contains("\\\"values\\\":[\\\"on-demand\\\"]"), pools);
        assertTrue(pools.contains("\\\"workload\\\":\\\"general\\\""), pools);
    }

    @Test
    void theNodeClassPinsAl2023ForTheMinorWithEncryptedGp3AndImdsv2() {
        final String nodeClass = json(manifest("NodeClass"));
        for (final String expected : List.of("al2023@latest", "\\\"eks-pipeline/kubernetes-version\\\":\\\"1.36\\\"",
                "\\\"encrypted\\\":true", "\\\"volumeType\\\":\\\"gp3\\\"", "\\\"httpTokens\\\":\\\"required\\\"")) {
            assertTrue(nodeClass.contains(expected), expected + " in " + nodeClass);
        }
    }

    /**
     * Raising kubernetesVersion moves the EC2NodeClass to the new minor (Karpenter resolves the alias for the
     * control plane's version, and drift rolls the nodes within the NodePools' budget of one node), and the
     * template shows it: an update of the NodeClass manifest, nothing else of Karpenter's replaced.
     */
    @Test
    void anUpgradeMovesTheNodeClassToTheNewMinor() {
        final Map<String, Map<String, Object>> older = Synthesized.resources(
                com.ekspipeline.support.TestContext.named("karpenter").with("kubernetesVersion", "1.35").deploy().nodes());
        final String before = json(older.get(resources.entrySet().stream().filter(e -> e.getValue() == manifest("NodeClass"))
                .findFirst().orElseThrow().getKey()));
        assertTrue(before.contains("\\\"eks-pipeline/kubernetes-version\\\":\\\"1.35\\\""), before);
        assertTrue(json(manifest("NodeClass")).contains("\\\"eks-pipeline/kubernetes-version\\\":\\\"1.36\\\""));
        assertEquals(json(older.get(key("NodePools"))), json(manifest("NodePools")), "the NodePools stay as they are");
        assertTrue(json(manifest("NodePools")).contains("\\\"budgets\\\":[{\\\"nodes\\\":\\\"1\\\"}]"));
    }

    /**
     * Off-hours with Karpenter: the function is told each NodePool's own limits, the very ones of the NodePools
     * manifest, and nothing of node groups or an autoscaler, since the system group keeps running at night.
     */
    @Test
    @SuppressWarnings("unchecked")
    void offHoursKnowsEachNodePoolsLimits() {
        final Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) Resources.properties(
                Resources.ofType(template, "AWS::Lambda::Function").values().stream()
                        .filter(f -> "off_hours.handler".equals(Resources.properties(f).get("Handler")))
                        .findFirst().orElseThrow()).get("Environment")).get("Variables");
        assertEquals(List.of("ALARM_NAMES", "CLUSTER_NAME", "NODE_POOLS"), variables.keySet().stream().sorted().toList());
        // general: maxSize 5 × t4g.medium (2 vCPU, 4096 MiB)
        assertEquals("[{\"limits\":{\"cpu\":\"10\",\"memory\":\"20480Mi\"},\"name\":\"general\"}]",
                variables.get("NODE_POOLS"));
        final Map<String, Object> deployed = Resources.parseJsonList(String.valueOf(Resources.properties(
                manifest("NodePools")).get("Manifest"))).stream().collect(Collectors.toMap(
                        p -> (String) ((Map<String, Object>) p.get("metadata")).get("name"),
                        p -> ((Map<String, Object>) p.get("spec")).get("limits")));
        assertEquals(deployed, Resources.parseJsonList((String) variables.get("NODE_POOLS")).stream()
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> p.get("limits"))));
        assertTrue(Resources.policyStatements(template, null).stream()
                .noneMatch(s -> Resources.strings(s.get("Action")).contains("eks:UpdateNodegroupConfig")),
                "the system group is not resized");
    }

    /**
     * Its Kubernetes rights: get and patch the NodePools, by name; list and delete NodeClaims; nothing else (no
     * autoscaler Role, no nodes), through a ClusterRole bound to the group of its STANDARD access entry.
     */
    @Test
    void offHoursMayPatchTheNodePoolsAndDeleteNodeClaimsOnly() {
        template.hasResourceProperties("AWS::EKS::AccessEntry", Map.of("KubernetesGroups", List.of("off-hours-scaler"),
                "Type", "STANDARD", "AccessPolicies", software.amazon.awscdk.assertions.Match.absent()));
        final List<String> rbac = Resources.manifests(template).values().stream()
                .filter(m -> m.contains("\"name\":\"off-hours-scaler\"")).toList();
        assertEquals(1, rbac.size(), rbac::toString);
        final List<Map<String, Object>> objects = Resources.parseJsonList(rbac.get(0));
        assertEquals(List.of("ClusterRole", "ClusterRoleBinding"), objects.stream().map(o -> o.get("kind")).toList());
        assertEquals(List.of(
                Map.of("apiGroups", List.of("karpenter.sh"), "resources", List.of("nodepools"),
                        "resourceNames", List.of("general"), "verbs", List.of("get", "patch")),
                Map.of("apiGroups", List.of("karpenter.sh"), "resources", List.of("nodeclaims"),
                        "verbs", List.of("list", "delete"))), objects.get(0).get("rules"));
        assertEquals(List.of(Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "Group", "name", "off-hours-scaler")),
                objects.get(1).get("subjects"));
        assertEquals(Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", "off-hours-scaler"),
                objects.get(1).get("roleRef"));
    }

    /** A destroy restores the limits before the namespaces go, while the NodePools, deleted later, still exist. */
    @Test
    void theRestoreBeforeDeleteGoesBeforeTheNodePools() {
        final Map<String, Map<String, Object>> restores = Resources.ofType(template, OffHoursScaler.RESTORE_TYPE);
        assertEquals(1, restores.size(), restores::toString);
        assertTrue(Resources.dependsOn(restores.values().iterator().next()).contains(key("NodePools")),
                restores::toString);
    }

    private static String key(final String id) {
        return resources.keySet().stream().filter(k -> k.startsWith("Karpenter" + id)).findFirst().orElseThrow();
    }

    private static Map<String, Object> manifest(final String id) {
        return resources.entrySet().stream().filter(e -> e.getKey().startsWith("Karpenter" + id)
                        && "Custom::AWSCDK-EKS-KubernetesResource".equals(e.getValue().get("Type")))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no manifest " + id + " in "
                        + resources.keySet().stream().filter(k -> k.startsWith("Karpenter")).collect(Collectors.toList())));
    }

    private static String manifests() {
        return resources.values().stream().filter(r -> String.valueOf(r.get("Type")).startsWith("Custom::AWSCDK-EKS"))
                .map(KarpenterTest::json).collect(Collectors.joining());
    }

    private static String json(final Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
