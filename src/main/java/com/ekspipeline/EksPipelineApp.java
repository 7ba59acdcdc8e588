package com.ekspipeline;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ConfigException;
import com.ekspipeline.config.ConfigLoader;
import software.amazon.awscdk.App;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/** Entry point: reads the configuration once, wires the stacks, synthesizes. */
public final class EksPipelineApp {

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
        Deployment.create(app, config);
        app.synth();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(final App app) {
        final Object all = app.getNode().getAllContext();
        return all instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
