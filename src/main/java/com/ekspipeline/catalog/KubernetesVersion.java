package com.ekspipeline.catalog;

import java.time.LocalDate;

/**
 * A Kubernetes minor version as EKS offers it: one row of {@link KubernetesVersions}' calendar. Validated
 * configuration holds this instead of the string, so nothing looks the version up or parses it again.
 *
 * @param version              the version as EKS names it, e.g. {@code 1.35}
 * @param released             the day EKS released it
 * @param endOfStandardSupport the day standard support ends: extended-support billing starts at its beginning (UTC)
 * @param endOfExtendedSupport the day extended support ends: from then on EKS creates no cluster on the version
 *                             and upgrades the control planes still on it
 */
public record KubernetesVersion(String version, LocalDate released, LocalDate endOfStandardSupport,
                                LocalDate endOfExtendedSupport) {

    /** The minor number, e.g. 35 for {@code 1.35}. */
    public int minor() {
        return Integer.parseInt(version.substring(version.indexOf('.') + 1));
    }

    /**
     * AWS: "Billing for extended support starts at the beginning of the day that the version reaches end of
     * standard support, in the UTC+0 timezone" (the EKS release calendar, kubernetes-versions.html).
     */
    public boolean inStandardSupport(final LocalDate day) {
        return day.isBefore(endOfStandardSupport);
    }

    /**
     * AWS: "On the end of extended support date, you can no longer create new Amazon EKS clusters with the
     * unsupported version" (kubernetes-versions.html, extended support FAQs).
     */
    public boolean creatable(final LocalDate day) {
        return day.isBefore(endOfExtendedSupport);
    }

    @Override
    public String toString() {
        return version;
    }
}
