package com.ekspipeline.config;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What adds and removes nodes: the Kubernetes cluster autoscaler on the managed node groups (the default),
 * or Karpenter, which launches instances for pending pods itself from NodePools built from {@code nodeGroups}
 * while a small managed group runs the system pods.
 */
public enum Autoscaler {
    CLUSTER_AUTOSCALER("cluster-autoscaler"),
    KARPENTER("karpenter");

    private final String key;

    Autoscaler(final String key) {
        this.key = key;
    }

    /** The value of the {@code autoscaler} key. */
    public String key() {
        return key;
    }

    static Map<String, Autoscaler> byKey() {
        return Arrays.stream(values()).collect(Collectors.toMap(Autoscaler::key, a -> a));
    }
}
