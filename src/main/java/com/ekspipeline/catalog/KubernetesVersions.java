package com.ekspipeline.catalog;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dated EKS lifecycle of each Kubernetes minor version ({@link KubernetesVersion}), read from
 * {@code eks-kubernetes-versions.csv}. It decides which versions a cluster may be created with and when
 * the control plane moves to the extended-support price.
 */
public final class KubernetesVersions {

    private static final String TABLE = "eks-kubernetes-versions.csv";

    private static final Map<String, KubernetesVersion> VERSIONS = load();

    private KubernetesVersions() {
    }

    public static Optional<KubernetesVersion> lookup(final String version) {
        return Optional.ofNullable(VERSIONS.get(version));
    }

    /** How many days ahead synth starts warning that standard support is about to end. */
    public static final int WARN_DAYS_AHEAD = 90;

    /**
     * A warning when {@code lifecycle} is past standard support on {@code day}, or will be within
     * {@link #WARN_DAYS_AHEAD} days; the prices are the control plane's hourly standard and extended ones.
     */
    public static Optional<String> supportWarning(final KubernetesVersion lifecycle, final LocalDate day,
                                                  final String standardHourly, final String extendedHourly) {
        final String upgrade = newestInStandardSupport(day)
                .filter(newest -> !newest.version().equals(lifecycle.version()))
                .map(newest -> " Upgrade kubernetesVersion to " + newest.version() + " (standard support until "
                        + newest.endOfStandardSupport() + ").")
                .orElse("");
        if (!lifecycle.inStandardSupport(day)) {
            return Optional.of("Kubernetes " + lifecycle.version() + " left EKS standard support on "
                    + lifecycle.endOfStandardSupport() + ": the control plane is billed at the extended-support price, "
                    + extendedHourly + " an hour instead of " + standardHourly + ", until " + lifecycle.endOfExtendedSupport()
                    + ", when EKS upgrades it on its own." + upgrade);
        }
        final long daysLeft = ChronoUnit.DAYS.between(day, lifecycle.endOfStandardSupport());
        if (daysLeft <= WARN_DAYS_AHEAD) {
            return Optional.of("Kubernetes " + lifecycle.version() + " leaves EKS standard support on "
                    + lifecycle.endOfStandardSupport() + ", in " + daysLeft + (daysLeft == 1 ? " day" : " days")
                    + "; from then on the control plane "
                    + "costs " + extendedHourly + " an hour instead of " + standardHourly + "." + upgrade);
        }
        return Optional.empty();
    }

    /** The version with the latest end of standard support that is still in it on {@code day}. */
    public static Optional<KubernetesVersion> newestInStandardSupport(final LocalDate day) {
        return VERSIONS.values().stream().filter(v -> v.inStandardSupport(day))
                .max(Comparator.comparing(KubernetesVersion::endOfStandardSupport));
    }

    public static Map<String, KubernetesVersion> all() {
        return VERSIONS;
    }

    private static Map<String, KubernetesVersion> load() {
        final Map<String, KubernetesVersion> rows = new LinkedHashMap<>();
        CsvResource.rows(TABLE, "version", 0)
                .forEach(cells -> rows.put(cells[0], new KubernetesVersion(cells[0], LocalDate.parse(cells[1]),
                        LocalDate.parse(cells[2]), LocalDate.parse(cells[3]))));
        return Collections.unmodifiableMap(rows);
    }
}
