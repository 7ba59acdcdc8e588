package com.ekspipeline.cost;

import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cost tables users read (those of docs/costs.md and docs/observability.md, and the README's one table
 * setting the two side by side) are the estimator's own output for the default configuration, and the same
 * price table applied to eksctl's default cluster, so the comparison cannot drift.
 */
class ReadmeCostTableTest {

    private static final BigDecimal MONTH = BigDecimal.valueOf(CostEstimate.HOURS_PER_30_DAYS);
    private static final Path README = Path.of("README.md");
    private static final Path COSTS = Path.of("docs", "costs.md");
    private static final Path OBSERVABILITY = Path.of("docs", "observability.md");

    private static String block(final Path page, final String name) throws IOException {
        final String text = Files.readString(page);
        final String start = "<!-- cost-table: " + name + " -->\n";
        final int from = text.indexOf(start);
        final int to = text.indexOf("<!-- /cost-table -->", from);
        if (from < 0 || to < 0) {
            throw new AssertionError(page + " has no block " + start.trim() + " … <!-- /cost-table -->");
        }
        return text.substring(from + start.length(), to);
    }

    @Test
    void defaultConfigurationTableIsWhatSynthPrints() throws IOException {
        assertEquals(TestContext.defaults().estimate().markdown(), block(COSTS, "default"), "update the default "
                + "cost table of " + COSTS + " with CostEstimate.markdown() for the default configuration");
    }

    /** The README's one table: the default against eksctl's, item by item, from the two estimates. */
    @Test
    void theReadmesComparisonIsTheTwoEstimatesSideBySide() throws IOException {
        assertEquals(comparison(TestContext.defaults().estimate(), eksctl()), block(README, "comparison"),
                "update the README's comparison with eksctl's default");
    }

