package com.ekspipeline.cost;

import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.config.OffHoursConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import software.amazon.awscdk.services.ec2.CfnEIP;
import software.amazon.awscdk.services.ec2.CfnNatGateway;
import software.amazon.awscdk.services.kms.CfnKey;
import software.constructs.IConstruct;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The running cost of one deployment, hour by hour and over 30 days, priced from {@link PriceTable}.
 * Counts what the synthesized app creates (NAT gateways, addresses, keys), the configured node groups,
 * and what the sample service adds once released ({@link SampleWorkload}).
 */
public record CostEstimate(String appName, String region, LocalDate pricedOn, List<Line> lines,
                           BigDecimal nodesAtMaxSize30Days, List<String> assumptions, List<Subtotal> subtotals) {

    public static final int HOURS_PER_30_DAYS = 720;
    private static final BigDecimal HOURS = BigDecimal.valueOf(HOURS_PER_30_DAYS);
    private static final BigDecimal HOURS_PER_WEEK = BigDecimal.valueOf(168);

    /** One priced item: {@code hourly} is exact, the 30-day figure is derived from it. */
    public record Line(String item, String quantity, BigDecimal hourly) {

        public BigDecimal per30Days() {
            return hourly.multiply(HOURS);
        }
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

    /** What one part of a split deployment costs: a stage's cluster, or the pipeline. */
    public record Subtotal(String name, Optional<String> account, String region, BigDecimal hourly) {

        public BigDecimal per30Days() {
            return hourly.multiply(HOURS);
        }
    }

    public CostEstimate {
        lines = List.copyOf(lines);
        assumptions = List.copyOf(assumptions);
        subtotals = List.copyOf(subtotals);
    }

    /** A deployment of one cluster, no subtotals. */
    public CostEstimate(final String appName, final String region, final LocalDate pricedOn, final List<Line> lines,
                        final BigDecimal nodesAtMaxSize30Days, final List<String> assumptions) {
        this(appName, region, pricedOn, lines, nodesAtMaxSize30Days, assumptions, List.of());
    }

    public BigDecimal hourlyTotal() {
        return lines.stream().map(Line::hourly).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public BigDecimal per30DaysTotal() {
        return hourlyTotal().multiply(HOURS);
    }

    public static CostEstimate of(final AppConfig config, final IConstruct app, final PriceTable prices,
                                  final SampleWorkload workload) {
        return of(config, List.of(app), prices, workload);
    }

    /**
     * Staging and production on clusters of their own: each stage priced in its region with its share of the
     * sample service, then the pipeline's keys in the delivery region; a line's item names its part.
     */
    public static CostEstimate split(final AppConfig config, final List<Part> parts,
                                     final List<? extends IConstruct> delivery, final PriceTable prices) {
        final List<Line> lines = new ArrayList<>();
        final List<String> assumptions = new ArrayList<>();
        final List<Subtotal> subtotals = new ArrayList<>();
        final List<String> regions = new ArrayList<>(List.of(config.region()));
        parts.forEach(part -> {
            if (!regions.contains(part.config().region())) {
                regions.add(part.config().region());
            }
        });
        assumptions.add("On-demand list prices for " + String.join(" and ", regions) + " as of " + prices.pricedOn()
                + " from " + PriceTable.SOURCE + ", in USD before tax, credits, Savings Plans and free tiers; 30 days = "
                + HOURS_PER_30_DAYS + " hours. Each stage's cluster, network and share of the sample service are "
                + "priced in its own region, the pipeline's in " + config.region() + ".");
        BigDecimal atMax = BigDecimal.ZERO;
        String notIncluded = "";
        for (final Part part : parts) {
            final CostEstimate own = of(part.config(), part.stacks(), prices, part.workload());
            final String name = Character.toUpperCase(part.stage().charAt(0)) + part.stage().substring(1);
            own.lines().forEach(line -> lines.add(new Line(name + ": " + line.item(), line.quantity(), line.hourly())));
            own.assumptions().subList(1, own.assumptions().size() - 1).forEach(a -> assumptions.add(name + ": " + a));
            notIncluded = own.assumptions().get(own.assumptions().size() - 1);
            subtotals.add(new Subtotal(name, part.account(), part.config().region(), own.hourlyTotal()));
            atMax = atMax.add(own.nodesAtMaxSize30Days());
        }
        final int keys = count(delivery, CfnKey.class);
        final Line pipelineKeys = new Line("Pipeline: KMS customer managed keys", String.valueOf(keys),
                perHour(prices.require(config.region(), "kms-key")).multiply(BigDecimal.valueOf(keys)));
        lines.add(pipelineKeys);
        subtotals.add(new Subtotal("Pipeline", config.account(), config.region(), pipelineKeys.hourly()));
        assumptions.add("Budgets: one per account, each of monthlyBudgetUsd ($" + config.billing().monthlyBudgetUsd()
                + ") against that account's whole spend, in the first of the app's stacks deployed there.");
        assumptions.add(notIncluded);
        return new CostEstimate(config.appName(), config.region(), prices.pricedOn(), lines, atMax, assumptions,
                subtotals);
    }

    private static CostEstimate of(final AppConfig config, final List<? extends IConstruct> app,
                                   final PriceTable prices, final SampleWorkload workload) {
        final String region = config.region();
        final List<Line> lines = new ArrayList<>();
        final List<String> assumptions = new ArrayList<>();
        assumptions.add("On-demand list prices for " + region + " as of " + prices.pricedOn() + " from "
                + PriceTable.SOURCE + ", in USD before tax, credits, Savings Plans and free tiers; 30 days = "
                + HOURS_PER_30_DAYS + " hours.");

        ControlPlaneCost.add(config, prices, lines, assumptions);

        final BigDecimal runningShare = config.billing().offHours()
                .map(h -> BigDecimal.valueOf(h.runningHoursPerWeek()).divide(HOURS_PER_WEEK, 6, RoundingMode.HALF_UP))
                .orElse(BigDecimal.ONE);
        final BigDecimal gp3Hour = perHour(prices.require(region, "ebs-gp3"));
        BigDecimal atMax = BigDecimal.ZERO;
        BigDecimal rootHour = BigDecimal.ZERO;
        int rootGiB = 0;
        final boolean karpenter = config.cluster().karpenter();
        for (NodeGroupConfig group : config.cluster().pricedNodeGroups()) {
            // With Karpenter, off-hours parks the NodePools only: the system group runs Karpenter all night.
            final BigDecimal share = karpenter && "system".equals(group.name()) ? BigDecimal.ONE : runningShare;
            final String type = pricedType(group, region, prices);
            final BigDecimal node = prices.instanceHour(region, type).orElseThrow()
                    .add(gp3Hour.multiply(BigDecimal.valueOf(group.diskSizeGiB())));
            lines.add(new Line((karpenter && !"system".equals(group.name()) ? "Nodes of NodePool " : "Nodes of group ")
                    + group.name() + ": " + type + (group.spot() ? " spot" : " on-demand"),
                    group.desiredSize() + " × " + type, prices.instanceHour(region, type).orElseThrow()
                    .multiply(BigDecimal.valueOf(group.desiredSize())).multiply(share)));
            rootGiB += group.desiredSize() * group.diskSizeGiB();
            rootHour = rootHour.add(gp3Hour.multiply(BigDecimal.valueOf(group.desiredSize() * group.diskSizeGiB()))
                    .multiply(share));
            atMax = atMax.add(node.multiply(BigDecimal.valueOf(group.maxSize())).multiply(share));
            if (group.spot()) {
                assumptions.add("Node group " + group.name() + " runs on Spot, priced here at the on-demand price of "
                        + type + " as an upper bound; Spot usually costs much less.");
            } else if (group.instanceTypes().size() > 1) {
                assumptions.add("Node group " + group.name() + " is priced at " + type
                        + ", the first of its instance types, which EKS launches first for on-demand capacity.");
            }
        }
        lines.add(new Line("Node root volumes (gp3)", rootGiB + " GiB", rootHour));
        assumptions.add((karpenter ? "Nodes: the system group's desiredSize and each NodePool's, as many nodes as "
                + "Karpenter would launch for the pods; Karpenter may grow each NodePool to its limits (maxSize nodes): "
                : "Nodes: each group's desiredSize. The cluster autoscaler may grow groups to maxSize: ")
                + "nodes would then cost " + money(atMax.multiply(HOURS)) + " per 30 days.");
        config.billing().offHours().ifPresent(hours -> assumptions.add(offHoursNote(hours, karpenter)));

        final boolean ownVpc = config.network().existing().isEmpty();
        NetworkCost.add(config, count(app, CfnNatGateway.class), count(app, CfnEIP.class), prices,
                workload.loadBalancers(), lines, assumptions);
        final int zones = config.availabilityZones().size();
        lines.add(new Line("Network Load Balancers (sample service)", String.valueOf(workload.loadBalancers()),
                prices.require(region, "network-load-balancer").multiply(BigDecimal.valueOf(workload.loadBalancers()))));
        lines.add(new Line("Persistent volumes (gp3, sample service)", workload.claimGiB() + " GiB",
                gp3Hour.multiply(BigDecimal.valueOf(workload.claimGiB()))));
        if (workload.bothStages()) {
            assumptions.add("Sample service, once released to both stages: " + workload.loadBalancers()
                    + " internet-facing NLBs with an address in each of " + zones + " zones, and "
                    + workload.claimGiBPerReplica() + " GiB volumes for " + workload.stagingReplicas() + " staging and "
                    + workload.productionReplicas() + " production replicas (the autoscalers' minimums). None of them "
                    + "exist before the first release.");
        } else {
            final boolean staging = workload.stagingReplicas() > 0;
            assumptions.add("Sample service, once released to " + (staging ? "staging" : "production") + ": "
                    + workload.loadBalancers() + " internet-facing NLB with an address in each of " + zones
                    + " zones, and " + workload.claimGiBPerReplica() + " GiB volumes for "
                    + (staging ? workload.stagingReplicas() : workload.productionReplicas())
                    + " replicas (the autoscaler's minimum). None of them exist before the first release.");
        }

        final int keys = count(app, CfnKey.class);
        lines.add(new Line("KMS customer managed keys", String.valueOf(keys),
                perHour(prices.require(region, "kms-key")).multiply(BigDecimal.valueOf(keys))));

        final int gibPerDay = config.billing().estimatedLogGiBPerDay();
        lines.add(new Line("Logs: control plane" + (ownVpc ? " and VPC flow logs" : ""), gibPerDay + " GiB/day, "
                + config.logRetentionDays() + "-day retention", logsPerHour(prices, region, gibPerDay,
                config.logRetentionDays())));
        assumptions.add("Logs: estimatedLogGiBPerDay (" + gibPerDay + ") of control-plane" + (ownVpc ? " and VPC flow"
                : "") + " logs ingested into "
                + "CloudWatch, kept for logRetentionDays uncompressed; a busy cluster's audit log alone can be more.");
        ObservabilityCost.add(config, app, prices, workload, runningShare, lines, assumptions);
        assumptions.add("Not included: data processed by NAT gateways (" + money(prices.require(region, "nat-gateway-data"))
                + " per GiB, image pulls included" + (ownVpc ? "" : ", billed to the VPC's owner") + ") and load balancers, data transfer out, CodeBuild and CodePipeline "
                + "minutes, S3, ECR and Lambda usage, CloudWatch API requests.");
        return new CostEstimate(config.appName(), region, prices.pricedOn(), lines, atMax.multiply(HOURS), assumptions);
    }

    /** The type a group is billed at: the first for on-demand (EKS launches in list order), the dearest for Spot. */
    private static String pricedType(final NodeGroupConfig group, final String region, final PriceTable prices) {
        if (!group.spot()) {
            return group.instanceTypes().get(0);
        }
        return group.instanceTypes().stream()
                .max((a, b) -> prices.instanceHour(region, a).orElseThrow()
                        .compareTo(prices.instanceHour(region, b).orElseThrow()))
                .orElseThrow();
    }

    private static String offHoursNote(final OffHoursConfig hours, final boolean karpenter) {
        return "Off-hours: " + (karpenter ? "the NodePools' " : "") + "nodes and their root volumes run "
                + formatHours(hours.runningHoursPerWeek()) + " of 168 hours a week (up at " + hours.scaleUpAt() + " on "
                + hours.scaleUpDays().size() + " days, down at " + hours.scaleDownAt() + ", " + hours.timeZone() + ")"
                + (karpenter ? "; the system group runs all the time, as Karpenter does." : ".");
    }

    private static String formatHours(final double hours) {
        return hours == Math.rint(hours) ? String.valueOf((long) hours) : String.format("%.1f", hours);
    }

    /** {@code gibPerDay} ingested for 30 days and kept for {@code retentionDays}, per hour. */
    static BigDecimal logsPerHour(final PriceTable prices, final String region, final int gibPerDay,
                                  final int retentionDays) {
        return perHour(prices.require(region, "logs-ingestion").multiply(BigDecimal.valueOf(gibPerDay * 30L))
                .add(prices.require(region, "logs-storage").multiply(BigDecimal.valueOf((long) gibPerDay * retentionDays))));
    }

    static BigDecimal perHour(final BigDecimal monthly) {
        return monthly.divide(HOURS, 10, RoundingMode.HALF_UP);
    }

    private static int count(final List<? extends IConstruct> roots, final Class<?> type) {
        return (int) roots.stream().flatMap(root -> root.getNode().findAll().stream()).filter(type::isInstance).count();
    }

    static String money(final BigDecimal amount) {
        return "$" + amount.setScale(amount.compareTo(BigDecimal.ONE) < 0 ? 3 : 2, RoundingMode.HALF_UP).toPlainString();
    }

    /** The table printed after synth. */
    public String table() {
        final StringBuilder out = new StringBuilder();
        out.append("Cost estimate for ").append(appName).append(" in ").append(region)
                .append(" (USD, on-demand list prices of ").append(pricedOn).append(")\n");
        final int width = Math.max(40, lines.stream().mapToInt(l -> l.item().length()).max().orElse(0));
        final int qty = Math.max(20, Math.max(lines.stream().mapToInt(l -> l.quantity().length()).max().orElse(0),
                subtotals.stream().mapToInt(p -> where(p).length()).max().orElse(0)));
        final String format = "  %-" + width + "s  %-" + qty + "s  %9s  %9s%n";
        out.append(String.format(format, "Item", "Quantity", "Hourly", "30 days"));
        for (Line line : lines) {
            out.append(String.format(format, line.item(), line.quantity(), hourly(line.hourly()), monthly(line.per30Days())));
        }
        subtotals.forEach(part -> out.append(String.format(format, part.name() + " subtotal", where(part),
                hourly(part.hourly()), monthly(part.per30Days()))));
        out.append(String.format(format, "Total", "", hourly(hourlyTotal()), monthly(per30DaysTotal())));
        out.append("Assumptions:\n");
        assumptions.forEach(a -> out.append("  - ").append(a).append('\n'));
        return out.toString();
    }

    private static String where(final Subtotal part) {
        return part.account().map(a -> "account " + a + ", ").orElse("") + part.region();
    }

    /** The same table as Markdown, for the README and the cost tables of docs/. */
    public String markdown() {
        final StringBuilder out = new StringBuilder("| Item | Quantity | Hourly | 30 days |\n|---|---|--:|--:|\n");
        for (Line line : lines) {
            out.append("| ").append(line.item()).append(" | ").append(line.quantity()).append(" | ")
                    .append(hourly(line.hourly())).append(" | ").append(monthly(line.per30Days())).append(" |\n");
        }
        out.append("| **Total** | | **").append(hourly(hourlyTotal())).append("** | **")
                .append(monthly(per30DaysTotal())).append("** |\n");
        return out.toString();
    }

    /** The estimate as JSON, for {@code cdk.out/cost-estimate.json}. */
    public String json() {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("app", appName);
        root.put("region", region);
        root.put("currency", "USD");
        root.put("pricedOn", pricedOn.toString());
        root.put("hoursPer30Days", HOURS_PER_30_DAYS);
        root.put("lines", lines.stream().map(l -> {
            final Map<String, Object> line = new LinkedHashMap<>();
            line.put("item", l.item());
            line.put("quantity", l.quantity());
            line.put("hourly", round(l.hourly(), 4));
            line.put("per30Days", round(l.per30Days(), 2));
            return line;
        }).toList());
        if (!subtotals.isEmpty()) {
            root.put("subtotals", subtotals.stream().map(part -> {
                final Map<String, Object> subtotal = new LinkedHashMap<>();
                subtotal.put("part", part.name());
                part.account().ifPresent(account -> subtotal.put("account", account));
                subtotal.put("region", part.region());
                subtotal.put("hourly", round(part.hourly(), 4));
                subtotal.put("per30Days", round(part.per30Days(), 2));
                return subtotal;
            }).toList());
        }
        final Map<String, Object> total = new LinkedHashMap<>();  // in this order on every synth, unlike Map.of
        total.put("hourly", round(hourlyTotal(), 4));
        total.put("per30Days", round(per30DaysTotal(), 2));
        root.put("total", total);
        root.put("nodesAtMaxSizePer30Days", round(nodesAtMaxSize30Days, 2));
        root.put("assumptions", assumptions);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Line> line(final String itemPrefix) {
        return lines.stream().filter(l -> l.item().startsWith(itemPrefix)).findFirst();
    }

    private static BigDecimal round(final BigDecimal value, final int scale) {
        return value.setScale(scale, RoundingMode.HALF_UP);
    }

    private static String hourly(final BigDecimal value) {
        return "$" + round(value, 4).toPlainString();
    }

    private static String monthly(final BigDecimal value) {
        return "$" + round(value, 2).toPlainString();
    }
}
