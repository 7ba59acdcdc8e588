package com.ekspipeline.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/** An estimate written out: the table synth prints, the Markdown of the docs, the JSON the scripts read. */
final class EstimateText {

    private EstimateText() {
    }

    /** The table printed after synth. */
    static String table(final CostEstimate estimate) {
        final StringBuilder out = new StringBuilder();
        out.append("Cost estimate for ").append(estimate.appName()).append(" in ").append(estimate.region())
                .append(" (USD, on-demand list prices of ").append(estimate.pricedOn()).append(")\n");
        final int width = Math.max(40, estimate.lines().stream().mapToInt(l -> l.item().length()).max().orElse(0));
        final int qty = Math.max(20, Math.max(estimate.lines().stream().mapToInt(l -> l.quantity().length()).max().orElse(0),
                estimate.subtotals().stream().mapToInt(p -> where(p).length()).max().orElse(0)));
        final String format = "  %-" + width + "s  %-" + qty + "s  %9s  %9s%n";
        out.append(String.format(format, "Item", "Quantity", "Hourly", "30 days"));
        for (CostEstimate.Line line : estimate.lines()) {
            out.append(String.format(format, line.item(), line.quantity(), hourly(line.hourly()), monthly(line.per30Days())));
        }
        estimate.subtotals().forEach(part -> out.append(String.format(format, part.name() + " subtotal", where(part),
                hourly(part.hourly()), monthly(part.per30Days()))));
        out.append(String.format(format, "Total", "", hourly(estimate.hourlyTotal()), monthly(estimate.per30DaysTotal())));
        out.append("Assumptions:\n");
        estimate.assumptions().forEach(a -> out.append("  - ").append(a).append('\n'));
        return out.toString();
    }

    private static String where(final CostEstimate.Subtotal part) {
        return part.account().map(a -> "account " + a + ", ").orElse("") + part.region();
    }

    /** The same table as Markdown, for the README and the cost tables of docs/. */
    static String markdown(final CostEstimate estimate) {
        final StringBuilder out = new StringBuilder("| Item | Quantity | Hourly | 30 days |\n|---|---|--:|--:|\n");
        for (CostEstimate.Line line : estimate.lines()) {
            out.append("| ").append(line.item()).append(" | ").append(line.quantity()).append(" | ")
                    .append(hourly(line.hourly())).append(" | ").append(monthly(line.per30Days())).append(" |\n");
        }
        out.append("| **Total** | | **").append(hourly(estimate.hourlyTotal())).append("** | **")
                .append(monthly(estimate.per30DaysTotal())).append("** |\n");
        return out.toString();
    }

    /** The estimate as JSON, for {@code cdk.out/cost-estimate.json}. */
    static String json(final CostEstimate estimate) {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("app", estimate.appName());
        root.put("region", estimate.region());
        root.put("currency", "USD");
        root.put("pricedOn", estimate.pricedOn().toString());
        root.put("hoursPer30Days", CostEstimate.HOURS_PER_30_DAYS);
        root.put("lines", estimate.lines().stream().map(l -> {
            final Map<String, Object> line = new LinkedHashMap<>();
            line.put("item", l.item());
            line.put("quantity", l.quantity());
            line.put("hourly", round(l.hourly(), 4));
            line.put("per30Days", round(l.per30Days(), 2));
            return line;
        }).toList());
        if (!estimate.subtotals().isEmpty()) {
            root.put("subtotals", estimate.subtotals().stream().map(part -> {
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
        total.put("hourly", round(estimate.hourlyTotal(), 4));
        total.put("per30Days", round(estimate.per30DaysTotal(), 2));
        root.put("total", total);
        root.put("nodesAtMaxSizePer30Days", round(estimate.nodesAtMaxSize30Days(), 2));
        root.put("assumptions", estimate.assumptions());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
