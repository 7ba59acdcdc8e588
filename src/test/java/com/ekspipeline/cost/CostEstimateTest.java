package com.ekspipeline.cost;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cost estimate of synthesized apps, checked against figures worked out by hand from the us-east-2
 * rows of prices.csv.
 */
class CostEstimateTest {

    private static CostEstimate estimate(final TestContext context) {
        return context.estimate();
    }

    private static BigDecimal hourly(final CostEstimate estimate, final String item) {
        return estimate.line(item).orElseThrow(() -> new AssertionError("no line " + item)).hourly();
    }

    private static void assertAmount(final String expected, final BigDecimal actual, final int scale) {
        assertEquals(new BigDecimal(expected), actual.setScale(scale, RoundingMode.HALF_UP));
    }

    @Test
    void defaultConfigurationCostsWhatTheTableSays() {
        final CostEstimate estimate = estimate(TestContext.defaults());
        // 0.10 control plane + 2 × 0.0336 t4g.medium + 100 GiB × 0.08 / 720 + 0.045 NAT + 7 × 0.005 IPv4
        // + 2 × 0.0225 NLB + 5 GiB × 0.08 / 720 + 2 × 1.00 / 720 KMS (secrets, notifications)
        // + (30 × 0.50 + 30 × 0.03) / 720 logs
        assertAmount("0.1000", hourly(estimate, "EKS control plane (Kubernetes 1.36, standard support, upgrade policy STANDARD)"), 4);
        assertAmount("0.0672", hourly(estimate, "Nodes of group general: t4g.medium on-demand"), 4);
        assertAmount("8.00", estimate.line("Node root volumes").orElseThrow().per30Days(), 2);
        assertAmount("32.40", estimate.line("NAT gateways").orElseThrow().per30Days(), 2);
        assertEquals("1 NAT + 6 load balancer", estimate.line("Public IPv4").orElseThrow().quantity());
        assertAmount("25.20", estimate.line("Public IPv4").orElseThrow().per30Days(), 2);
        assertAmount("32.40", estimate.line("Network Load Balancers").orElseThrow().per30Days(), 2);
        assertAmount("0.40", estimate.line("Persistent volumes").orElseThrow().per30Days(), 2);
        assertAmount("2.00", estimate.line("KMS").orElseThrow().per30Days(), 2);
        assertAmount("15.90", estimate.line("Logs").orElseThrow().per30Days(), 2);
        assertAmount("236.68", estimate.per30DaysTotal(), 2);
        assertAmount("0.3287", estimate.hourlyTotal(), 4);
        // At maxSize 5: 5 × (0.0336 + 50 × 0.08 / 720) × 720 = 140.96
        assertAmount("140.96", estimate.nodesAtMaxSize30Days(), 2);
    }

