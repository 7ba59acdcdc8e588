package com.ekspipeline.catalog;

import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capacity model's figures, against AWS's published ones where AWS publishes them. */
class CapacityModelTest {

    private static InstanceTypes.Spec spec(final String type) {
        return InstanceTypes.of(type).orElseThrow();
    }

    @Test
    void maxPodsAreAwsPublishedValues() {
        // amazon-eks-ami's eni-max-pods.txt: ENIs × (IPv4 per ENI − 1) + 2.
        final Map<String, Integer> published = Map.of("t3.small", 11, "t3.medium", 17, "t3.large", 35, "t3.xlarge", 58,
                "t4g.medium", 17, "m5.large", 29, "m5.xlarge", 58, "m7g.large", 29, "c5.large", 29, "r5.large", 29);
        final Map<String, Integer> model = new TreeMap<>();
        published.keySet().forEach(type -> model.put(type, spec(type).maxPods()));
        assertEquals(new TreeMap<>(published), model);
    }

    @Test
    void allocatableFollowsTheAl2023Reservations() {
        // CPU: 6% of 1000m + 1% of 1000m = 70m reserved of 2000m. Memory: 255 + 11 × 17 MiB reserved, 100 MiB eviction.
        assertEquals(1930, spec("t4g.medium").allocatableCpuMillis());
        assertEquals(4096 - 442 - 100, spec("t4g.medium").allocatableMemoryMiB());
        // 4 vCPUs: 60 + 10 + 5 + 5 = 80m reserved.
        assertEquals(3920, spec("m5.xlarge").allocatableCpuMillis());
        assertEquals(16384 - (255 + 11 * 58) - 100, spec("m5.xlarge").allocatableMemoryMiB());
    }

    @Test
    void everyPricedInstanceTypeIsDescribed() {
        final PriceTable prices = PriceTable.load();
        prices.regions().forEach(region -> prices.instanceTypes(region).forEach(type ->
                assertTrue(InstanceTypes.of(type).isPresent(), type + " is priced but not in " + InstanceTypes.SOURCE)));
    }

    @Test
    void systemPodsCountTheDaemonSetsOnEveryNode() {
        final CapacityModel.Load one = CapacityModel.system(1, false);
        final CapacityModel.Load five = CapacityModel.system(5, false);
        assertEquals(13, one.pods(), "four DaemonSet pods and nine cluster pods");
        assertEquals(one.pods() + 4 * 4, five.pods());
        assertEquals(one.cpuMillis() + 4 * 180, five.cpuMillis(), "50m + 100m + 30m per extra node");
    }

    @Test
    void observabilityAddsTheAgentAndFluentBitOnEveryNodeAndTheOperatorOnce() {
        final CapacityModel.Load without = CapacityModel.system(2, false);
        final CapacityModel.Load with = CapacityModel.system(2, true);
        assertEquals(without.pods() + 2 * 2 + 1, with.pods());
        assertEquals(without.cpuMillis() + 2 * (250 + 50) + 100, with.cpuMillis());
        assertEquals(without.memoryMiB() + 2 * (128 + 25) + 64, with.memoryMiB());
        assertEquals(CapacityModel.systemWorkloads(false) + 3, CapacityModel.systemWorkloads(true));
    }

    @Test
    void theDefaultNodesHoldTheServiceAtItsMaximumAndLeaveRoomAtDesiredSize() {
        final var groups = TestContext.defaults().load().cluster().nodeGroups().stream()
                .map(g -> new CapacityModel.Group(g.name(), g.instanceTypes().get(0), g.desiredSize(), g.maxSize()))
                .toList();
        assertEquals(Optional.empty(), CapacityModel.maxWarning(groups, SampleWorkload.RELEASED, false));
        assertEquals("Capacity at desiredSize (2 nodes), with the cluster's own pods and the sample service at its "
                + "minimum: room for 12 more pods, 980m CPU and 3800 MiB of requests.",
                CapacityModel.headroom(groups, SampleWorkload.RELEASED, false));
        assertEquals(Optional.empty(), CapacityModel.maxWarning(groups, SampleWorkload.RELEASED, true));
        assertEquals("Capacity at desiredSize (2 nodes), with the cluster's own pods and the sample service at its "
                + "minimum: room for 7 more pods, 280m CPU and 3430 MiB of requests.",
                CapacityModel.headroom(groups, SampleWorkload.RELEASED, true));
    }

    @Test
    void aGroupTooSmallForTheServicesMaximumIsWarnedAbout() {
        final List<CapacityModel.Group> one = List.of(new CapacityModel.Group("small", "t3.medium", 1, 1));
        assertFalse(CapacityModel.maxWarning(one, SampleWorkload.RELEASED, false).isEmpty());
    }
}
