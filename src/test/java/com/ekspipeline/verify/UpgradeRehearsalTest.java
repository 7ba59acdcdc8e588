package com.ekspipeline.verify;

import com.ekspipeline.Deployment;
import com.ekspipeline.support.Snapshots;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.TestContext;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upgrade rehearsed offline: the app synthesized at the previous minor (1.35) and at the default
 * (1.36), compared resource by resource with the create-only properties of CloudFormation's own resource
 * schemas (scripts/template_changes.py, through cfn-lint). Raising kubernetesVersion must update the
 * cluster, its add-ons and node groups in place and replace nothing that holds state.
 */
class UpgradeRehearsalTest {

    private static final Path WORK = Path.of("target", "upgrade");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Map<String, List<Map<String, Object>>> upgrade;

    @BeforeAll
    static void rehearse() throws IOException, InterruptedException {
        write(TestContext.defaults().with("kubernetesVersion", "1.35").deploy(), WORK.resolve("before"));
        write(TestContext.defaults().deploy(), WORK.resolve("after"));
        upgrade = changes(WORK.resolve("before"), WORK.resolve("after"));
    }

    static void write(final Deployment deployment, final Path directory) throws IOException {
        Files.createDirectories(directory);
        for (final Stack stack : deployment.stacks()) {
            Files.writeString(directory.resolve(stack.getNode().getId() + ".json"),
                    Snapshots.normalized(Synthesized.json(stack)));
        }
    }