    /** With Karpenter: the system group's two nodes besides the NodePool's desiredSize, and its limits as the worst case. */
    @Test
    void karpenterPricesTheSystemGroupAndTheNodePools() {
        final CostEstimate estimate = estimate(TestContext.defaults().with("autoscaler", "karpenter"));
        assertAmount("0.0672", hourly(estimate, "Nodes of group system: t4g.medium on-demand"), 4);
        assertAmount("0.0672", hourly(estimate, "Nodes of NodePool general: t4g.medium on-demand"), 4);
        // 2 × 20 GiB (system) + 2 × 50 GiB (general)
        assertEquals("140 GiB", estimate.line("Node root volumes").orElseThrow().quantity());
        // At their maxSize: 3 × (0.0336 + 20 × 0.08 / 720) × 720 + 5 × (0.0336 + 50 × 0.08 / 720) × 720 = 77.38 + 140.96
        assertAmount("218.34", estimate.nodesAtMaxSize30Days(), 2);
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.startsWith("Nodes: the system group's desiredSize "
                + "and each NodePool's")), estimate.assumptions()::toString);
    }

    @Test
    void countsNatGatewaysAndTheirAddressesFromTheSynthesizedApp() {
        // "3" as -c natGateways=3 passes it: the same app as NetworkStackTest's NAT gateway per zone, built once.
        final CostEstimate estimate = estimate(TestContext.defaults().with("natGateways", "3"));
        assertEquals("3", estimate.line("NAT gateways").orElseThrow().quantity());
        assertAmount("0.1350", hourly(estimate, "NAT gateways"), 4);
        assertEquals("3 NAT + 6 load balancer", estimate.line("Public IPv4").orElseThrow().quantity());
    }

    @Test
    void aVersionPastStandardSupportIsPricedAtTheExtendedRate() {
        final CostEstimate estimate = estimate(TestContext.defaults().with("kubernetesVersion", "1.31")
                .with("extendedSupport", true));
        assertAmount("0.6000", hourly(estimate,
                "EKS control plane (Kubernetes 1.31, extended support, upgrade policy EXTENDED)"), 4);
        assertTrue(estimate.assumptions().contains("Upgrade policy EXTENDED (extendedSupport true): Kubernetes 1.31 "
                + "left standard support on 2025-11-26, so the control plane costs $0.60 an hour ($432.00 per 30 days) "
                + "instead of $0.10 ($72.00), until 2026-11-26, when EKS upgrades it."), estimate.assumptions()::toString);
    }

    @Test
    void theStandardPolicySaysEksUpgradesTheControlPlaneWhenStandardSupportEnds() {
        assertTrue(estimate(TestContext.defaults()).assumptions().contains("Upgrade policy STANDARD (extendedSupport "
                + "false): when Kubernetes 1.36 leaves standard support on 2027-08-02, EKS upgrades the control plane to "
                + "the next version instead of billing extended support; the node groups and add-ons stay on 1.36 until "
                + "a deploy raises kubernetesVersion."));
    }

    @Test
    void theExtendedPolicySaysWhatTheVersionWillCostAndFromWhen() {
        final CostEstimate estimate = estimate(TestContext.defaults().with("extendedSupport", true));
        assertAmount("0.1000", hourly(estimate,
                "EKS control plane (Kubernetes 1.36, standard support, upgrade policy EXTENDED)"), 4);
        assertTrue(estimate.assumptions().contains("Upgrade policy EXTENDED (extendedSupport true): from 2027-08-02, "
                + "when Kubernetes 1.36 leaves standard support, the control plane costs $0.60 an hour ($432.00 per 30 "
                + "days) instead of $0.10 ($72.00), until 2028-08-02, when EKS upgrades it."), estimate.assumptions()::toString);
    }

    @Test
    void pricesEveryNodeGroupInItsRegion() {
        final CostEstimate estimate = estimate(TestContext.defaults()
                .with("region", "eu-west-1")
                .with("availabilityZones", List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"))
                .with("nodeGroups", List.of(
                        Map.of("name", "web", "instanceTypes", List.of("m6i.large", "m5.xlarge"), "capacityType", "ON_DEMAND",
                                "minSize", 1, "desiredSize", 3, "maxSize", 4, "diskSizeGiB", 20),
                        Map.of("name", "batch", "instanceTypes", List.of("c5.large", "c6i.xlarge"), "capacityType", "SPOT",
                                "minSize", 0, "desiredSize", 1, "maxSize", 2, "diskSizeGiB", 20))));
        // On-demand: the first type, 3 × 0.107. Spot: the dearest type at its on-demand price, 0.192.
        assertAmount("0.3210", hourly(estimate, "Nodes of group web: m6i.large on-demand"), 4);
        assertAmount("0.1920", hourly(estimate, "Nodes of group batch: c6i.xlarge spot"), 4);
        assertEquals("80 GiB", estimate.line("Node root volumes").orElseThrow().quantity());
        assertAmount("0.0480", hourly(estimate, "NAT gateways"), 4);
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.startsWith("Node group batch runs on Spot")));
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.startsWith("Node group web is priced at m6i.large")));
    }

    @Test
    void offHoursPriceTheNodesForTheHoursTheyRun() {
        final CostEstimate estimate = estimate(TestContext.defaults().with("offHours",
                Map.of("scaleDownAt", "20:00", "scaleUpAt", "08:00", "timeZone", "Europe/Berlin")));
        // 12 hours on 5 days = 60 of 168 hours: 2 × 0.0336 × 60 / 168
        assertAmount("0.024000", hourly(estimate, "Nodes of group general"), 6);
        assertAmount("2.86", estimate.line("Node root volumes").orElseThrow().per30Days(), 2);
        // The control plane, NAT and load balancers do not stop.
        assertAmount("72.00", estimate.line("EKS control plane").orElseThrow().per30Days(), 2);
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.startsWith("Off-hours: nodes and their root "
                + "volumes run 60 of 168 hours a week")), estimate.assumptions()::toString);
    }

    /** With Karpenter, off-hours parks the NodePools; the system group, which runs Karpenter, is priced in full. */
    @Test
    void offHoursWithKarpenterPriceTheSystemGroupForEveryHour() {
        final CostEstimate estimate = estimate(TestContext.defaults().with("autoscaler", "karpenter").with("offHours",
                Map.of("scaleDownAt", "20:00", "scaleUpAt", "08:00", "timeZone", "Europe/Berlin")));
        assertAmount("0.067200", hourly(estimate, "Nodes of group system"), 6);
        // 60 of 168 hours: 2 × 0.0336 × 60 / 168
        assertAmount("0.024000", hourly(estimate, "Nodes of NodePool general"), 6);
        // (2 × 20 GiB × 0.08 + 2 × 50 GiB × 0.08 × 60 / 168) / 720 × 720 = 3.20 + 2.86
        assertAmount("6.06", estimate.line("Node root volumes").orElseThrow().per30Days(), 2);
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.startsWith("Off-hours: the NodePools' nodes and "
                + "their root volumes run 60 of 168 hours a week") && a.endsWith("the system group runs all the time, "
                + "as Karpenter does.")), estimate.assumptions()::toString);
    }

    @Test
    void overnightWorkingHoursWrapPastMidnight() {
        final CostEstimate estimate = estimate(TestContext.defaults().with("offHours", Map.of("scaleDownAt", "06:00",
                "scaleUpAt", "22:00", "timeZone", "UTC", "scaleUpDays", List.of("SUN", "MON"))));
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.contains("run 16 of 168 hours")),
                estimate.assumptions()::toString);
    }

    @Test
    void jsonCarriesEveryLineTheTotalAndTheAssumptions() {
        final CostEstimate estimate = estimate(TestContext.defaults());
        final Map<String, Object> json = Resources.parseJson(estimate.json());
        assertEquals("us-east-2", json.get("region"));
        assertEquals("2026-11-25", json.get("pricedOn"));
        assertEquals(estimate.lines().size(), ((List<?>) json.get("lines")).size());
        assertEquals(236.68, ((Number) ((Map<?, ?>) json.get("total")).get("per30Days")).doubleValue());
        assertEquals(estimate.assumptions(), json.get("assumptions"));
    }

    @Test
    void tableListsEveryLineAndTheTotal() {
        final CostEstimate estimate = estimate(TestContext.defaults());
        final String table = estimate.table();
        estimate.lines().forEach(line -> assertTrue(table.contains(line.item()), line.item()));
        assertTrue(table.lines().anyMatch(l -> l.trim().startsWith("Total") && l.trim().endsWith("$0.3287    $236.68")),
                table);
    }
}
