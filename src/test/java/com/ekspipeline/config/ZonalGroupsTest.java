package com.ekspipeline.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZonalGroupsTest {

    private static final List<String> ZONES = List.of("us-east-2a", "us-east-2b", "us-east-2c");

    private static NodeGroupConfig group(final int min, final int desired, final int max) {
        return new NodeGroupConfig("general", List.of("t4g.medium"), false, min, desired, max, 50,
                Map.of("workload", "general"), Optional.empty());
    }

    @Test
    void theDefaultSpreadsTwoNodesOverThreeZonesAndKeepsTheTotals() {
        final List<ZonalGroups.ZonalGroup> zonal = ZonalGroups.of(List.of(group(2, 2, 5)), ZONES);
        assertEquals(List.of("general-us-east-2a", "general-us-east-2b", "general-us-east-2c"),
                zonal.stream().map(z -> z.group().name()).toList());
        assertEquals(ZONES, zonal.stream().map(ZonalGroups.ZonalGroup::zone).toList());
        assertEquals(List.of(1, 1, 0), zonal.stream().map(z -> z.group().minSize()).toList());
        assertEquals(List.of(1, 1, 0), zonal.stream().map(z -> z.group().desiredSize()).toList());
        assertEquals(List.of(2, 2, 1), zonal.stream().map(z -> z.group().maxSize()).toList());
    }

    @Test
    void everySizeThatDoesNotDivideEvenlyKeepsItsTotalAndItsOrderInEveryZone() {
        for (int max = 1; max <= 11; max++) {
            for (int desired = 0; desired <= max; desired++) {
                for (int min = 0; min <= desired; min++) {
                    final List<NodeGroupConfig> zonal = ZonalGroups.groups(List.of(group(min, desired, max)), ZONES);
                    assertEquals(min, zonal.stream().mapToInt(NodeGroupConfig::minSize).sum());
                    assertEquals(desired, zonal.stream().mapToInt(NodeGroupConfig::desiredSize).sum());
                    assertEquals(max, zonal.stream().mapToInt(NodeGroupConfig::maxSize).sum());
                    for (final NodeGroupConfig z : zonal) {
                        assertTrue(z.minSize() <= z.desiredSize() && z.desiredSize() <= z.maxSize(), z.toString());
                        assertTrue(z.maxSize() >= 1, "every zone's group can scale from zero: " + z);
                    }
                }
            }
        }
    }

    @Test
    void aGroupWhoseMaxSizeIsBelowTheNumberOfZonesRunsInThatManyZonesEachAbleToStartANode() {
        final List<NodeGroupConfig> zonal = ZonalGroups.groups(List.of(group(0, 1, 2)), ZONES);
        assertEquals(List.of("general-us-east-2a", "general-us-east-2b"), zonal.stream().map(NodeGroupConfig::name).toList());
        assertEquals(List.of(1, 1), zonal.stream().map(NodeGroupConfig::maxSize).toList());
        assertEquals(List.of(1, 0), zonal.stream().map(NodeGroupConfig::desiredSize).toList());
    }

    @Test
    void aNameTooLongForItsZonesIsRefusedNamingTheKey() {
        final ContextReader reader = new ContextReader(Map.of());
        final NodeGroupConfig longName = new NodeGroupConfig("g".repeat(60), List.of("t4g.medium"), false, 1, 1, 3, 50,
                Map.of(), Optional.empty());
        ZonalGroups.check(reader, List.of(group(1, 1, 3), longName), ZONES);
        assertEquals(List.of("nodeGroups[1].name is \"" + "g".repeat(60) + "\" but must be at most 52 characters, "
                + "because each zone's node group is named <name>-<zone> and EKS allows 63."), reader.errors());
    }
}
