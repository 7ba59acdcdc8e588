package com.ekspipeline.verify;

import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upgrade with Karpenter rehearsed offline, as {@link UpgradeRehearsalTest} does for the default: 1.35 to
 * 1.36 with {@code autoscaler} karpenter. Only the system group rolls through EKS; the NodePools' nodes are
 * Karpenter's, replaced by its drift once the EC2NodeClass, whose AMI alias Karpenter resolves for the
 * control plane's minor, records the new one. Karpenter itself, its roles and its queue stay as they are.
 */
class KarpenterUpgradeRehearsalTest {

    private static final Path WORK = Path.of("target", "upgrade-karpenter");
    private static Map<String, List<Map<String, Object>>> upgrade;

    @BeforeAll
    static void rehearse() throws IOException, InterruptedException {
        final TestContext karpenter = TestContext.defaults().with("autoscaler", "karpenter");
        UpgradeRehearsalTest.write(karpenter.with("kubernetesVersion", "1.35").deploy(), WORK.resolve("before"));
        UpgradeRehearsalTest.write(karpenter.deploy(), WORK.resolve("after"));
        upgrade = UpgradeRehearsalTest.changes(WORK.resolve("before"), WORK.resolve("after"));
    }

    private static Set<String> types(final List<Map<String, Object>> changes) {
        return changes.stream().map(c -> (String) c.get("type")).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void nothingIsReplacedButTheKubectlLayerVersion() {
        final List<Map<String, Object>> replaced = upgrade.values().stream().flatMap(List::stream)
                .filter(c -> !"updated".equals(c.get("change"))).toList();
        assertEquals(Set.of("AWS::Lambda::LayerVersion"), types(replaced), replaced.toString());
    }

    @Test
    void theSystemGroupRollsAndTheNodeClassRecordsTheNewMinorForKarpentersDrift() throws IOException {
        final List<Map<String, Object>> nodes = upgrade.get("Nodes.json");
        assertEquals(Set.of("AWS::EKS::Nodegroup", "Custom::AWSCDK-EKS-KubernetesResource"), types(nodes),
                nodes.toString());
        nodes.stream().filter(c -> "AWS::EKS::Nodegroup".equals(c.get("type")))
                .forEach(group -> assertEquals(List.of("Version"), group.get("properties")));
        final List<Map<String, Object>> manifests = nodes.stream()
                .filter(c -> "Custom::AWSCDK-EKS-KubernetesResource".equals(c.get("type"))).toList();
        assertEquals(1, manifests.size(), "only the EC2NodeClass: the NodePools and the controller stay");
        assertEquals(List.of("Manifest"), manifests.get(0).get("properties"));
        final String after = Files.readString(WORK.resolve("after/Nodes.json"));
        final String before = Files.readString(WORK.resolve("before/Nodes.json"));
        assertTrue(after.contains("\\\"eks-pipeline/kubernetes-version\\\":\\\"1.36\\\""), "the node class names 1.36");
        assertTrue(before.contains("\\\"eks-pipeline/kubernetes-version\\\":\\\"1.35\\\""), "and named 1.35 before");
        final String id = (String) manifests.get(0).get("id");
        assertTrue(id.contains("NodeClass"), id);
    }
}
