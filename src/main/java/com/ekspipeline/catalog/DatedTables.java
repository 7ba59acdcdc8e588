package com.ekspipeline.catalog;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables AWS's APIs publish, which {@code scripts/refresh-catalog} rewrites: each one's first line says
 * when it was refreshed and from where ({@code # refreshed: 2026-12-01, source: ...}). A table without
 * that line is a broken table, not a user error.
 */
public final class DatedTables {

    /** The tables the refresh command rewrites, in the order it rewrites them. */
    public static final List<String> NAMES = List.of("eks-kubernetes-versions.csv", "prices.csv", "instance-types.csv");

    /** How old the newest table may be before synth warns that the catalogue is not being refreshed. */
    public static final int STALE_AFTER_DAYS = 90;

    /** What every table's first line looks like. */
    public static final Pattern REFRESHED = Pattern.compile("^# refreshed: (\\d{4}-\\d{2}-\\d{2}), source: (.+)$");

    private static final Map<String, LocalDate> REFRESHED_ON = load();

    private DatedTables() {
    }

    /** Table name → the day it was last refreshed. */
    public static Map<String, LocalDate> refreshedOn() {
        return REFRESHED_ON;
    }

    /** The day of the most recently refreshed table. */
    public static LocalDate newest() {
        return REFRESHED_ON.values().stream().max(LocalDate::compareTo).orElseThrow();
    }

    /**
     * One line when even the newest table is more than {@link #STALE_AFTER_DAYS} days older than {@code day}:
     * versions, prices and instance types may then have moved on without the app knowing.
     */
    public static Optional<String> staleWarning(final LocalDate day) {
        final LocalDate newest = newest();
        final long age = ChronoUnit.DAYS.between(newest, day);
        if (age <= STALE_AFTER_DAYS) {
            return Optional.empty();
        }
        return Optional.of("The catalogue in src/main/resources (Kubernetes versions, prices, instance types) was last "
                + "refreshed on " + newest + ", " + age + " days ago; run scripts/refresh-catalog to bring it up to date.");
    }

    /** The refreshed day in {@code lines}' first line, or an error naming {@code name}. */
    static LocalDate parse(final String name, final List<String> lines) {
        final Matcher m = REFRESHED.matcher(lines.isEmpty() ? "" : lines.get(0));
        if (!m.matches()) {
            throw new IllegalStateException("src/main/resources/" + name + " must start with a line "
                    + "\"# refreshed: YYYY-MM-DD, source: ...\"");
        }
        return LocalDate.parse(m.group(1));
    }

    private static Map<String, LocalDate> load() {
        final Map<String, LocalDate> days = new LinkedHashMap<>();
        NAMES.forEach(name -> days.put(name, parse(name, CsvResource.lines(name))));
        return Collections.unmodifiableMap(days);
    }
}
