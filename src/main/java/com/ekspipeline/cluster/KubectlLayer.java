package com.ekspipeline.cluster;

import com.ekspipeline.catalog.KubectlLayers;
import com.ekspipeline.catalog.KubernetesVersion;
import software.amazon.awscdk.cdk.lambdalayer.kubectl.v31.KubectlV31Layer;
import software.amazon.awscdk.cdk.lambdalayer.kubectl.v32.KubectlV32Layer;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.constructs.Construct;

/**
 * The kubectl (and Helm) the KubectlProvider runs: the layer of the cluster's own minor version, from
 * Maven for the minors it serves and from the npm package's {@code layer.zip} for the rest
 * ({@link KubectlLayers}). The configuration refuses a version without a layer before this runs.
 */
final class KubectlLayer {

    static final String ID = "KubectlLayer";

    private KubectlLayer() {
    }

    static ILayerVersion create(final Construct scope, final KubernetesVersion version) {
        return switch (version.minor()) {
            case 31 -> new KubectlV31Layer(scope, ID);
            case 32 -> new KubectlV32Layer(scope, ID);
            default -> LayerVersion.Builder.create(scope, ID)
                    .code(Code.fromAsset(KubectlLayers.npmLayer(version.minor()).toString()))
                    .description("/opt/kubectl/kubectl " + version + " and /opt/helm/helm, from "
                            + KubectlLayers.npmPackage(version.minor()))
                    .license("Apache-2.0")
                    .build();
        };
    }
}
