package com.ekspipeline.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dated EKS lifecycle of each Kubernetes minor version, read from
 * {@code eks-kubernetes-versions.csv}. It decides which versions a cluster may be created with and when
 * the control plane moves to the extended-support price.
 */
public final class KubernetesVersions {

    private static final String TABLE = "/eks-kubernetes-versions.csv";

    /** One row of the release calendar. */
    public record Lifecycle(String version, LocalDate released, LocalDate endOfStandardSupport,
                            LocalDate endOfExtendedSupport) {

        public boolean inStandardSupport(final LocalDate day) {
            return !day.isAfter(endOfStandardSupport);
        }

        public boolean creatable(final LocalDate day) {
            return !day.isAfter(endOfExtendedSupport);
        }
    }

    private static final Map<String, Lifecycle> VERSIONS = load();

    private KubernetesVersions() {
    }

    public static Optional<Lifecycle> lookup(final String version) {
        return Optional.ofNullable(VERSIONS.get(version));
    }

    public static Map<String, Lifecycle> all() {
        return VERSIONS;
    }

    /** The minor number of a version such as {@code 1.35}. */
    public static int minor(final String version) {
        return Integer.parseInt(version.substring(version.indexOf('.') + 1));
    }

    private static Map<String, Lifecycle> load() {
        final Map<String, Lifecycle> rows = new LinkedHashMap<>();
        try (InputStream in = KubernetesVersions.class.getResourceAsStream(TABLE);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("version,"))
                    .map(line -> line.split(","))
                    .forEach(cells -> rows.put(cells[0], new Lifecycle(cells[0], LocalDate.parse(cells[1]),
                            LocalDate.parse(cells[2]), LocalDate.parse(cells[3]))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
        return Collections.unmodifiableMap(rows);
    }
}
