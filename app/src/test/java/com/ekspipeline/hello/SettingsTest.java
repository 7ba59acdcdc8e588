package com.ekspipeline.hello;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SettingsTest {

    @Test
    void defaultsSuitTheCluster() {
        Settings settings = Settings.fromEnvironment(Map.of("HOSTNAME", "hello-0"));
        assertEquals(new Settings(8080, Path.of("/data"), "dev", "hello-0", 5, 25), settings);
    }

    @Test
    void readsEveryVariable() {
        Settings settings = Settings.fromEnvironment(Map.of("PORT", "9090", "DATA_DIR", "/tmp/x",
                "APP_VERSION", "abc123", "POD_NAME", "hello-2", "DRAIN_SECONDS", "0", "GRACE_SECONDS", "30"));
        assertEquals(new Settings(9090, Path.of("/tmp/x"), "abc123", "hello-2", 0, 30), settings);
    }

    @Test
    void reportsEveryMalformedNumberAtOnce() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () ->
                Settings.fromEnvironment(Map.of("PORT", "http", "DRAIN_SECONDS", "-1", "GRACE_SECONDS", "301")));
        assertEquals("PORT is 'http'; it must be a whole number from 0 to 65535."
                + " DRAIN_SECONDS is '-1'; it must be a whole number from 0 to 120."
                + " GRACE_SECONDS is '301'; it must be a whole number from 0 to 300.", error.getMessage());
    }
}
