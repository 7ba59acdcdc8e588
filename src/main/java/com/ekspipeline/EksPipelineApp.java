package com.ekspipeline;

import com.ekspipeline.catalog.CapacityModel;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.CapacityRules;
import com.ekspipeline.config.ZonalGroups;
import com.ekspipeline.config.ConfigException;
import com.ekspipeline.config.ConfigLoader;
import com.ekspipeline.cost.CostEstimate;
import software.amazon.awscdk.App;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/** Entry point: reads the configuration once, wires the stacks, synthesizes. */
public final class EksPipelineApp {

    /** The cost estimate's file in the cloud assembly directory. */
    public static final String COST_FILE = "cost-estimate.json";

    private EksPipelineApp() {
    }

    public static void main(final String[] args) {
        final App app = new App();
        final AppConfig config;
        try {
            config = ConfigLoader.load(context(app),
                    Optional.ofNullable(System.getenv("CDK_DEFAULT_ACCOUNT")),
                    LocalDate.now(ZoneOffset.UTC));
        } catch (ConfigException e) {
            System.err.println("Configuration is invalid, nothing was synthesized (" + e.errors().size() + " error"
                    + (e.errors().size() == 1 ? "" : "s") + "; set keys in cdk.json or with -c key=value):");
            e.errors().forEach(error -> System.err.println("  - " + error));
            System.exit(1);
            return;
        }
        final Deployment deployment = Deployment.create(app, config);
        final Path assembly = Path.of(app.synth().getDirectory());
        ProjectFile.write(assembly, ProjectFile.json(config, deployment, context(app)));
        report(deployment.estimate(config, PriceTable.load(), SampleWorkload.RELEASED), assembly);
        // Per zone: each zone's group with its share of the configured sizes.
        System.err.println(config.cluster().karpenter()
                ? CapacityModel.poolsHeadroom(CapacityRules.groups(config.cluster().nodeGroups()),
                        SampleWorkload.RELEASED, config.observability().enabled())
                : CapacityModel.headroom(CapacityRules.groups(ZonalGroups.groups(config.cluster().nodeGroups(),
                        config.availabilityZones())), SampleWorkload.RELEASED, config.observability().enabled()));
    }

    /** Prints the estimate where {@code cdk synth} and {@code cdk deploy} show it, and keeps it for review. */
    private static void report(final CostEstimate estimate, final Path assembly) {
        final Path json = assembly.resolve(COST_FILE);
        try {
            Files.writeString(json, estimate.json());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + json, e);
        }
        System.err.print(estimate.table());
        System.err.println("Written to " + Path.of("").toAbsolutePath().relativize(json.toAbsolutePath()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(final App app) {
        final Object all = app.getNode().getAllContext();
        return all instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
