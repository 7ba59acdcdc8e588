package com.ekspipeline.catalog;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The support-status warning synth prints, on days either side of the calendar's dates. */
class KubernetesVersionsTest {

    private static Optional<String> warning(final String version, final LocalDate day) {
        return KubernetesVersions.supportWarning(KubernetesVersions.lookup(version).orElseThrow(), day, "$0.10", "$0.60");
    }

    @Test
    void pastStandardSupportSaysWhenItEndedWhatItCostsAndWhereToGo() {
        assertEquals(Optional.of("Kubernetes 1.31 left EKS standard support on 2025-11-26: the control plane is "
                + "billed at the extended-support price, $0.60 an hour instead of $0.10, until 2026-11-26, when EKS "
                + "upgrades it on its own. Upgrade kubernetesVersion to 1.36 (standard support until 2027-08-02)."),
                warning("1.31", LocalDate.of(2026, 11, 24)));
    }

    /** Extended-support billing starts at the beginning of the end-of-standard-support day (UTC). */
    @Test
    void theDayStandardSupportEndsIsBilledAsExtended() {
        assertEquals(Optional.of("Kubernetes 1.34 leaves EKS standard support on 2026-12-02, in 1 day; from then "
                + "on the control plane costs $0.60 an hour instead of $0.10. Upgrade kubernetesVersion to 1.36 "
                + "(standard support until 2027-08-02)."), warning("1.34", LocalDate.of(2026, 12, 1)));
        assertEquals(Optional.of("Kubernetes 1.34 left EKS standard support on 2026-12-02: the control plane is "
                + "billed at the extended-support price, $0.60 an hour instead of $0.10, until 2027-12-02, when EKS "
                + "upgrades it on its own. Upgrade kubernetesVersion to 1.36 (standard support until 2027-08-02)."),
                warning("1.34", LocalDate.of(2026, 12, 2)));
    }

    @Test
    void noClusterIsCreatedOnTheDayExtendedSupportEnds() {
        final KubernetesVersion v131 = KubernetesVersions.lookup("1.31").orElseThrow();
        assertEquals(true, v131.creatable(LocalDate.of(2026, 11, 25)));
        assertEquals(false, v131.creatable(LocalDate.of(2026, 11, 26)));
    }

    @Test
    void warnsNinetyDaysAheadAndNotBefore() {
        // 1.35 leaves standard support on 2027-03-27.
        assertEquals(Optional.empty(), warning("1.35", LocalDate.of(2026, 12, 26)));
        assertEquals(Optional.of("Kubernetes 1.35 leaves EKS standard support on 2027-03-27, in 90 days; from then "
                + "on the control plane costs $0.60 an hour instead of $0.10. Upgrade kubernetesVersion to 1.36 "
                + "(standard support until 2027-08-02)."), warning("1.35", LocalDate.of(2026, 12, 27)));
    }
}
