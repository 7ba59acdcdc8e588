package com.ekspipeline.support;

import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1Pod;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Validates Kubernetes objects against the API schema compiled into the Kubernetes Java client's
 * models (io.kubernetes:client-java-api): each model's {@code validateJsonElement} refuses fields the
 * API does not define, missing required fields and values of the wrong JSON type, recursively.
 */
public final class KubernetesSchema {

    private KubernetesSchema() {
    }

    /** The problems with one object, empty when it is valid; a kind the schema lacks is a problem too. */
    public static List<String> problems(final Map<String, Object> object) {
        final List<String> problems = new ArrayList<>();
        final Object apiVersion = object.get("apiVersion");
        final Object kind = object.get("kind");
        if (!(apiVersion instanceof String) || !(kind instanceof String)) {
            problems.add("an object without apiVersion and kind: " + object);
            return problems;
        }
        final String name = describe(object);
        final Class<?> model;
        try {
            model = Class.forName(V1Pod.class.getPackageName() + "." + modelName((String) apiVersion, (String) kind));
        } catch (ClassNotFoundException e) {
            problems.add(name + ": the Kubernetes API has no " + kind + " in " + apiVersion);
            return problems;
        }
        try {
            final Method validate = model.getMethod("validateJsonElement", com.google.gson.JsonElement.class);
            validate.invoke(null, JsonParser.parseString(Kustomize.toJson(object)));
        } catch (InvocationTargetException e) {
            final String message = String.valueOf(e.getCause().getMessage());
            final int json = message.indexOf(" JSON: ");
            problems.add(name + ": " + (json < 0 ? message : message.substring(0, json)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return problems;
    }

    /** {@code apps/v1} + {@code StatefulSet} → {@code V1StatefulSet}; {@code autoscaling/v2} → {@code V2...}. */
    static String modelName(final String apiVersion, final String kind) {
        final String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind;
    }

    /** The client version, whose major number names the Kubernetes minor version it was generated from. */
    public static String clientVersion() {
        try (InputStream in = V1Pod.class.getResourceAsStream(
                "/META-INF/maven/io.kubernetes/client-java-api/pom.properties")) {
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static String describe(final Map<String, Object> object) {
        final Object metadata = object.get("metadata");
        final Object objectName = metadata instanceof Map ? ((Map<String, Object>) metadata).get("name") : null;
        return object.get("kind") + "/" + objectName;
    }
}
