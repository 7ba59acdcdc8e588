package com.ekspipeline.cluster;

import com.ekspipeline.catalog.KubernetesVersion;
import com.ekspipeline.catalog.KubernetesVersions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubectlLayerTest {

    private static KubernetesVersion version(final String version) {
        return KubernetesVersions.lookup(version).orElseThrow();
    }

    @Test
    void oneMinorVersionOfSkewIsFine() {
        assertTrue(KubectlLayer.skewWarning(version("1.31")).isEmpty());
        assertTrue(KubectlLayer.skewWarning(version("1.32")).isEmpty());
        assertTrue(KubectlLayer.skewWarning(version("1.33")).isEmpty());
    }

    @Test
    void twoOrMoreMinorVersionsWarnWithWhatToChange() {
        final String warning = KubectlLayer.skewWarning(version("1.34")).orElseThrow();
        assertTrue(warning.contains("kubectl 1.32 but the cluster runs Kubernetes 1.34, 2 minor versions apart"), warning);
        assertTrue(warning.contains("KubectlLayer.CURRENT"), warning);
        assertTrue(warning.contains("set kubernetesVersion to 1.33 or lower"), warning);
    }

    @Test
    void theLayerChoiceNamesItsKubectlVersion() {
        assertEquals("1.32", KubectlLayer.kubectlVersion());
    }
}
