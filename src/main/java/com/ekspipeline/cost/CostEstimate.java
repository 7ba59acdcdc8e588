package com.ekspipeline.cost;

import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.config.OffHoursConfig;
import software.amazon.awscdk.services.ec2.CfnEIP;
import software.amazon.awscdk.services.ec2.CfnNatGateway;
import software.amazon.awscdk.services.kms.CfnKey;
import software.constructs.IConstruct;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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

    static CostEstimate of(final AppConfig config, final List<? extends IConstruct> app,
                           final PriceTable prices, final SampleWorkload workload) {
        return of(config, app, prices, workload, true);
    }

    /** @param probe whether the service probe is among {@code app}'s: not a stage's own cluster's part */
    static CostEstimate of(final AppConfig config, final List<? extends IConstruct> app,
                           final PriceTable prices, final SampleWorkload workload, final boolean probe) {
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
        ObservabilityCost.add(config, app, prices, workload, runningShare, lines, assumptions, probe);
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

    static int count(final List<? extends IConstruct> roots, final Class<?> type) {
        return (int) roots.stream().flatMap(root -> root.getNode().findAll().stream()).filter(type::isInstance).count();
    }

    static String money(final BigDecimal amount) {
        return "$" + amount.setScale(amount.compareTo(BigDecimal.ONE) < 0 ? 3 : 2, RoundingMode.HALF_UP).toPlainString();
    }

    /** The table printed after synth. */
    public String table() {
        return EstimateText.table(this);
    }

    /** The same table as Markdown, for the README and the cost tables of docs/. */
    public String markdown() {
        return EstimateText.markdown(this);
    }

    /** The estimate as JSON, for {@code cdk.out/cost-estimate.json}. */
    public String json() {
        return EstimateText.json(this);
    }

    public Optional<Line> line(final String itemPrefix) {
        return lines.stream().filter(l -> l.item().startsWith(itemPrefix)).findFirst();
    }

}
