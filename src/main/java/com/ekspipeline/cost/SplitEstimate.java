package com.ekspipeline.cost;

import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import software.amazon.awscdk.services.kms.CfnKey;
import software.constructs.IConstruct;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The estimate of a deployment whose stages run on clusters of their own ({@code stages}). */
public final class SplitEstimate {

    private SplitEstimate() {
    }

    /**
     * One stage on a cluster of its own, priced alone: its stacks and its share of the sample service.
     *
     * @param account the account its stacks go to; empty: the delivery account, unnamed
     * @param config  the stage's configuration ({@code AppConfig.target}): its region, cluster and node groups
     */
    public record Part(String stage, Optional<String> account, AppConfig config, List<? extends IConstruct> stacks,
                       SampleWorkload workload) {

        public Part {
            stacks = List.copyOf(stacks);
        }
    }

    /**
     * Staging and production on clusters of their own: each stage priced in its region with its share of the
     * sample service, then the pipeline's keys in the delivery region; a line's item names its part.
     */
    public static CostEstimate of(final AppConfig config, final List<Part> parts,
                                  final List<? extends IConstruct> delivery, final PriceTable prices) {
        final List<CostEstimate.Line> lines = new ArrayList<>();
        final List<String> assumptions = new ArrayList<>();
        final List<CostEstimate.Subtotal> subtotals = new ArrayList<>();
        final List<String> regions = new ArrayList<>(List.of(config.region()));
        parts.forEach(part -> {
            if (!regions.contains(part.config().region())) {
                regions.add(part.config().region());
            }
        });
        assumptions.add("On-demand list prices for " + String.join(" and ", regions) + " as of " + prices.pricedOn()
                + " from " + PriceTable.SOURCE + ", in USD before tax, credits, Savings Plans and free tiers; 30 days = "
                + CostEstimate.HOURS_PER_30_DAYS + " hours. Each stage's cluster, network and share of the sample service are "
                + "priced in its own region, the pipeline's in " + config.region() + ".");
        BigDecimal atMax = BigDecimal.ZERO;
        String notIncluded = "";
        for (final Part part : parts) {
            final CostEstimate own = CostEstimate.of(part.config(), part.stacks(), prices, part.workload(), false);
            final String name = Character.toUpperCase(part.stage().charAt(0)) + part.stage().substring(1);
            own.lines().forEach(line -> lines.add(new CostEstimate.Line(name + ": " + line.item(), line.quantity(), line.hourly())));
            own.assumptions().subList(1, own.assumptions().size() - 1).forEach(a -> assumptions.add(name + ": " + a));
            notIncluded = own.assumptions().get(own.assumptions().size() - 1);
            subtotals.add(new CostEstimate.Subtotal(name, part.account(), part.config().region(), own.hourlyTotal()));
            atMax = atMax.add(own.nodesAtMaxSize30Days());
        }
        final int keys = CostEstimate.count(delivery, CfnKey.class);
        final CostEstimate.Line pipelineKeys = new CostEstimate.Line("Pipeline: KMS customer managed keys", String.valueOf(keys),
                CostEstimate.perHour(prices.require(config.region(), "kms-key")).multiply(BigDecimal.valueOf(keys)));
        final List<CostEstimate.Line> pipeline = new ArrayList<>(List.of(pipelineKeys));
        ObservabilityCost.delivery(config, delivery, prices).forEach(line -> pipeline.add(
                new CostEstimate.Line("Pipeline: " + line.item(), line.quantity(), line.hourly())));
        lines.addAll(pipeline);
        subtotals.add(new CostEstimate.Subtotal("Pipeline", config.account(), config.region(), pipeline.stream()
                .map(CostEstimate.Line::hourly).reduce(BigDecimal.ZERO, BigDecimal::add)));
        assumptions.add("Budgets: one per account, each of monthlyBudgetUsd ($" + config.billing().monthlyBudgetUsd()
                + ") against that account's whole spend, in the first of the app's stacks deployed there.");
        assumptions.add(notIncluded);
        return new CostEstimate(config.appName(), config.region(), prices.pricedOn(), lines, atMax, assumptions,
                subtotals);
    }
}
