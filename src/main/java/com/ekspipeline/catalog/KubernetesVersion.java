package com.ekspipeline.catalog;

import java.time.LocalDate;

/**
 * A Kubernetes minor version as EKS offers it: one row of {@link KubernetesVersions}' calendar. Validated
 * configuration holds this instead of the string, so nothing looks the version up or parses it again.
 *
 * @param version              the version as EKS names it, e.g. {@code 1.35}
 * @param released             the day EKS released it
 * @param endOfStandardSupport the last day of standard support
 * @param endOfExtendedSupport the last day of extended support, after which EKS upgrades the cluster itself
 */
public record KubernetesVersion(String version, LocalDate released, LocalDate endOfStandardSupport,
                                LocalDate endOfExtendedSupport) {

    /** The minor number, e.g. 35 for {@code 1.35}. */
    public int minor() {
        return Integer.parseInt(version.substring(version.indexOf('.') + 1));
    }

    public boolean inStandardSupport(final LocalDate day) {
        return !day.isAfter(endOfStandardSupport);
    }

    public boolean creatable(final LocalDate day) {
        return !day.isAfter(endOfExtendedSupport);
    }

    @Override
    public String toString() {
        return version;
    }
}
