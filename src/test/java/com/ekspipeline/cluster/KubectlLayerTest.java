package com.ekspipeline.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubectlLayerTest {

    @Test
    void oneMinorVersionOfSkewIsFine() {
        assertTrue(KubectlLayer.skewWarning("1.31").isEmpty());
        assertTrue(KubectlLayer.skewWarning("1.32").isEmpty());
        assertTrue(KubectlLayer.skewWarning("1.33").isEmpty());
    }

    @Test
    void twoOrMoreMinorVersionsWarnWithWhatToChange() {
        final String warning = KubectlLayer.skewWarning("1.34").orElseThrow();
        assertTrue(warning.contains("kubectl 1.32 but the cluster runs Kubernetes 1.34, 2 minor versions apart"), warning);
        assertTrue(warning.contains("KubectlLayer.CURRENT"), warning);
        assertTrue(warning.contains("set kubernetesVersion to 1.33 or lower"), warning);
    }

    @Test
    void theLayerChoiceNamesItsKubectlVersion() {
        assertEquals("1.32", KubectlLayer.kubectlVersion());
    }
}
