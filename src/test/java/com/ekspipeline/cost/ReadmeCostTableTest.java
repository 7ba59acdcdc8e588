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
 * The README's cost tables are the estimator's own output for the default configuration, and the same
 * price table applied to eksctl's default cluster, so the comparison users read cannot drift.
 */
class ReadmeCostTableTest {

    private static final BigDecimal MONTH = BigDecimal.valueOf(CostEstimate.HOURS_PER_30_DAYS);

    private static String block(final String name) throws IOException {
        final String readme = Files.readString(Path.of("README.md"));
        final String start = "<!-- cost-table: " + name + " -->\n";
        final int from = readme.indexOf(start);
        final int to = readme.indexOf("<!-- /cost-table -->", from);
        if (from < 0 || to < 0) {
            throw new AssertionError("README.md has no block " + start.trim() + " … <!-- /cost-table -->");
        }
        return readme.substring(from + start.length(), to);
    }

    @Test
    void defaultConfigurationTableIsWhatSynthPrints() throws IOException {
        assertEquals(TestContext.defaults().estimate().markdown(), block("default"),
                "update the README's default cost table with CostEstimate.markdown() for the default configuration");
    }

    @Test
    void observabilityTableIsWhatSynthPrintsWithItOn() throws IOException {
        assertEquals(TestContext.defaults().with("observability", true).estimate().markdown(), block("observability"),
                "update the README's observability cost table with CostEstimate.markdown() for -c observability=true");
    }

    /** The README says what observability adds, from the two estimates, where it decides the default. */
    @Test
    void theObservabilityDefaultIsExplainedWithWhatItAdds() throws IOException {
        final BigDecimal off = TestContext.defaults().estimate().per30DaysTotal().setScale(2, RoundingMode.HALF_UP);
        final BigDecimal on = TestContext.defaults().with("observability", true).estimate().per30DaysTotal()
                .setScale(2, RoundingMode.HALF_UP);
        final String readme = Files.readString(Path.of("README.md"));
        final String sentence = "**Against the default:** observability adds $" + on.subtract(off) + " per 30 days ($"
                + on + " against $" + off + ").";
        assertTrue(readme.contains(sentence), sentence);
        assertTrue(readme.contains("adds $" + on.subtract(off) + " per 30 days ($" + on + " against $" + off + ", "
                + on.subtract(off).multiply(BigDecimal.valueOf(100)).divide(off, 0, RoundingMode.HALF_UP) + "% more)"));
        assertTrue(Files.readString(Path.of("docs", "configuration.md")).contains("| `observability` | `false` |"),
                "the default the README explains is cdk.json's, as the configuration reference shows it");
        assertEquals(false, TestContext.defaults().load().observability().enabled());
    }

    /**
     * {@code eksctl create cluster} with no flags: 2 m5.large nodes in public subnets with 80 GiB gp3 root
     * volumes, a new VPC with a single NAT gateway, no control-plane logs, no secrets key, no workload.
     */
    @Test
    void eksctlDefaultClusterIsPricedFromTheSameTable() throws IOException {
        assertEquals(eksctl().markdown(), block("eksctl"));
    }

    /** The sentence that compares the two says what the estimator says, and the default is the cheaper. */
    @Test
    void theComparisonWithEksctlStatesTheDifference() throws IOException {
        final BigDecimal ours = TestContext.defaults().estimate().per30DaysTotal().setScale(2, RoundingMode.HALF_UP);
        final BigDecimal theirs = eksctl().per30DaysTotal().setScale(2, RoundingMode.HALF_UP);
        assertTrue(ours.compareTo(theirs) < 0, ours + " should be below eksctl's " + theirs);
        final String sentence = "**Against eksctl's default:** this app costs $" + theirs.subtract(ours)
                + " less per 30 days ($" + ours + " against $" + theirs + "), and";
        assertTrue(Files.readString(Path.of("README.md")).contains(sentence), sentence);
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
