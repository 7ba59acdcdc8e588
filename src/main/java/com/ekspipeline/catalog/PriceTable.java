package com.ekspipeline.catalog;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dated list prices in {@code prices.csv}: per region, the price of each item the cost estimate
 * counts. A price that is missing stays missing; callers turn that into an error, never a zero.
 */
public final class PriceTable {

    /** Where the table lives in the repository, for messages that tell the user what to edit. */
    public static final String SOURCE = "src/main/resources/prices.csv";
    private static final String EC2 = "ec2:";
    private static final PriceTable DEFAULT = read();

    private final LocalDate pricedOn;
    private final Map<String, Map<String, BigDecimal>> byRegion;

    private PriceTable(final LocalDate pricedOn, final Map<String, Map<String, BigDecimal>> byRegion) {
        this.pricedOn = pricedOn;
        this.byRegion = byRegion;
    }

    public static PriceTable load() {
        return DEFAULT;
    }

    public LocalDate pricedOn() {
        return pricedOn;
    }

    public Set<String> regions() {
        return byRegion.keySet();
    }

    public boolean covers(final String region) {
        return byRegion.containsKey(region);
    }

    /** The instance types priced in {@code region}, sorted. */
    public Set<String> instanceTypes(final String region) {
        final Set<String> types = new TreeSet<>();
        byRegion.getOrDefault(region, Map.of()).keySet().stream()
                .filter(item -> item.startsWith(EC2))
                .forEach(item -> types.add(item.substring(EC2.length())));
        return types;
    }

    public Optional<BigDecimal> price(final String region, final String item) {
        return Optional.ofNullable(byRegion.getOrDefault(region, Map.of()).get(item));
    }

    public Optional<BigDecimal> instanceHour(final String region, final String instanceType) {
        return price(region, EC2 + instanceType);
    }

    /** A price the estimate cannot do without; its absence is a broken table, not a user error. */
    public BigDecimal require(final String region, final String item) {
        return price(region, item).orElseThrow(() -> new IllegalStateException(
                SOURCE + " has no price for " + item + " in " + region));
    }

    private static PriceTable read() {
        return parse(CsvResource.lines("prices.csv"));
    }

    /** The unit each item must be priced in, so that a row in the wrong unit fails loudly. */
    static String unitOf(final String item) {
        if (item.startsWith(EC2) || List.of("eks-control-plane-standard", "eks-control-plane-extended", "nat-gateway",
                "network-load-balancer", "public-ipv4-address").contains(item)) {
            return "hour";
        }
        return switch (item) {
            case "nat-gateway-data", "logs-ingestion" -> "gib";
            case "ebs-gp3", "logs-storage" -> "gib-month";
            case "kms-key" -> "key-month";
            case "cloudwatch-metric" -> "metric-month";
            case "cloudwatch-alarm-metric" -> "alarm-month";
            case "cloudwatch-dashboard" -> "dashboard-month";
            default -> throw new IllegalStateException(SOURCE + " prices " + item + ", which the estimate does not use");
        };
    }

    static PriceTable parse(final List<String> lines) {
        final Map<String, Map<String, BigDecimal>> rows = new TreeMap<>();
        LocalDate pricedOn = null;
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#") || line.startsWith("region,")) {
                continue;
            }
            final String[] cells = line.split(",");
            if (cells[0].equals("priced_on")) {
                pricedOn = LocalDate.parse(cells[1]);
                continue;
            }
            if (cells.length != 4 || !unitOf(cells[1]).equals(cells[2])) {
                throw new IllegalStateException(SOURCE + " line " + (i + 1) + " (" + line + ") must be region,item,"
                        + (cells.length > 1 ? unitOf(cells[1]) : "unit") + ",usd");
            }
            rows.computeIfAbsent(cells[0], r -> new TreeMap<>()).put(cells[1], new BigDecimal(cells[3]));
        }
        if (pricedOn == null) {
            throw new IllegalStateException(SOURCE + " has no priced_on date");
        }
        rows.replaceAll((region, items) -> Collections.unmodifiableMap(items));
        return new PriceTable(pricedOn, Collections.unmodifiableMap(rows));
    }
}
