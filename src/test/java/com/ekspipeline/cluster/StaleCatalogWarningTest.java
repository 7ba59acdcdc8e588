package com.ekspipeline.cluster;

import com.ekspipeline.Deployment;
import com.ekspipeline.catalog.DatedTables;
import com.ekspipeline.config.ConfigLoader;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

import java.time.LocalDate;
import java.util.Optional;

/** Synth, on the day it runs, says so when the catalogue has not been refreshed for more than 90 days. */
class StaleCatalogWarningTest {

    private static ClusterStack synthOn(final LocalDate day) {
        final TestContext context = TestContext.defaults();
        final App app = new App(AppProps.builder().context(context.asMap()).build());
        return Deployment.create(app, ConfigLoader.load(context.asMap(), Optional.empty(), day)).cluster();
    }

    @Test
    void warnsOnceTheNewestTableIsOlderThanNinetyDaysAndNamesTheCommand() {
        final LocalDate newest = DatedTables.newest();
        Synthesized.hasWarning(synthOn(newest.plusDays(91)), "/Cluster",
                "The catalogue in src/main/resources .* was last refreshed on " + newest
                        + ", 91 days ago; run scripts/refresh-catalog to bring it up to date.*");
        // The default synth runs on a day the tables are fresh.
        Synthesized.hasNoWarning(Synths.defaults().cluster(), "/Cluster",
                ".*scripts/refresh-catalog.*");
    }
}
