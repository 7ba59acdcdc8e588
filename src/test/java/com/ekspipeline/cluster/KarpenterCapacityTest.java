package com.ekspipeline.cluster;

import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * With Karpenter the capacity warning counts the NodePools at their limits against the sample service at its
 * maximum and the DaemonSets on those nodes; the cluster's own pods are on the tainted system group.
 * Figures from instance-types.csv (t4g.medium: 17 pods, 1930m CPU, 3554 MiB allocatable) and system-pods.csv
 * (DaemonSets 180m and 120 MiB a node); the service at its maximum is 12 pods, 5000m CPU, 5120 MiB.
 */
class KarpenterCapacityTest {

    private static final String CANNOT_HOLD = ".*cannot hold.*";
    /** Karpenter on the defaults: no observability add-on, whose DaemonSets would add to every node. */
    private static final TestContext KARPENTER = TestContext.defaults().with("autoscaler", "karpenter");

    @Test
    void theConfiguredPoolsHoldTheServiceAtItsMaximum() {
        Synthesized.hasNoWarning(Synths.named("karpenter").cluster(), "/Cluster",
                CANNOT_HOLD);
    }

    @Test
    void poolsTooSmallForTheServiceAtItsMaximumAreNamedWithTheirRoom() {
        // 2 nodes: 34 pods, 3860m, 7108 MiB against 8 + 12 pods, 360m + 5000m, 240 + 5120 MiB.
        final ClusterStack small = KARPENTER.withNodeGroup(Map.of("minSize", 1, "desiredSize", 1,
                "maxSize", 2)).deploy().cluster();
        Synthesized.hasWarning(small, "/Cluster", "The NodePools at their limits "
                + "\\(2 nodes: room for 34 pods, 3860m CPU, 7108 MiB\\) cannot hold the sample service at its "
                + "autoscalers' maximum with the DaemonSets on those nodes \\(20 pods, 5360m CPU, 5360 MiB\\).*");
    }

    @Test
    void theSystemPodsAreNotCountedOnThePoolsAsTheyAreOnTheAutoscalersGroups() {
        // 3 nodes: 5790m. Pools: 540m + 5000m fit. Groups with the cluster autoscaler also carry the cluster's
        // own pods (520m): 6060m do not.
        final Map<String, Object> three = Map.of("maxSize", 3);
        Synthesized.hasNoWarning(KARPENTER.withNodeGroup(three).deploy().cluster(), "/Cluster", CANNOT_HOLD);
        Synthesized.hasWarning(TestContext.defaults().withNodeGroup(three).deploy().cluster(), "/Cluster",
                "The node groups at maxSize \\(3 nodes.*");
    }
}
