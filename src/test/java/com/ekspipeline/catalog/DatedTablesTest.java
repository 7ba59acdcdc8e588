package com.ekspipeline.catalog;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each dated table says when and from where it was refreshed, and synth says when that was too long ago. */
class DatedTablesTest {

    @Test
    void everyTableNamesItsRefreshDayAndSource() {
        assertEquals(List.of("eks-kubernetes-versions.csv", "prices.csv", "instance-types.csv"),
                List.copyOf(DatedTables.refreshedOn().keySet()));
        assertEquals(LocalDate.of(2026, 12, 1), DatedTables.refreshedOn().get("eks-kubernetes-versions.csv"));
        assertEquals(LocalDate.of(2026, 12, 1), DatedTables.newest());
    }

    @Test
    void warnsInOneLineNamingTheCommandOnceTheNewestTableIsOlderThanNinetyDays() {
        final LocalDate newest = DatedTables.newest();
        assertEquals(Optional.empty(), DatedTables.staleWarning(newest.plusDays(90)));
        final String warning = DatedTables.staleWarning(newest.plusDays(91)).orElseThrow();
        assertEquals("The catalogue in src/main/resources (Kubernetes versions, prices, instance types) was last "
                + "refreshed on " + newest + ", 91 days ago; run scripts/refresh-catalog to bring it up to date.", warning);
    }

    @Test
    void aTableWithoutItsRefreshedLineIsBroken() {
        assertEquals(LocalDate.of(2027, 1, 4), DatedTables.parse("x.csv",
                List.of("# refreshed: 2027-01-04, source: EKS DescribeClusterVersions")));
        final IllegalStateException broken = assertThrows(IllegalStateException.class,
                () -> DatedTables.parse("x.csv", List.of("# checked 2026-11-24", "version,eks_release")));
        assertEquals("src/main/resources/x.csv must start with a line \"# refreshed: YYYY-MM-DD, source: ...\"",
                broken.getMessage());
    }
}
