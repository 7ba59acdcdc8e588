package com.ekspipeline.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs cdk-nag's AwsSolutions pack over an app and reads what it found. With the
 * {@code annotationsInValidationReport} flag, nag's errors make synth throw and land in
 * {@code validation-report.json} under "Construct Annotations"; this reads them from there.
 */
public final class NagReport {

    /** One unsuppressed finding: {@code AwsSolutions-IAM5[Resource::*]} at a construct path. */
    public record Finding(String rule, String path, String message) {
        @Override
        public String toString() {
            return rule + " at " + path;
        }
    }

    private NagReport() {
    }

    public static List<Finding> check(final App app, final Path outdir) {
        Aspects.of(app).add(new AwsSolutionsChecks());
        try {
            app.synth();
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("Validation failed")) {
                throw e;
            }
        }
        try {
            final JsonNode report = new ObjectMapper().readTree(outdir.resolve("validation-report.json").toFile());
            final List<Finding> findings = new ArrayList<>();
            for (final JsonNode plugin : report.path("pluginReports")) {
                if (!"Construct Annotations".equals(plugin.path("pluginName").asText())) {
                    continue;
                }
                for (final JsonNode violation : plugin.path("violations")) {
                    final String description = violation.path("description").asText();
                    if (!description.startsWith("AwsSolutions-")) {
                        continue; // the app's own warnings, tested where they are made
                    }
                    final String rule = description.substring(0, description.indexOf(':'));
                    for (final JsonNode construct : violation.path("violatingConstructs")) {
                        findings.add(new Finding(rule, construct.path("constructPath").asText(), description));
                    }
                }
            }
            return findings;
        } catch (IOException e) {
            throw new UncheckedIOException("cdk-nag wrote no validation report in " + outdir, e);
        }
    }
}
