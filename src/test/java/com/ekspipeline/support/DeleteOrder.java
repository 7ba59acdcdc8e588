package com.ekspipeline.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order CloudFormation deletes a template's resources in. It deletes a resource only after every
 * resource that depends on it, where "depends" is a {@code DependsOn} entry, a {@code Ref}, a
 * {@code Fn::GetAtt} or a {@code ${Name}} in {@code Fn::Sub}; resources with no path between them may go
 * in either order, or at once. So "a is deleted before b" holds exactly when b is reachable from a.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
 */
public final class DeleteOrder {

    private static final Pattern SUB_NAME = Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.[A-Za-z0-9.]+)?}");

    private final Map<String, Map<String, Object>> resources;

    public DeleteOrder(final Map<String, Map<String, Object>> resources) {
        this.resources = resources;
    }

    /** Whether CloudFormation is bound to delete {@code first} before {@code second}. */
    public boolean deletesBefore(final String first, final String second) {
        return dependencies(first).contains(second);
    }

    /**
     * The first pair of {@code ids} (each a resource, in the order they must be deleted) that CloudFormation is
     * not bound to delete in that order, as "a before b"; empty when the whole chain holds.
     */
    public Optional<String> firstBreak(final List<String> ids) {
        for (int i = 0; i + 1 < ids.size(); i++) {
            if (!deletesBefore(ids.get(i), ids.get(i + 1))) {
                return Optional.of(ids.get(i) + " before " + ids.get(i + 1));
            }
        }
        return Optional.empty();
    }

    /** Every resource {@code start} depends on, directly or through others. */
    public Set<String> dependencies(final String start) {
        final Set<String> seen = new LinkedHashSet<>();
        final Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            for (String next : direct(todo.pop())) {
                if (seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }

    /** The resources {@code id} names directly. */
    public Set<String> direct(final String id) {
        final Map<String, Object> resource = resources.get(id);
        final Set<String> found = new LinkedHashSet<>(Resources.dependsOn(resource));
        collect(resource.get("Properties"), found);
        return found;
    }

    private void collect(final Object value, final Set<String> found) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.get("Ref") instanceof String ref && resources.containsKey(ref)) {
                found.add(ref);
            } else if (map.size() == 1 && map.get("Fn::GetAtt") instanceof List<?> att
                    && resources.containsKey(String.valueOf(att.get(0)))) {
                found.add(String.valueOf(att.get(0)));
            } else if (map.size() == 1 && map.get("Fn::Sub") != null) {
                final Object sub = map.get("Fn::Sub");
                final String text = String.valueOf(sub instanceof List<?> list ? list.get(0) : sub);
                final Matcher names = SUB_NAME.matcher(text);
                while (names.find()) {
                    if (resources.containsKey(names.group(1))) {
                        found.add(names.group(1));
                    }
                }
                if (sub instanceof List<?> list && list.size() > 1) {
                    collect(list.get(1), found);
                }
            } else {
                map.values().forEach(v -> collect(v, found));
            }
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, found));
        }
    }
}
