package com.ekspipeline.support;

import com.ekspipeline.cluster.Stage;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stages' overlays as kustomize renders them, once per run (kubectl kustomize is the slow part). */
public final class Overlays {

    private static final Map<Stage, List<Map<String, Object>>> RENDERED = new EnumMap<>(Stage.class);

    private Overlays() {
    }

    public static synchronized List<Map<String, Object>> render(final Stage stage) {
        return RENDERED.computeIfAbsent(stage, s -> Kustomize.render(Path.of("k8s", "overlays", s.namespace())));
    }

    /** The one object of {@code kind} named {@code name}; fails unless there is exactly one. */
    public static Map<String, Object> only(final List<Map<String, Object>> objects, final String kind,
                                           final String name) {
        final List<Map<String, Object>> found = objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata.name"))).toList();
        assertEquals(1, found.size(), "one " + kind + "/" + name);
        return found.get(0);
    }

    /** The value at a dotted path such as {@code spec.template.spec.containers.0}; null where absent. */
    @SuppressWarnings("unchecked")
    public static <T> T at(final Object object, final String path) {
        Object current = object;
        for (final String step : path.split("\\.")) {
            current = current instanceof List<?> list ? list.get(Integer.parseInt(step))
                    : current instanceof Map<?, ?> map ? map.get(step) : null;
        }
        return (T) current;
    }
}
