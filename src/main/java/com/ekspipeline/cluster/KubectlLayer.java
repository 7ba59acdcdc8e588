package com.ekspipeline.cluster;

import com.ekspipeline.catalog.KubernetesVersion;
import software.amazon.awscdk.cdk.lambdalayer.kubectl.v32.KubectlV32Layer;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.constructs.Construct;

import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The kubectl (and Helm) the KubectlProvider runs, chosen in exactly one place.
 *
 * <p>Maven Central serves layers up to kubectl 1.32 here. To move to a newer layer, add its artifact to
 * the pom and change {@link #CURRENT} (and its import).
 */
public final class KubectlLayer {

    /** A kubectl layer artifact and the kubectl minor version inside it. */
    record Choice(String kubectlVersion, BiFunction<Construct, String, ILayerVersion> factory) {
    }

    static final Choice CURRENT = new Choice("1.32", KubectlV32Layer::new);

    private KubectlLayer() {
    }

    public static String kubectlVersion() {
        return CURRENT.kubectlVersion();
    }

    static ILayerVersion create(final Construct scope) {
        return CURRENT.factory().apply(scope, "KubectlLayer");
    }

    /**
     * kubectl supports one minor version of skew against the API server; beyond that, applies may use
     * removed APIs or miss new fields. Returns the warning to print when the cluster is further away.
     */
    public static Optional<String> skewWarning(final KubernetesVersion clusterVersion) {
        final int kubectlMinor = Integer.parseInt(kubectlVersion().substring(kubectlVersion().indexOf('.') + 1));
        final int skew = Math.abs(clusterVersion.minor() - kubectlMinor);
        if (skew <= 1) {
            return Optional.empty();
        }
        return Optional.of("The KubectlProvider runs kubectl " + kubectlVersion() + " but the cluster runs Kubernetes "
                + clusterVersion + ", " + skew + " minor versions apart (kubectl supports one). Switch to the "
                + "cdk-lambda-layer-kubectl artifact for " + clusterVersion
                + " in pom.xml and KubectlLayer.CURRENT once Maven Central serves it, or set kubernetesVersion to 1."
                + (kubectlMinor + 1) + " or lower.");
    }
}
