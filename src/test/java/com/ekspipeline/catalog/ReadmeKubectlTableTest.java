package com.ekspipeline.catalog;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The table of kubectl layers on docs/cluster.md (the README's map leads there) says what KubectlLayers does,
 * for every version in the calendar.
 */
class ReadmeKubectlTableTest {

    private static final Pattern ROW = Pattern.compile("(?m)^\\| (1\\.\\d+) \\| `([^`]+)` \\((Maven|npm), [a-z.]+\\) \\|$");

    @Test
    void eachVersionsRowNamesWhereItsLayerComesFrom() throws IOException {
        final Matcher rows = ROW.matcher(Files.readString(Path.of("docs", "cluster.md")));
        final Map<String, String> readme = new LinkedHashMap<>();
        while (rows.find()) {
            readme.put(rows.group(1), rows.group(2));
        }
        final Map<String, String> expected = new LinkedHashMap<>();
        KubernetesVersions.all().values().forEach(v -> expected.put(v.version(), KubectlLayers.FROM_MAVEN.contains(v.minor())
                ? "software.amazon.awscdk:cdk-lambda-layer-kubectl-v" + v.minor() : KubectlLayers.npmPackage(v.minor())));
        assertEquals(expected, readme);
    }
}