    /** scripts/template_changes.py over two folders: stack file → its changed resources. */
    static Map<String, List<Map<String, Object>>> changes(final Path before, final Path after)
            throws IOException, InterruptedException {
        final Process process = new ProcessBuilder("python3", "scripts/template_changes.py", before.toString(),
                after.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final byte[] out = process.getInputStream().readAllBytes();
        assertEquals(0, process.waitFor(), new String(out));
        return JSON.readValue(out, new TypeReference<>() { });
    }

    private static Set<String> of(final List<Map<String, Object>> changes, final String key) {
        return changes.stream().map(c -> (String) c.get(key)).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void nothingIsReplacedButTheKubectlLayerVersionWhichLambdaCannotUpdate() {
        final List<Map<String, Object>> replaced = upgrade.values().stream().flatMap(List::stream)
                .filter(c -> !"updated".equals(c.get("change"))).toList();
        assertEquals(Set.of("AWS::Lambda::LayerVersion"), of(replaced, "type"), replaced.toString());
        assertEquals(Set.of("KubectlLayer600207B5"), of(replaced, "id"), "a new kubectl of the new minor");
    }

    @Test
    void exactlyTheClusterItsAddonsNodeGroupsAndWhatRunsKubectlChange() {
        assertEquals(List.of(), upgrade.get("Network.json"), "the VPC is untouched");
        final List<Map<String, Object>> cluster = upgrade.get("Cluster.json");
        // The add-ons' versions are read from the AddonVersions lookup, whose change updates them all; the
        // kubectl handler takes the new layer version, which it refers to (a second-order update).
        assertEquals(Set.of("AWS::EKS::Cluster", "Custom::AddonVersions", "AWS::Lambda::LayerVersion",
                "AWS::Lambda::Function"), of(cluster, "type"), cluster.toString());
        cluster.stream().filter(c -> "AWS::Lambda::Function".equals(c.get("type"))).forEach(function -> {
            assertEquals("updated", function.get("change"));
            assertEquals(List.of("KubectlLayer600207B5"), function.get("because"));
        });
        final Map<String, Object> controlPlane = cluster.stream()
                .filter(c -> "AWS::EKS::Cluster".equals(c.get("type"))).findFirst().orElseThrow();
        assertEquals(List.of("Version"), controlPlane.get("properties"));
        // Then, in the nodes stack, the node groups roll and the autoscaler's image follows the cluster's minor.
        final List<Map<String, Object>> nodes = upgrade.get("Nodes.json");
        assertEquals(Set.of("AWS::EKS::Nodegroup", "Custom::AWSCDK-EKS-HelmChart"), of(nodes, "type"), nodes.toString());
        nodes.stream().filter(c -> "AWS::EKS::Nodegroup".equals(c.get("type")))
                .forEach(group -> assertEquals(List.of("Version"), group.get("properties")));
        assertEquals(1, nodes.stream().filter(c -> "Custom::AWSCDK-EKS-HelmChart".equals(c.get("type"))).count());
        // The pipeline's deploys fetch the new minor's kubectl.
        assertEquals(Set.of("AWS::CodeBuild::Project"), of(upgrade.get("Pipeline.json"), "type"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAddonRollsInTheSameDeploy() throws IOException {
        final Map<String, Object> lookup = upgrade.get("Cluster.json").stream()
                .filter(c -> "Custom::AddonVersions".equals(c.get("type"))).findFirst().orElseThrow();
        assertEquals(List.of("KubernetesVersion"), lookup.get("properties"), "looked up again for 1.36");
        final Map<String, Object> cluster = JSON.readValue(WORK.resolve("after/Cluster.json").toFile(), Map.class);
        final Map<String, Map<String, Object>> outputs = (Map<String, Map<String, Object>>) cluster.get("Outputs");
        final List<Object> versions = new java.util.ArrayList<>();
        for (final String stack : List.of("Cluster.json", "Nodes.json")) {
            final Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) JSON.readValue(
                    WORK.resolve("after/" + stack).toFile(), Map.class).get("Resources");
            resources.values().stream().filter(r -> "AWS::EKS::Addon".equals(r.get("Type")))
                    .map(r -> ((Map<String, Object>) r.get("Properties")).get("AddonVersion"))
                    // In the nodes stack, the lookup's answer arrives through the cluster stack's output.
                    .map(v -> ((Map<?, ?>) v).containsKey("Fn::GetStackOutput")
                            ? outputs.get(((Map<?, ?>) ((Map<?, ?>) v).get("Fn::GetStackOutput")).get("OutputName")).get("Value")
                            : v)
                    .forEach(versions::add);
        }
        assertEquals(6, versions.size(), "vpc-cni, kube-proxy, pod identity agent, CoreDNS, EBS CSI driver, metrics-server");
        versions.forEach(v -> assertEquals(lookup.get("id"), ((List<?>) ((Map<?, ?>) v).get("Fn::GetAtt")).get(0)));
    }

    @Test
    void theCheckCatchesAChangedCreateOnlyProperty() throws IOException, InterruptedException {
        final Path renamed = WORK.resolve("renamed");
        Files.createDirectories(renamed);
        Files.writeString(renamed.resolve("Cluster.json"), Files.readString(WORK.resolve("after/Cluster.json"))
                .replace("\"Name\" : \"eks-pipeline\"", "\"Name\" : \"eks-pipeline-2\""));
        final Path base = WORK.resolve("renamed-before");
        Files.createDirectories(base);
        Files.copy(WORK.resolve("after/Cluster.json"), base.resolve("Cluster.json"),
                StandardCopyOption.REPLACE_EXISTING);
        // The node groups and the add-ons after them read the cluster from the Nodes stack, whose template
        // is the same on both sides: the replacement reaches them through the Cluster stack's outputs.
        for (final Path side : List.of(base, renamed)) {
            Files.copy(WORK.resolve("after/Nodes.json"), side.resolve("Nodes.json"), StandardCopyOption.REPLACE_EXISTING);
        }

        final Map<String, List<Map<String, Object>>> byStack = changes(base, renamed);
        final List<Map<String, Object>> changes = new ArrayList<>(byStack.get("Cluster.json"));
        changes.addAll(byStack.get("Nodes.json"));

        final Map<String, Object> cluster = changes.stream().filter(c -> "AWS::EKS::Cluster".equals(c.get("type")))
                .findFirst().orElseThrow();
        assertEquals("replaced", cluster.get("change"));
        assertEquals(List.of("/properties/Name"), cluster.get("replacedBy"));
        // What names the cluster in a create-only property goes with it: in the Cluster stack the add-ons
        // nodes need, the access entry and the OIDC provider of its issuer URL; in the Nodes stack, through
        // its output, the three zones' node groups, the add-ons on them and the pod identity associations.
        final List<Map<String, Object>> replaced = changes.stream().filter(c -> "replaced".equals(c.get("change")))
                .toList();
        // And the leftover waiter's access entry (the three zones' node groups count three), and the rules that let the VPC functions into the new
        // cluster's security group.
        assertEquals(17, replaced.size(), replaced.toString());
        assertEquals(Set.of("AWS::EKS::Cluster", "AWS::EKS::Nodegroup", "AWS::EKS::Addon", "AWS::EKS::AccessEntry",
                "AWS::EKS::PodIdentityAssociation", "AWS::IAM::OIDCProvider", "AWS::EC2::SecurityGroupIngress"),
                of(replaced, "type"));
    }

    /**
     * A deployment made before the cluster carried an upgrade policy moves to one in place: UpgradePolicy
     * is not create-only (CloudFormation: "Update requires: No interruption").
     */
    @Test
    @SuppressWarnings("unchecked")
    void aClusterWithoutAnUpgradePolicyGetsOneInPlace() throws IOException, InterruptedException {
        final Path before = WORK.resolve("no-policy");
        Files.createDirectories(before);
        final Map<String, Object> template = JSON.readValue(WORK.resolve("after/Cluster.json").toFile(), Map.class);
        final Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) template.get("Resources");
        resources.values().stream().filter(r -> "AWS::EKS::Cluster".equals(r.get("Type")))
                .forEach(r -> assertEquals(Map.of("SupportType", "STANDARD"),
                        ((Map<String, Object>) r.get("Properties")).remove("UpgradePolicy")));
        JSON.writeValue(before.resolve("Cluster.json").toFile(), template);
        final Path after = WORK.resolve("with-policy");
        Files.createDirectories(after);
        Files.copy(WORK.resolve("after/Cluster.json"), after.resolve("Cluster.json"), StandardCopyOption.REPLACE_EXISTING);

        final List<Map<String, Object>> changes = changes(before, after).get("Cluster.json");

        assertEquals(1, changes.size(), changes.toString());
        assertEquals("AWS::EKS::Cluster", changes.get(0).get("type"));
        assertEquals("updated", changes.get(0).get("change"));
        assertEquals(List.of("UpgradePolicy"), changes.get(0).get("properties"));
    }

    /** The second rehearsal: new instance types cannot be set on a node group, so it is replaced. */
    @Test
    void newInstanceTypesReplaceTheNodeGroupAndTheReviewCanSaySo() throws IOException, InterruptedException {
        write(TestContext.defaults().withNodeGroup(Map.of("instanceTypes", List.of("m5.large"))).deploy(),
                WORK.resolve("resized"));
        final List<Map<String, Object>> changes = changes(WORK.resolve("after"), WORK.resolve("resized"))
                .get("Nodes.json");
        final List<Map<String, Object>> replaced = changes.stream().filter(c -> "replaced".equals(c.get("change"))).toList();
        assertEquals(Set.of("AWS::EKS::Nodegroup"), of(replaced, "type"), changes.toString());
        assertTrue(((List<?>) replaced.get(0).get("replacedBy")).contains("/properties/InstanceTypes"));
    }
}
