package com.ekspipeline.cluster;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpenter's chart as {@code scripts/render-karpenter} rendered it for {@link #VERSION} into
 * {@code src/main/resources/karpenter/}: its CRDs, and the controller with the deployment's own values left
 * as placeholders, which {@link #controller} fills in. The chart is OCI-only, and OCI charts fail with the
 * Helm 4 of the kubectl layers (aws/aws-cdk#37143), hence manifests instead of a HelmChart.
 */
final class KarpenterChart {

    /** Karpenter's version; 1.13 is the first to support Kubernetes 1.36 (karpenter.sh/docs/upgrading/compatibility). */
    static final String VERSION = "1.14.1";
    static final String CLUSTER_NAME = "__CLUSTER_NAME__";
    static final String INTERRUPTION_QUEUE = "__INTERRUPTION_QUEUE__";

    private KarpenterChart() {
    }

    /** The CustomResourceDefinitions: NodePool, NodeClaim, EC2NodeClass and the others the chart ships. */
    static List<Map<String, Object>> crds() {
        return read("crds.yaml");
    }

    /** The controller's objects with the placeholders replaced (values may be CDK tokens). */
    static List<Map<String, Object>> controller(final String clusterName, final String interruptionQueue) {
        final Map<String, Object> values = Map.of(CLUSTER_NAME, clusterName, INTERRUPTION_QUEUE, interruptionQueue);
        final List<Map<String, Object>> objects = new ArrayList<>();
        read("controller.yaml").forEach(object -> objects.add(substitute(object, values)));
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static <T> T substitute(final T value, final Map<String, Object> values) {
        if (value instanceof Map<?, ?> map) {
            final Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), substitute(v, values)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(v -> substitute(v, values)).toList();
        }
        return value instanceof String s && values.containsKey(s) ? (T) values.get(s) : value;
    }

    private static List<Map<String, Object>> read(final String name) {
        try (InputStream in = KarpenterChart.class.getResourceAsStream("/karpenter/" + name)) {
            if (in == null) {
                throw new IllegalStateException("karpenter/" + name + " is missing: run scripts/render-karpenter");
            }
            final List<Map<String, Object>> objects = new ArrayList<>();
            try (MappingIterator<Map<String, Object>> documents = new YAMLMapper().readerForMapOf(Object.class)
                    .readValues(in)) {
                while (documents.hasNext()) {
                    final Map<String, Object> document = documents.next();
                    if (document != null && !document.isEmpty()) {
                        objects.add(document);
                    }
                }
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
