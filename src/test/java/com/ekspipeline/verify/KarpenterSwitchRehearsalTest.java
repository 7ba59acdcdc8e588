package com.ekspipeline.verify;

import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Moving an existing app from the cluster autoscaler to Karpenter in one deploy, rehearsed offline: the
 * default, then the default with {@code autoscaler} karpenter, compared resource by resource.
 *
 * <p>What makes one deploy safe: only the Nodes stack changes, nothing is replaced, and what goes (the
 * zonal node groups, the autoscaler) is only removed. CloudFormation creates and updates every resource of
 * an update first and deletes the removed ones last, in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS ("ongoing
 * removal of old resources ... after a successful stack update",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html), so the system
 * group, Karpenter and the NodePools run before the old groups go. Deleting a managed node group drains its
 * nodes (https://docs.aws.amazon.com/eks/latest/userguide/delete-managed-node-group.html) through evictions,
 * which the sample service's PodDisruptionBudget paces while Karpenter launches nodes for the pending pods:
 * the order Karpenter's "Migrating from Cluster Autoscaler" guide follows by hand.
 */
class KarpenterSwitchRehearsalTest {

    private static final Path WORK = Path.of("target", "switch-karpenter");
    private static Map<String, List<Map<String, Object>>> change;

    @BeforeAll
    static void rehearse() throws IOException, InterruptedException {
        UpgradeRehearsalTest.write(TestContext.defaults().deploy(), WORK.resolve("before"));
        UpgradeRehearsalTest.write(TestContext.defaults().with("autoscaler", "karpenter").deploy(), WORK.resolve("after"));
        change = UpgradeRehearsalTest.changes(WORK.resolve("before"), WORK.resolve("after"));
    }

    private static Set<String> ids(final String stack, final String kind) {
        return change.get(stack).stream().filter(c -> kind.equals(c.get("change"))).map(c -> (String) c.get("id"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> types(final String stack, final String kind) {
        return change.get(stack).stream().filter(c -> kind.equals(c.get("change"))).map(c -> (String) c.get("type"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void onlyTheNodesStackChangesAndNothingIsReplaced() {
        assertEquals(List.of(), change.get("Network.json"));
        assertEquals(List.of(), change.get("Cluster.json"), "the control plane and its add-ons stay as they are");
        assertEquals(List.of(), change.get("Pipeline.json"));
        for (final String stack : change.keySet()) {
            assertEquals(Set.of(), types(stack, "replaced"), stack);
        }
    }

    @Test
    void theOldGroupsAndTheAutoscalerAreOnlyRemovedAndKarpenterComesWithItsSystemGroup() {
        final Set<String> removed = types("Nodes.json", "removed");
        assertEquals(Set.of("AWS::EKS::Nodegroup", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::EC2::LaunchTemplate",
                "AWS::EKS::PodIdentityAssociation", "Custom::AWSCDK-EKS-HelmChart"), removed);
        assertEquals(3, ids("Nodes.json", "removed").stream().filter(id -> id.startsWith("ClusterNodegroupgeneral")
                && !id.contains("Role")).count(), "the three zonal groups of general");
        assertTrue(ids("Nodes.json", "removed").stream().anyMatch(id -> id.startsWith("ClusterAutoscalerIdentity")));
        final Set<String> added = ids("Nodes.json", "added");
        for (final String prefix : List.of("SystemNodeGroupNodegroup", "KarpenterCrds", "KarpenterController",
                "KarpenterNodeClass", "KarpenterNodePools", "KarpenterIdentityAssociation", "KarpenterInterruptionQueue")) {
            assertTrue(added.stream().anyMatch(id -> id.startsWith(prefix)), prefix + " in " + added);
        }
    }
}
