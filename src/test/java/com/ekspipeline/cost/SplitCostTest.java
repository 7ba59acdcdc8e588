package com.ekspipeline.cost;

import com.ekspipeline.Deployment;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.budgets.CfnBudget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Staging and production on clusters of their own: the estimate has a part per stage, priced in the stage's
 * region, and the pipeline's; each account has one budget. Figures worked out by hand from prices.csv.
 */
class SplitCostTest {

    private static void assertAmount(final String expected, final BigDecimal actual) {
        assertEquals(new BigDecimal(expected), actual.setScale(2, RoundingMode.HALF_UP));
    }

    private static CostEstimate.Subtotal part(final CostEstimate estimate, final String name) {
        return estimate.subtotals().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no part " + name + " in " + estimate.subtotals()));
    }

    @Test
    void twoAccountsArePricedPerStageInTheirRegionsPlusThePipeline() {
        final CostEstimate estimate = TestContext.named("two-accounts").estimate();
        // Staging, us-east-2: 0.10 control plane + 2 × 0.0336 t4g.medium + 100 GiB × 0.08 / 720 + 0.045 NAT
        // + (1 NAT + 3 load balancer addresses) × 0.005 + 0.0225 NLB + 2 GiB × 0.08 / 720 + 1.00 / 720 KMS
        // + (30 × 0.50 + 30 × 0.03) / 720 logs = 0.289505 an hour, 208.44 per 30 days. With observability on:
        // the alarm topic's key 1.00; Container Insights on a cluster of staging's namespace alone, 24 + 8 × 2
        // nodes + 7 × 3 namespaces + 7 × 8 services + 9 × (12 system workloads + 2 replicas) = 243 metrics × 0.30
        // = 72.90; container logs 15.90; alarms on 1 + 1 + 3 + 4 (each pod staging may run) metrics × 0.10 =
        // 0.90; its dashboard 3.00: 302.14. No probe metric: the probe is the pipeline's.
        final CostEstimate.Subtotal staging = part(estimate, "Staging");
        assertEquals(Optional.of("111111111111"), staging.account());
        assertEquals("us-east-2", staging.region());
        assertAmount("302.14", staging.per30Days());
        assertEquals("243 metrics", estimate.line("Staging: CloudWatch metrics: Container Insights").orElseThrow()
                .quantity());
        // Production, us-west-2: the same, with 3 GiB of volumes for its 3 replicas (208.52), 9 × 3 more pod
        // metrics (75.60) and 4 more restart metrics (1.30): 305.32.
        final CostEstimate.Subtotal production = part(estimate, "Production");
        assertEquals(Optional.of("222222222222"), production.account());
        assertEquals("us-west-2", production.region());
        assertAmount("305.32", production.per30Days());
        assertEquals(PriceTable.load().require("us-west-2", "eks-control-plane-standard"), estimate
                .line("Production: EKS control plane (Kubernetes 1.35").orElseThrow().hourly());
        assertEquals("1 NAT + 3 load balancer", estimate.line("Production: Public IPv4").orElseThrow().quantity());
        // The pipeline's artifact key 1.00, the probe's metric 0.30, the probe's and staging's deploy alarms
        // 0.20, its release dashboard 3.00: 4.50 per 30 days.
        assertAmount("4.50", part(estimate, "Pipeline").per30Days());
        // The parts add up to the total; each line belongs to one part.
        assertAmount("611.97", estimate.per30DaysTotal());
        assertEquals(estimate.hourlyTotal(), estimate.subtotals().stream().map(CostEstimate.Subtotal::hourly)
                .reduce(BigDecimal.ZERO, BigDecimal::add));
        assertTrue(estimate.lines().stream().allMatch(line -> line.item().matches("(Staging|Production|Pipeline): .+")),
                estimate.lines().toString());
        // Two clusters that may each grow to maxSize 5: 2 × 140.96.
        assertAmount("281.92", estimate.nodesAtMaxSize30Days());
        assertTrue(estimate.json().contains("\"subtotals\""));
        assertTrue(estimate.table().contains("Production subtotal"));
    }

    @Test
    void stagingParkedAtNightCostsLessThanProductionOnTheSameNodes() {
        final CostEstimate estimate = TestContext.named("split-stages").estimate();
        // Staging runs 07:00 to 20:00 on weekdays, 65 of 168 hours: 2 × 0.0336 × 65 / 168 = 0.026 an hour.
        assertEquals(new BigDecimal("0.0260"), estimate.line("Staging: Nodes of group general").orElseThrow().hourly()
                .setScale(4, RoundingMode.HALF_UP));
        assertEquals(new BigDecimal("0.0672"), estimate.line("Production: Nodes of group general").orElseThrow()
                .hourly().setScale(4, RoundingMode.HALF_UP));
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.startsWith("Staging: Off-hours")));
        assertTrue(estimate.assumptions().stream().noneMatch(a -> a.startsWith("Production: Off-hours")));
    }

    @Test
    void theDefaultHasNoParts() {
        final CostEstimate estimate = TestContext.defaults().estimate();
        assertEquals(List.of(), estimate.subtotals());
        assertTrue(!estimate.json().contains("subtotals"));
    }

    /**
     * The stacks that hold a budget, read from the constructs each stack's template is synthesized from: these
     * three apps, nine stacks each, are built for this test only, and synthesizing them cost more than building.
     */
    private static List<String> budgets(final Deployment deployment) {
        return deployment.stacks().stream()
                .filter(stack -> stack.getNode().findAll().stream().anyMatch(construct -> construct instanceof CfnBudget
                        && Stack.of(construct).getNode().getPath().equals(stack.getNode().getPath())))
                .map(Stack::getStackName).toList();
    }

    @Test
    void oneBudgetPerAccountInTheFirstStackDeployedThere() {
        // One account: staging's network holds it, production's none (a second would watch the same spend).
        assertEquals(List.of("eks-pipeline-staging-network"),
                budgets(TestContext.named("split-stages").with("budgetEmail", "ops@example.com").deploy()));
        // Production in 222222222222: a budget there too.
        assertEquals(List.of("eks-pipeline-staging-network", "eks-pipeline-production-network"),
                budgets(TestContext.named("two-accounts").with("budgetEmail", "ops@example.com").deploy()));
        // No stage in the delivery account: the pipeline holds that account's.
        @SuppressWarnings("unchecked")
        final Map<String, Object> stages = new LinkedHashMap<>((Map<String, Object>) TestContext.named("two-accounts")
                .asMap().get("stages"));
        @SuppressWarnings("unchecked")
        final Map<String, Object> staging = new LinkedHashMap<>((Map<String, Object>) stages.get("staging"));
        staging.put("account", "333333333333");
        stages.put("staging", staging);
        assertEquals(List.of("eks-pipeline-staging-network", "eks-pipeline-production-network", "eks-pipeline-pipeline"),
                budgets(TestContext.named("two-accounts").with("stages", stages).with("budgetEmail", "ops@example.com")
                        .deploy()));
    }
}