    @Test
    void theComparisonLeavesNoLineOut() {
        final CostEstimate ours = TestContext.defaults().estimate();
        final String table = comparison(ours, eksctl());
        assertTrue(table.contains("| EKS control plane | 1 cluster: $72.00 | 1 cluster: $72.00 |"), table);
        assertTrue(table.contains("| **Total** | **$" + ours.per30DaysTotal().setScale(2, RoundingMode.HALF_UP)), table);
        final CostEstimate extra = new CostEstimate("x", ours.region(), ours.pricedOn(), List.of(
                new CostEstimate.Line("Something new", "1", BigDecimal.ONE)), BigDecimal.ZERO, List.of());
        final AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> comparison(extra, eksctl()));
        assertTrue(error.getMessage().contains("Something new"), error.getMessage());
    }

    /** What each row of the comparison adds up, by the start of the estimate's item. */
    private static final List<List<String>> ROWS = List.of(
            List.of("EKS control plane", "EKS control plane"),
            List.of("Nodes", "Nodes"),
            List.of("Node root volumes (gp3)", "Node root volumes"),
            List.of("NAT gateways", "NAT gateways"),
            List.of("Public IPv4 addresses", "Public IPv4 addresses"),
            List.of("Load balancers (sample service)", "Network Load Balancers"),
            List.of("Volumes (gp3, sample service)", "Persistent volumes"),
            List.of("KMS keys", "KMS customer managed keys"),
            List.of("Control-plane and VPC flow logs", "Logs: control plane"));

    /**
     * Both estimates, a row per kind of item: its quantity and 30-day price on each side, or "none". Every
     * line of either estimate falls in exactly one row, so the totals are the rows' sums.
     */
    static String comparison(final CostEstimate ours, final CostEstimate theirs) {
        for (final CostEstimate estimate : List.of(ours, theirs)) {
            for (final CostEstimate.Line line : estimate.lines()) {
                if (ROWS.stream().filter(row -> line.item().startsWith(row.get(1))).count() != 1) {
                    throw new AssertionError("no row of the comparison takes the line " + line.item());
                }
            }
        }
        final StringBuilder out = new StringBuilder("| per 30 days | this app's default | eksctl's default |\n"
                + "|---|--:|--:|\n");
        for (final List<String> row : ROWS) {
            out.append("| ").append(row.get(0)).append(" | ").append(cell(ours, row.get(1))).append(" | ")
                    .append(cell(theirs, row.get(1))).append(" |\n");
        }
        out.append("| **Total** | **$").append(ours.per30DaysTotal().setScale(2, RoundingMode.HALF_UP))
                .append("** | **$").append(theirs.per30DaysTotal().setScale(2, RoundingMode.HALF_UP)).append("** |\n");
        return out.toString();
    }

    private static String cell(final CostEstimate estimate, final String prefix) {
        final List<CostEstimate.Line> lines = estimate.lines().stream().filter(l -> l.item().startsWith(prefix)).toList();
        if (lines.isEmpty()) {
            return "none";
        }
        return String.join(" + ", lines.stream().map(CostEstimate.Line::quantity).toList()) + ": $" + lines.stream()
                .map(CostEstimate.Line::per30Days).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2, RoundingMode.HALF_UP);
    }

    @Test
    void observabilityTableIsWhatSynthPrintsWithItOn() throws IOException {
        assertEquals(TestContext.defaults().with("observability", true).estimate().markdown(),
                block(OBSERVABILITY, "observability"), "update the observability cost table of " + OBSERVABILITY
                        + " with CostEstimate.markdown() for -c observability=true");
    }

    /** The observability page says what it adds, from the two estimates, where it decides the default. */
    @Test
    void theObservabilityDefaultIsExplainedWithWhatItAdds() throws IOException {
        final BigDecimal off = TestContext.defaults().estimate().per30DaysTotal().setScale(2, RoundingMode.HALF_UP);
        final BigDecimal on = TestContext.defaults().with("observability", true).estimate().per30DaysTotal()
                .setScale(2, RoundingMode.HALF_UP);
        final String readme = Files.readString(OBSERVABILITY);
        final String sentence = "**Against the default:** observability adds $" + on.subtract(off) + " per 30 days ($"
                + on + " against $" + off + ").";
        assertTrue(readme.contains(sentence), sentence);
        assertTrue(readme.contains("adds $" + on.subtract(off) + " per 30 days ($" + on + " against $" + off + ", "
                + on.subtract(off).multiply(BigDecimal.valueOf(100)).divide(off, 0, RoundingMode.HALF_UP) + "% more)"));
        assertTrue(Files.readString(Path.of("docs", "configuration.md")).contains("| `observability` | `false` |"),
                "the default the observability page explains is cdk.json's, as the configuration reference shows it");
        assertEquals(false, TestContext.defaults().load().observability().enabled());
    }

    /**
     * {@code eksctl create cluster} with no flags: 2 m5.large nodes in public subnets with 80 GiB gp3 root
     * volumes, a new VPC with a single NAT gateway, no control-plane logs, no secrets key, no workload.
     */
    @Test
    void eksctlDefaultClusterIsPricedFromTheSameTable() throws IOException {
        assertEquals(eksctl().markdown(), block(COSTS, "eksctl"));
    }

    /**
     * The sentence that compares the two, in the README and on the costs page, says what the estimator says,
     * and the default is the cheaper.
     */
    @Test
    void theComparisonWithEksctlStatesTheDifference() throws IOException {
        final BigDecimal ours = TestContext.defaults().estimate().per30DaysTotal().setScale(2, RoundingMode.HALF_UP);
        final BigDecimal theirs = eksctl().per30DaysTotal().setScale(2, RoundingMode.HALF_UP);
        assertTrue(ours.compareTo(theirs) < 0, ours + " should be below eksctl's " + theirs);
        final String sentence = "**Against eksctl's default:** this app costs $" + theirs.subtract(ours)
                + " less per 30 days ($" + ours + " against $" + theirs + "), and";
        for (final Path page : List.of(README, COSTS)) {
            assertTrue(Files.readString(page).contains(sentence), page + ": " + sentence);
        }
    }

    private static CostEstimate eksctl() {
        final PriceTable prices = PriceTable.load();
        final String region = TestContext.defaults().load().region();
        final BigDecimal gp3Hour = prices.price(region, "ebs-gp3").orElseThrow().divide(MONTH, 10,
                RoundingMode.HALF_UP);
        final CostEstimate eksctl = new CostEstimate("eksctl", region, prices.pricedOn(), List.of(
                new CostEstimate.Line("EKS control plane (standard support)", "1 cluster",
                        prices.price(region, "eks-control-plane-standard").orElseThrow()),
                new CostEstimate.Line("Nodes: m5.large on-demand", "2 × m5.large",
                        prices.instanceHour(region, "m5.large").orElseThrow().multiply(BigDecimal.valueOf(2))),
                new CostEstimate.Line("Node root volumes (gp3)", "160 GiB", gp3Hour.multiply(BigDecimal.valueOf(160))),
                new CostEstimate.Line("NAT gateways", "1", prices.price(region, "nat-gateway").orElseThrow()),
                new CostEstimate.Line("Public IPv4 addresses", "1 NAT + 2 node",
                        prices.price(region, "public-ipv4-address").orElseThrow().multiply(BigDecimal.valueOf(3)))),
                BigDecimal.ZERO, List.of());
        return eksctl;
    }
}
