package com.ekspipeline.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw context values as Java values. {@code cdk.json} gives JSON types (numbers, lists, objects) while
 * {@code -c key=value} always gives a string, which may hold JSON or a comma-separated list; each
 * conversion accepts both and returns null for anything else, so that the caller reports the value.
 */
final class ContextValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ContextValues() {
    }

    /** A JSON object from cdk.json, or parsed from a command-line string; null when it is neither. */
    static Map<String, Object> toObject(final Object value) {
        final Object parsed = value instanceof String s && s.trim().startsWith("{") ? parseJson(s) : value;
        return parsed instanceof Map<?, ?> map ? stringKeys(map) : null;
    }

    static Map<String, Object> stringKeys(final Map<?, ?> map) {
        final Map<String, Object> object = new LinkedHashMap<>();
        map.forEach((k, v) -> object.put(String.valueOf(k), v));
        return object;
    }

    static List<?> toList(final Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof String s) {
            final String trimmed = s.trim();
            if (trimmed.startsWith("[")) {
                return parseJson(trimmed) instanceof List<?> list ? list : null;
            }
            if (trimmed.isEmpty()) {
                return List.of();
            }
            return List.of(trimmed.split("\\s*,\\s*"));
        }
        return null;
    }

    static Object parseJson(final String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static Long toLong(final Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (value instanceof String s && s.trim().matches("-?\\d{1,18}")) {
            return Long.parseLong(s.trim());
        }
        return null;
    }

    /** Shows a value the way the user wrote it: strings quoted, missing values named as such. */
    static String show(final Object value) {
        if (value == null) {
            return "missing";
        }
        if (value instanceof String s) {
            return s.isEmpty() ? "empty" : "\"" + s + "\"";
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
