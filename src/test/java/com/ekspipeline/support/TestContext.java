package com.ekspipeline.support;

import com.ekspipeline.Deployment;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ConfigLoader;
import com.ekspipeline.cost.CostEstimate;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The context the CLI would pass: cdk.json's own {@code context} block (defaults and feature flags),
 * with overrides laid on top the way {@code -c key=value} does.
 *
 * <p>The named configurations every step of {@code scripts/test} checks (the default, everything on, ...)
 * are defined once, in {@link #CONFIGURATIONS}, which the scripts read too ({@code scripts/synths.py}).
 */
public final class TestContext {

    /** Synth is pinned to one day so lifecycle checks do not drift with the calendar. */
    public static final LocalDate TODAY = LocalDate.of(2026, 11, 24);

    /** Each named configuration as overrides of cdk.json's context, one line each. */
    public static final Path CONFIGURATIONS = Path.of("src", "test", "resources", "configurations.json");

    private final Map<String, Object> context;

    private TestContext(final Map<String, Object> context) {
        this.context = context;
    }

    public static TestContext defaults() {
        try {
            final Map<String, Object> cdkJson = new ObjectMapper().readValue(Path.of("cdk.json").toFile(),
                    new TypeReference<>() { });
            @SuppressWarnings("unchecked")
            final Map<String, Object> context = (Map<String, Object>) cdkJson.get("context");
            return new TestContext(new LinkedHashMap<>(context));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The defaults with every optional part switched on, for checks that must see every resource. */
    public static TestContext everythingOn() {
        return named("everything-on");
    }

    /** The names of the configurations in {@link #CONFIGURATIONS}, in the file's order. */
    public static List<String> names() {
        return List.copyOf(configurations().keySet());
    }

    /** The defaults with the overrides of the configuration {@code name} in {@link #CONFIGURATIONS}. */
    public static TestContext named(final String name) {
        final Map<String, Object> overrides = configurations().get(name);
        if (overrides == null) {
            throw new IllegalArgumentException("No configuration " + name + " in " + CONFIGURATIONS + "; there are "
                    + names());
        }
        TestContext context = defaults();
        for (final Map.Entry<String, Object> override : overrides.entrySet()) {
            context = context.with(override.getKey(), override.getValue());
        }
        return context;
    }

    private static Map<String, Map<String, Object>> configurations() {
        try {
            return new ObjectMapper().readValue(CONFIGURATIONS.toFile(), new TypeReference<LinkedHashMap<String,
                    Map<String, Object>>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy with {@code key} set, as {@code -c key=value} would. */
    public TestContext with(final String key, final Object value) {
        final Map<String, Object> copy = new LinkedHashMap<>(context);
        copy.put(key, value);
        return new TestContext(copy);
    }

    /** A copy whose only node group is the default one with {@code overrides} applied. */
    public TestContext withNodeGroup(final Map<String, Object> overrides) {
        @SuppressWarnings("unchecked")
        final Map<String, Object> group = new LinkedHashMap<>(
                ((List<Map<String, Object>>) context.get("nodeGroups")).get(0));
        group.putAll(overrides);
        return with("nodeGroups", List.of(group));
    }

    /**
     * A copy whose synth leaves each asset in its source folder and names that folder in the assembly, as
     * {@code cdk synth --no-staging} does ({@code aws:cdk:disable-asset-staging}), instead of copying it in.
     * The templates are the same (asset hashes are taken from the sources either way).
     */
    public TestContext unstaged() {
        return with("aws:cdk:disable-asset-staging", true);
    }

    /** A copy without {@code key}. */
    public TestContext without(final String key) {
        final Map<String, Object> copy = new LinkedHashMap<>(context);
        copy.remove(key);
        return new TestContext(copy);
    }

    public Map<String, Object> asMap() {
        return context;
    }

    public AppConfig load() {
        return ConfigLoader.load(context, Optional.empty(), TODAY);
    }

    /**
     * The whole app, built by the same wiring as the entry point: once per context for every test class of
     * the run ({@link Synths}), so tests only read it.
     */
    public Deployment deploy() {
        return Synths.of(this);
    }

    /** A new app of this context, for the one check that adds to it ({@link Synths} builds the shared ones). */
    Deployment build() {
        final App app = new App(AppProps.builder().context(context).build());
        return Deployment.create(app, load());
    }

    /** The cost estimate synth prints for this context, of the app built by the same wiring (shared, as deploy()). */
    public CostEstimate estimate() {
        return Synths.estimate(this);
    }

    /** The estimate of {@code deployment}, an app of this context. */
    CostEstimate estimate(final Deployment deployment) {
        return deployment.estimate(load(), PriceTable.load(), SampleWorkload.RELEASED);
    }

    /** The whole app, synthesizing into {@code outdir} (for checks that read what synth writes). */
    public Deployment deploy(final Path outdir) {
        final App app = new App(AppProps.builder().context(context).outdir(outdir.toString()).build());
        return Deployment.create(app, load());
    }
}
