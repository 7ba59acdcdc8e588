package com.ekspipeline.support;

import com.ekspipeline.EksPipelineApp;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Several synths in one JVM, each as {@code cdk synth} would run the app: the entry point's own
 * {@link EksPipelineApp#synth}, with the context the CLI passes (cdk.json's, its own keys, the {@code -c}
 * overrides) and an assembly folder of its own. A CLI synth starts Maven, a JVM and jsii's runtime for each
 * configuration, several seconds before the app's first construct; this starts them once for all
 * ({@code scripts/synths.py} runs it).
 *
 * <p>Usage: {@code Assemblies JOBS.json}, where the file holds a list of {@code {"outdir", "log", "context"}}.
 * What the app prints goes to each job's log. Exits 0 when every job synthesized, else 1 (the failed ones' logs
 * say why).
 */
public final class Assemblies {

    private Assemblies() {
    }

    public static void main(final String[] args) throws IOException {
        final List<Map<String, Object>> jobs = new ObjectMapper().readValue(Path.of(args[0]).toFile(),
                new TypeReference<>() { });
        int failed = 0;
        for (final Map<String, Object> job : jobs) {
            failed += synth(job) ? 0 : 1;
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    @SuppressWarnings("unchecked")
    private static boolean synth(final Map<String, Object> job) throws IOException {
        final Path log = Path.of((String) job.get("log"));
        try (PrintStream err = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            try {
                final App app = new App(AppProps.builder().context((Map<String, Object>) job.get("context"))
                        .outdir((String) job.get("outdir")).build());
                return EksPipelineApp.synth(app, Optional.empty(), LocalDate.now(ZoneOffset.UTC), err) == 0;
            } catch (RuntimeException e) {
                e.printStackTrace(err);
                return false;
            }
        }
    }
}
