package com.ekspipeline.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Typed, error-collecting reads over raw CDK context.
 *
 * <p>Values come from two places with different types: {@code cdk.json} gives JSON types (numbers,
 * lists, objects) while {@code -c key=value} always gives strings. Every read accepts both forms. A bad
 * value is recorded as one sentence and a harmless placeholder is returned, so that loading goes on and
 * every error is reported at once.
 */
final class ContextReader {

    /** Practical, not RFC 5322: one @, no spaces, a dotted domain; what SNS email subscriptions accept. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    private final Map<String, Object> raw;
    private final String prefix;
    private final List<String> errors;
    private final Set<String> read = new LinkedHashSet<>();

    ContextReader(final Map<String, ?> raw) {
        this(new LinkedHashMap<>(raw), "", new ArrayList<>());
    }

    private ContextReader(final Map<String, Object> raw, final String prefix, final List<String> errors) {
        this.raw = raw;
        this.prefix = prefix;
        this.errors = errors;
    }

    /** A view of a nested object (e.g. one node group) that reports errors under {@code path}. */
    ContextReader nested(final Map<String, Object> object, final String path) {
        return new ContextReader(object, path + ".", errors);
    }

    List<String> errors() {
        return errors;
    }

    Set<String> keysRead() {
        return read;
    }

    Set<String> keysPresent() {
        return raw.keySet();
    }

    /** The key as the user sees it, e.g. {@code nodeGroups[0].minSize}. */
    String path(final String key) {
        return prefix + key;
    }

    void error(final String key, final Object value, final String allowed) {
        errors.add(prefix + key + " is " + ContextValues.show(value) + " but must be " + allowed + ".");
    }

    /** Records a whole sentence; use {@link #path} to name the key in it. */
    void error(final String sentence) {
        errors.add(sentence);
    }

    boolean has(final String key) {
        read.add(key);
        final Object value = raw.get(key);
        return value != null && !(value instanceof String s && s.isBlank());
    }

    Object rawValue(final String key) {
        read.add(key);
        return raw.get(key);
    }

    String string(final String key, final Pattern pattern, final String allowed) {
        final Object value = rawValue(key);
        if (!(value instanceof String s) || !pattern.matcher(s).matches()) {
            error(key, value, allowed);
            return "";
        }
        return s;
    }

    /** An optional email address: absent or empty gives none. */
    Optional<String> optionalEmail(final String key) {
        return has(key)
                ? Optional.of(string(key, EMAIL, "an email address such as ops@example.com, or empty"))
                : Optional.empty();
    }

    <T> T oneOf(final String key, final Map<String, T> choices, final T fallback) {
        final Object value = rawValue(key);
        final T chosen = value instanceof String s ? choices.get(s) : null;
        if (chosen == null) {
            error(key, value, "one of " + String.join(", ", new TreeSet<>(choices.keySet())));
            return fallback;
        }
        return chosen;
    }

    /** true or false: a JSON boolean in cdk.json, or the words true and false on the command line. */
    boolean bool(final String key) {
        final Object value = rawValue(key);
        if (value instanceof Boolean b) {
            return b;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.parseBoolean((String) value);
        }
        error(key, value, "true or false");
        return false;
    }

    int integer(final String key, final int min, final int max) {
        final Object value = rawValue(key);
        final Long parsed = ContextValues.toLong(value);
        if (parsed == null || parsed < min || parsed > max) {
            error(key, value, "a whole number from " + min + " to " + max);
            return min;
        }
        return parsed.intValue();
    }

    int integerOneOf(final String key, final Set<Integer> allowed, final String description) {
        final Object value = rawValue(key);
        final Long parsed = ContextValues.toLong(value);
        if (parsed == null || !allowed.contains(parsed.intValue())) {
            error(key, value, description);
            return allowed.iterator().next();
        }
        return parsed.intValue();
    }

    /**
     * A list of strings: a JSON list in cdk.json, or on the command line either a JSON list or a
     * comma-separated string. Each element must match {@code element}.
     */
    List<String> stringList(final String key, final int minSize, final Predicate<String> element,
                            final String allowed) {
        final Object value = rawValue(key);
        final List<?> list = ContextValues.toList(value);
        if (list == null || list.size() < minSize) {
            error(key, value, "a list of " + (minSize > 0 ? "at least " + minSize + " " : "") + allowed);
            return List.of();
        }
        final List<String> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            final Object item = list.get(i);
            if (item instanceof String s && element.test(s)) {
                result.add(s);
            } else {
                error(key + "[" + i + "]", item, allowed);
            }
        }
        rejectRepeats(key, value, result);
        return List.copyOf(result);
    }

    /** A list of whole numbers, each from {@code min} to {@code max}, without repeats. */
    List<Integer> integerList(final String key, final int minSize, final int min, final int max) {
        final Object value = rawValue(key);
        final List<?> list = ContextValues.toList(value);
        final String allowed = "a list of " + (minSize > 0 ? "at least " + minSize + " " : "")
                + "whole numbers from " + min + " to " + max;
        if (list == null || list.size() < minSize) {
            error(key, value, allowed);
            return List.of();
        }
        final List<Integer> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            final Long parsed = ContextValues.toLong(list.get(i));
            if (parsed == null || parsed < min || parsed > max) {
                error(key + "[" + i + "]", list.get(i), "a whole number from " + min + " to " + max);
            } else {
                result.add(parsed.intValue());
            }
        }
        rejectRepeats(key, value, result);
        return List.copyOf(result);
    }

    /** One JSON object: an object in cdk.json, or a JSON string on the command line; null when invalid. */
    Map<String, Object> object(final String key, final String allowed) {
        final Object value = rawValue(key);
        final Map<String, Object> object = ContextValues.toObject(value);
        if (object == null) {
            error(key, value, "an object " + allowed);
        }
        return object;
    }

    /** A list of JSON objects: a JSON list in cdk.json, or a JSON string on the command line. */
    List<Map<String, Object>> objectList(final String key, final int minSize, final String allowed) {
        final Object value = rawValue(key);
        final List<?> list = ContextValues.toList(value);
        if (list == null || list.size() < minSize) {
            error(key, value, allowed);
            return List.of();
        }
        final List<Map<String, Object>> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> map) {
                result.add(ContextValues.stringKeys(map));
            } else {
                error(key + "[" + i + "]", list.get(i), "an object (" + allowed + ")");
            }
        }
        return result;
    }

    /** A flat object of string keys to string values, such as Kubernetes labels. */
    Map<String, String> stringMap(final String key, final Pattern keys, final Pattern values, final String allowed) {
        final Object value = rawValue(key);
        final Map<String, Object> map = ContextValues.toObject(value);
        if (map == null) {
            error(key, value, "an object of " + allowed);
            return Map.of();
        }
        final Map<String, String> result = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v instanceof String s && keys.matcher(k).matches() && values.matcher(s).matches()) {
                result.put(k, s);
            } else {
                error(key + "." + k, v, allowed);
            }
        });
        return Map.copyOf(result);
    }

    private void rejectRepeats(final String key, final Object value, final List<?> result) {
        if (new LinkedHashSet<>(result).size() != result.size()) {
            error(key, value, "a list without repeated entries");
        }
    }
}
