package com.ekspipeline.cluster;

import com.ekspipeline.Deployment;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Snapshots;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split of the cluster into two rollback units: the control plane's stack and the nodes' stack.
 * CloudFormation rolls back one stack at a time, so a node roll that fails cannot ask it to take the
 * control plane back to an older version (aws/containers-roadmap#497), by construction.
 */
class NodesStackTest {

    /** The Cluster stack's template before the node groups moved out, as the last release deployed it. */
    private static final Path BEFORE = Path.of("src", "test", "resources", "refactor", "Cluster-before-nodes-stack.json");
    /** What a change to one of them would replace or lose; their properties must survive the move as they were. */
    private static final Set<String> IDENTITY_TYPES = Set.of("AWS::EKS::Cluster", "AWS::EKS::Nodegroup",
            "AWS::EC2::LaunchTemplate", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::IAM::Role", "AWS::EKS::Addon",
            "AWS::EKS::PodIdentityAssociation", "AWS::IAM::OIDCProvider");

    /**
     * Replaced on purpose after the move: the one node group that spanned three zones (and its role), by a
     * group per zone (ZonalGroups). docs/cluster.md, "Moving an existing deployment": move with the release
     * that introduced the Nodes stack first, then deploy this one, which creates the new groups before deleting
     * the old.
     */
    private static final Set<String> REPLACED_BY_ZONAL_GROUPS = Set.of("ClusterNodegroupgeneral3075D995",
            "ClusterNodegroupgeneralNodeGroupRole1DCBCC05");

    private static Map<String, Map<String, Object>> cluster;
    private static Map<String, Map<String, Object>> nodes;
    private static Map<String, Object> clusterOutputs;
    private static String clusterStackName;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void synth() {
        // The version the template before the move was synthesized with, whatever the default is now.
        final Deployment deployment = TestContext.defaults().with("kubernetesVersion", "1.35").deploy();
        final Map<String, Object> clusterTemplate = Synthesized.json(deployment.cluster());
        cluster = (Map<String, Map<String, Object>>) clusterTemplate.get("Resources");
        clusterOutputs = (Map<String, Object>) clusterTemplate.get("Outputs");
        nodes = Synthesized.resources(deployment.nodes());
        clusterStackName = deployment.cluster().getStackName();
    }

    @Test
    void matchesSnapshot() {
        Snapshots.assertMatches("Nodes", Synthesized.template(Synths.defaults().nodes()));
    }

    @Test
    void noTemplateHoldsBothTheControlPlaneAndANodeGroup() {
        final List<Map<String, Map<String, Map<String, Object>>>> apps = List.of(
                resources(Synths.defaults().stacks()), Synths.everythingOn());
        for (final Map<String, Map<String, Map<String, Object>>> app : apps) {
            int clusters = 0;
            int withNodes = 0;
            for (final Map.Entry<String, Map<String, Map<String, Object>>> stack : app.entrySet()) {
                final Set<Object> types = Set.copyOf(stack.getValue().values().stream().map(r -> r.get("Type")).toList());
                clusters += types.contains("AWS::EKS::Cluster") ? 1 : 0;
                withNodes += types.contains("AWS::EKS::Nodegroup") ? 1 : 0;
                assertTrue(!types.contains("AWS::EKS::Cluster") || !types.contains("AWS::EKS::Nodegroup"),
                        stack.getKey() + " holds the cluster and a node group: a failed node roll would roll back "
                                + "the control plane");
            }
            assertEquals(1, clusters, "one stack holds the cluster");
            assertEquals(1, withNodes, "one stack holds the node groups");
        }
    }

    @Test
    void theNodesDeployAfterTheControlPlaneAndBeforeThePipeline() {
        final Deployment deployment = Synths.defaults();
        assertEquals(List.of("Network", "Cluster", "Nodes", "Pipeline"),
                deployment.stacks().stream().map(s -> s.getNode().getId()).toList());
        assertTrue(deployment.nodes().getDependencies().contains(deployment.cluster()),
                "the Nodes stack depends on the Cluster stack");
        assertTrue(deployment.pipeline().getDependencies().contains(deployment.nodes()),
                "the Pipeline stack depends on the Nodes stack: releases run on the nodes");
        assertTrue(!deployment.cluster().getDependencies().contains(deployment.nodes()),
                "the Cluster stack must not wait for the nodes");
        assertEquals("eks-pipeline-nodes", deployment.nodes().getStackName());
    }

    @Test
    void everyResourceKeepsItsLogicalIdAcrossTheSplit() throws IOException {
        final Map<String, Map<String, Object>> before = before();
        final List<String> lost = new ArrayList<>();
        for (final Map.Entry<String, Map<String, Object>> entry : before.entrySet()) {
            if (REPLACED_BY_ZONAL_GROUPS.contains(entry.getKey())) {
                continue;
            }
            final Map<String, Object> now = cluster.getOrDefault(entry.getKey(), nodes.get(entry.getKey()));
            if (now == null || !entry.getValue().get("Type").equals(now.get("Type"))) {
                lost.add(entry.getKey() + " (" + entry.getValue().get("Type") + ")");
            } else if (!String.valueOf(entry.getValue().get("DeletionPolicy")).equals(String.valueOf(now.get("DeletionPolicy")))) {
                lost.add(entry.getKey() + " changes its DeletionPolicy");
            }
        }
        // Later releases add resources (the leftover waiter, the log-group denies); the refactor itself runs
        // from the release that made the split, which added none (docs/cluster.md, "Moving an existing deployment").
        assertEquals(List.of(), lost, "each of these would be created anew and the old one deleted");
    }

    @Test
    void whatMovesKeepsItsPropertiesSoAStackRefactorCanMoveIt() throws IOException {
        final List<String> changed = new ArrayList<>();
        for (final Map.Entry<String, Map<String, Object>> entry : before().entrySet()) {
            if (!IDENTITY_TYPES.contains(entry.getValue().get("Type")) || REPLACED_BY_ZONAL_GROUPS.contains(entry.getKey())) {
                continue;
            }
            // What stays in the Cluster stack is not moved; later releases update it in place (1.36 and
            // its upgrade policy did), so the refactor is run from the release that made the split.
            if (!nodes.containsKey(entry.getKey())) {
                continue;
            }
            final Map<String, Object> now = nodes.get(entry.getKey());
            for (final String part : List.of("Properties", "Metadata", "UpdateReplacePolicy")) {
                final Object was = entry.getValue().get(part);
                final Object is = resolved(now.get(part));
                if (!Snapshots.normalized(wrap(was)).equals(Snapshots.normalized(wrap(is)))) {
                    changed.add(entry.getKey() + " " + part);
                }
            }
        }
        assertEquals(List.of(), changed, "CloudFormation's stack refactoring moves a resource only unchanged");
    }

    /**
     * A replica's gp3 volume lives in the zone of its first node (WaitForFirstConsumer), in one of the
     * private subnets' zones. For every such zone a node group must run in that zone alone and be able to
     * grow from zero there, or the autoscaler can never bring a node to the volume.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyZoneAVolumeCanBeInHasANodeGroupThereThatCanScaleFromZero() {
        final Deployment deployment = Synths.defaults();
        final Map<String, Object> network = Synthesized.json(deployment.network());
        final Map<String, Map<String, Object>> subnets = (Map<String, Map<String, Object>>) network.get("Resources");
        final Map<String, Map<String, Object>> outputs = (Map<String, Map<String, Object>>) network.get("Outputs");
        final Set<String> volumeZones = new java.util.TreeSet<>();
        subnets.forEach((id, r) -> {
            if ("AWS::EC2::Subnet".equals(r.get("Type")) && id.contains("Private")) {
                volumeZones.add((String) ((Map<String, Object>) r.get("Properties")).get("AvailabilityZone"));
            }
        });
        assertEquals(Set.copyOf(Synths.defaultConfig().availabilityZones()), volumeZones);
        final Map<String, Integer> maxByZone = new java.util.TreeMap<>();
        Resources.ofType(Synthesized.template(deployment.nodes()), "AWS::EKS::Nodegroup").values().forEach(group -> {
            final Map<String, Object> properties = Resources.properties(group);
            final Set<String> zones = new java.util.TreeSet<>();
            for (final Object subnet : (List<Object>) properties.get("Subnets")) {
                final String output = (String) ((Map<String, Object>) ((Map<String, Object>) subnet)
                        .get("Fn::GetStackOutput")).get("OutputName");
                final String subnetId = (String) ((Map<String, Object>) outputs.get(output).get("Value")).get("Ref");
                zones.add((String) Resources.properties(subnets.get(subnetId)).get("AvailabilityZone"));
            }
            assertEquals(1, zones.size(), properties.get("NodegroupName") + " spans " + zones
                    + ": the autoscaler cannot choose the zone a pending pod's volume needs");
            maxByZone.merge(zones.iterator().next(),
                    (Integer) ((Map<String, Object>) properties.get("ScalingConfig")).get("MaxSize"), Integer::sum);
        });
        for (final String zone : volumeZones) {
            assertTrue(maxByZone.getOrDefault(zone, 0) >= 1, "no node group can start a node in " + zone);
        }
    }

    /** A value of the Nodes template with its references to the Cluster stack's outputs put back as they were. */
    @SuppressWarnings("unchecked")
    private static Object resolved(final Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.get("Fn::GetStackOutput") instanceof Map<?, ?> output
                    && clusterStackName.equals(output.get("StackName"))) {
                return ((Map<String, Object>) clusterOutputs.get((String) output.get("OutputName"))).get("Value");
            }
            final Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put((String) key, resolved(item)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(NodesStackTest::resolved).toList();
        }
        return value;
    }

    private static Map<String, Object> wrap(final Object value) {
        final Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("value", value);
        return wrapped;
    }

    private static Map<String, Map<String, Object>> before() throws IOException {
        final Map<String, Object> template = new ObjectMapper().readValue(Files.readString(BEFORE),
                new TypeReference<>() { });
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) template.get("Resources");
        return resources;
    }

    private static Map<String, Map<String, Map<String, Object>>> resources(final List<Stack> stacks) {
        final Map<String, Map<String, Map<String, Object>>> all = new LinkedHashMap<>();
        stacks.forEach(s -> all.put(s.getNode().getId(), Synthesized.resources(s)));
        return all;
    }
}
