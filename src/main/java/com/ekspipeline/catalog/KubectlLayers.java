package com.ekspipeline.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Where the kubectl (and Helm) of each Kubernetes minor version comes from: Maven Central serves the
 * CDK's kubectl layers up to 1.32 as Java artifacts (pom.xml), the npm registry serves 1.33 and later as
 * {@code @aws-cdk/lambda-layer-kubectl-v<minor>} (pinned in package.json, installed by {@code npm ci}
 * before every synth), whose {@code lib/layer.zip} is the layer itself. kubectl supports one minor of
 * skew against the API server, so the provider runs the cluster's own minor.
 */
public final class KubectlLayers {

    /** Minors whose layer is a Maven artifact on the classpath. */
    public static final Set<Integer> FROM_MAVEN = Set.of(31, 32);

    private KubectlLayers() {
    }

    public static String npmPackage(final int minor) {
        return "@aws-cdk/lambda-layer-kubectl-v" + minor;
    }

    /** The layer zip the npm package ships, relative to the project root. */
    public static Path npmLayer(final int minor) {
        return Path.of("node_modules", npmPackage(minor), "lib", "layer.zip");
    }

    /**
     * What is allowed, as a configuration error's ending, when {@code version} has no layer under
     * {@code projectRoot}; empty when it has one.
     */
    public static Optional<String> missing(final KubernetesVersion version, final Path projectRoot) {
        if (FROM_MAVEN.contains(version.minor()) || Files.isRegularFile(projectRoot.resolve(npmLayer(version.minor())))) {
            return Optional.empty();
        }
        return Optional.of("a version whose kubectl layer is installed: add " + npmPackage(version.minor())
                + " to package.json's devDependencies and run npm ci");
    }
}
