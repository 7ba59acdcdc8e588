package com.ekspipeline.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deep copies of JSON-like values with every object's keys sorted.
 *
 * <p>{@code Map.of} iterates in an order that changes from one JVM to the next. Manifests and Helm values
 * are rendered to strings in the template, so an unordered map would change the template on every synth
 * and make CloudFormation re-apply unchanged Kubernetes objects on every deploy.
 */
public final class SortedJson {

    private SortedJson() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(final Map<String, ?> object) {
        return (Map<String, Object>) sort(object);
    }

    private static Object sort(final Object value) {
        if (value instanceof Map<?, ?> map) {
            final Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), sort(v)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(SortedJson::sort).toList();
        }
        return value;
    }
}
