package com.ekspipeline.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Small readers over a synthesized template, for assertions that Match cannot express. */
public final class Resources {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Resources() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> ofType(final Template template, final String type) {
        return (Map<String, Map<String, Object>>) (Map<String, ?>) template.findResources(type);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> properties(final Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    @SuppressWarnings("unchecked")
    public static List<String> dependsOn(final Map<String, Object> resource) {
        final Object value = resource.get("DependsOn");
        return value == null ? List.of() : (List<String>) value;
    }

    /** The logical ID of the only resource of {@code type} whose property {@code key} equals {@code value}. */
    public static String logicalId(final Template template, final String type, final String key, final Object value) {
        final List<String> ids = ofType(template, type).entrySet().stream()
                .filter(e -> Objects.equals(properties(e.getValue()).get(key), value))
                .map(Map.Entry::getKey).toList();
        if (ids.size() != 1) {
            throw new AssertionError("expected one " + type + " with " + key + "=" + value + ", found " + ids);
        }
        return ids.get(0);
    }

    /** Logical IDs of all resources of {@code type}. */
    public static List<String> logicalIds(final Template template, final String type) {
        return List.copyOf(ofType(template, type).keySet());
    }

    /** A JSON object held in a string property, such as an action's UserParameters. */
    public static Map<String, Object> parseJson(final String json) {
        return read(json, new TypeReference<>() { });
    }

    /** A JSON list held in a string property, such as a CodeBuild action's EnvironmentVariables. */
    public static List<Map<String, Object>> parseJsonList(final String json) {
        return read(json, new TypeReference<>() { });
    }

    private static <T> T read(final String json, final TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every statement of every {@code AWS::IAM::Policy}, or of those attached to the role {@code roleId} only. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> policyStatements(final Template template, final String roleId) {
        return ofType(template, "AWS::IAM::Policy").values().stream().map(Resources::properties)
                .filter(p -> roleId == null || ((List<?>) p.get("Roles")).contains(Map.of("Ref", roleId)))
                .flatMap(p -> ((List<Map<String, Object>>) ((Map<?, ?>) p.get("PolicyDocument")).get("Statement")).stream())
                .toList();
    }

    /** The logical ID of each Kubernetes manifest CDK applies, with the manifest as the JSON string it is. */
    public static Map<String, String> manifests(final Template template) {
        final Map<String, String> manifests = new LinkedHashMap<>();
        ofType(template, "Custom::AWSCDK-EKS-KubernetesResource").forEach((id, resource) ->
                manifests.put(id, String.valueOf(properties(resource).get("Manifest"))));
        return manifests;
    }

    /** A policy field that is one string or a list of them (Action, Resource), as a list. */
    public static List<String> strings(final Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
    }
}
