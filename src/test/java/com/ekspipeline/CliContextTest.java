package com.ekspipeline;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The context the entry point reads before it builds the App, to refuse a bad configuration without starting
 * jsii's runtime: where aws-cdk-lib's App reads it (core/lib/app.js, loadContext), the CLI's JSON in the
 * environment overlaid with its overflow file.
 */
class CliContextTest {

    @Test
    void withoutTheClisVariablesThereIsNoneAndTheAppDecides() {
        assertEquals(Optional.empty(), EksPipelineApp.cliContext(Map.of("PATH", "/usr/bin")));
    }

    @Test
    void theJsonInTheEnvironmentIsTheContext() {
        assertEquals(Optional.of(Map.of("observability", "yes", "nodeGroups", java.util.List.of(Map.of("name", "a")))),
                EksPipelineApp.cliContext(Map.of("CDK_CONTEXT_JSON",
                        "{\"observability\":\"yes\",\"nodeGroups\":[{\"name\":\"a\"}]}")));
    }

    @Test
    void theOverflowFileOverlaysTheEnvironmentsJsonAsTheAppReadsThem() throws IOException {
        final Path overflow = Files.createTempFile("context", ".json");
        overflow.toFile().deleteOnExit();
        Files.writeString(overflow, "{\"region\":\"us-west-2\",\"appName\":\"shop\"}");
        assertEquals(Optional.of(Map.of("region", "us-west-2", "appName", "shop", "observability", true)),
                EksPipelineApp.cliContext(Map.of("CDK_CONTEXT_JSON", "{\"region\":\"us-east-2\",\"observability\":true}",
                        "CONTEXT_OVERFLOW_LOCATION_ENV", overflow.toString())));
        assertEquals(Optional.of(Map.of("region", "us-west-2", "appName", "shop")),
                EksPipelineApp.cliContext(Map.of("CONTEXT_OVERFLOW_LOCATION_ENV", overflow.toString())));
    }

    @Test
    void somethingThatIsNotTheClisJsonIsLeftToTheApp() {
        assertEquals(Optional.empty(), EksPipelineApp.cliContext(Map.of("CDK_CONTEXT_JSON", "not json")));
    }
}
