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
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.App;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Entry point: reads the configuration once, wires the stacks, synthesizes. */
public final class EksPipelineApp {

    /** The cost estimate's file in the cloud assembly directory. */
    public static final String COST_FILE = "cost-estimate.json";

    private static final ObjectMapper CONTEXT_JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> CONTEXT_TYPE = new TypeReference<>() { };

    private EksPipelineApp() {
    }

    public static void main(final String[] args) {
        final Optional<String> account = Optional.ofNullable(System.getenv("CDK_DEFAULT_ACCOUNT"));
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        // A configuration it refuses is refused before the first construct starts jsii's runtime (a Node.js
        // process loading aws-cdk-lib, about a second of CPU): read from where the CLI put the context, as App
        // reads it. A configuration that passes is read again from the App, as before.
        if (cliContext(System.getenv()).map(context -> load(context, account, today, System.err).isEmpty())
                .orElse(false)) {
            System.exit(1);
        }
        final int status = synth(new App(), account, today, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * The context the CDK CLI hands the app, read as aws-cdk-lib's {@code App} reads it when it is built without
     * props: the JSON in {@code CDK_CONTEXT_JSON}, overlaid with the JSON file {@code CONTEXT_OVERFLOW_LOCATION_ENV}
     * names (where the CLI writes a context too large for the environment). Empty when neither is set: the app
     * was not started by the CLI, and only the App can say what its context is.
     */
    static Optional<Map<String, Object>> cliContext(final Map<String, String> environment) {
        final String json = environment.get("CDK_CONTEXT_JSON");
        final String overflow = environment.get("CONTEXT_OVERFLOW_LOCATION_ENV");
        if (json == null && overflow == null) {
            return Optional.empty();
        }
        final Map<String, Object> context = new LinkedHashMap<>();
        try {
            if (json != null) {
                context.putAll(CONTEXT_JSON.readValue(json, CONTEXT_TYPE));
            }
            if (overflow != null) {
                context.putAll(CONTEXT_JSON.readValue(Path.of(overflow).toFile(), CONTEXT_TYPE));
            }
        } catch (IOException e) {
            return Optional.empty(); // not what the CLI writes: left to the App, which reports it
        }
        return Optional.of(context);
    }

    /** The configuration of {@code context}, or empty with each error on {@code err}. */
    private static Optional<AppConfig> load(final Map<String, Object> context, final Optional<String> account,
                                            final LocalDate today, final PrintStream err) {
        try {
            return Optional.of(ConfigLoader.load(context, account, today));
        } catch (ConfigException e) {
            err.println("Configuration is invalid, nothing was synthesized (" + e.errors().size() + " error"
                    + (e.errors().size() == 1 ? "" : "s") + "; set keys in cdk.json or with -c key=value):");
            e.errors().forEach(error -> err.println("  - " + error));
            return Optional.empty();
        }
    }

    /**
     * Synthesizes {@code app} as {@code cdk synth} runs it: the configuration from its context, the stacks, the
     * project file and the cost estimate in its assembly, the estimate and the capacity headroom on {@code err}.
     *
     * @return 0, or 1 for a configuration it refuses (each error on {@code err}, nothing synthesized)
     */
    public static int synth(final App app, final Optional<String> account, final LocalDate today,
                            final PrintStream err) {
        final Optional<AppConfig> loaded = load(context(app), account, today, err);
        if (loaded.isEmpty()) {
            return 1;
        }
        final AppConfig config = loaded.get();
        final Deployment deployment = Deployment.create(app, config);
        final Path assembly = Path.of(app.synth().getDirectory());
        ProjectFile.write(assembly, ProjectFile.json(config, deployment, context(app)));
        report(deployment.estimate(config, PriceTable.load(), SampleWorkload.RELEASED), assembly, err);
        // Per zone: each zone's group with its share of the configured sizes.
        err.println(config.cluster().karpenter()
                ? CapacityModel.poolsHeadroom(CapacityRules.groups(config.cluster().nodeGroups()),
                        SampleWorkload.RELEASED, config.observability().enabled())
                : CapacityModel.headroom(CapacityRules.groups(ZonalGroups.groups(config.cluster().nodeGroups(),
                        config.availabilityZones())), SampleWorkload.RELEASED, config.observability().enabled()));
        return 0;
    }

    /** Prints the estimate where {@code cdk synth} and {@code cdk deploy} show it, and keeps it for review. */
    private static void report(final CostEstimate estimate, final Path assembly, final PrintStream err) {
        final Path json = assembly.resolve(COST_FILE);
        try {
            Files.writeString(json, estimate.json());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + json, e);
        }
        err.print(estimate.table());
        err.println("Written to " + Path.of("").toAbsolutePath().relativize(json.toAbsolutePath()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(final App app) {
        final Object all = app.getNode().getAllContext();
        return all instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
