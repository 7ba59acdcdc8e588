package com.ekspipeline.hello;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the service reads from its environment. Every value has a default that works in the cluster;
 * a malformed one stops the service at start with a sentence naming the variable.
 */
record Settings(int port, Path dataDir, String version, String podName, int drainSeconds, int graceSeconds) {

    static Settings fromEnvironment(Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        int port = integer(env, "PORT", 8080, 0, 65535, errors);
        int drain = integer(env, "DRAIN_SECONDS", 5, 0, 120, errors);
        int grace = integer(env, "GRACE_SECONDS", 25, 0, 300, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join(" ", errors));
        }
        return new Settings(port,
                Path.of(env.getOrDefault("DATA_DIR", "/data")),
                env.getOrDefault("APP_VERSION", "dev"),
                env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "local")),
                drain, grace);
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max,
                               List<String> errors) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed range
        }
        errors.add(name + " is '" + raw + "'; it must be a whole number from " + min + " to " + max + ".");
        return fallback;
    }
}
