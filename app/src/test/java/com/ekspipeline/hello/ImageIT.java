package com.ekspipeline.hello;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image Jib built at package (twice, to tars, on an empty base; see pom.xml): its config says what
 * the Kubernetes manifests rely on, and the same classes gave the same image.
 */
class ImageIT {

    private static final Path IMAGE = Path.of("target", "image");
    private static String config;

    @BeforeAll
    static void readTheImageConfig() throws IOException {
        final Map<String, byte[]> entries = tarEntries(IMAGE.resolve("first.tar"));
        final String manifest = new String(entries.get("manifest.json"), StandardCharsets.UTF_8);
        final Matcher name = Pattern.compile("\"Config\"\\s*:\\s*\"([^\"]+)\"").matcher(manifest);
        assertTrue(name.find(), manifest);
        config = new String(entries.get(name.group(1)), StandardCharsets.UTF_8);
    }

    @Test
    void twoBuildsOfTheSameClassesGiveTheSameImage() throws IOException {
        final String first = Files.readString(IMAGE.resolve("first.digest"));
        assertTrue(first.startsWith("sha256:"), first);
        assertEquals(first, Files.readString(IMAGE.resolve("second.digest")));
    }

    @Test
    void runsAsTheNumericNonRootUserTheManifestsExpect() {
        assertTrue(config.contains("\"User\":\"10001\""), config);
    }

    @Test
    void javaIsTheEntrypointSoItReceivesSigterm() {
        assertTrue(config.contains("\"Entrypoint\":[\"java\",\"-XX:MaxRAMPercentage=75\",\"-cp\","), config);
        assertTrue(config.contains("\"com.ekspipeline.hello.Main\"]"), config);
    }

    @Test
    void exposesTheServicePortWithTheSameEnvironment() {
        assertTrue(config.contains("\"ExposedPorts\":{\"8080/tcp\":{}}"), config);
        assertTrue(config.contains("\"DATA_DIR=/data\""), config);
        assertTrue(config.contains("\"APP_VERSION=dev\""), config);
    }

    @Test
    void labelsNameTheServiceAndItsPinnedBase() {
        assertTrue(config.contains("\"org.opencontainers.image.title\":\"hello\""), config);
        final Matcher base = Pattern.compile("\"org.opencontainers.image.base.name\":\"([^\"]+)\"").matcher(config);
        assertTrue(base.find(), config);
        assertTrue(base.group(1).matches(".*eclipse-temurin:21[^@]*-jre@sha256:[0-9a-f]{64}"), base.group(1));
    }

    @Test
    void theClassesAreInTheImage() throws IOException {
        final Map<String, byte[]> entries = tarEntries(IMAGE.resolve("first.tar"));
        boolean found = false;
        for (final Map.Entry<String, byte[]> layer : entries.entrySet()) {
            if (layer.getKey().endsWith(".tar.gz")) {
                found |= gzipTarNames(layer.getValue()).contains("app/classes/com/ekspipeline/hello/Main.class");
            }
        }
        assertTrue(found, "Main.class in a layer: " + entries.keySet());
    }

    /** The entries of an uncompressed tar (ustar headers, 512-byte blocks), by name. */
    private static Map<String, byte[]> tarEntries(final Path tar) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return readTar(in);
        }
    }

    private static Map<String, byte[]> readTar(final InputStream in) throws IOException {
        final Map<String, byte[]> entries = new HashMap<>();
        final byte[] header = new byte[512];
        while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            final String name = cString(header, 0, 100);
            final String prefix = cString(header, 345, 155);
            final long size = Long.parseLong(cString(header, 124, 12).trim().isEmpty() ? "0" : cString(header, 124, 12).trim(), 8);
            final byte[] data = in.readNBytes((int) size);
            in.skipNBytes((512 - size % 512) % 512);
            entries.put(prefix.isEmpty() ? name : prefix + "/" + name, data);
        }
        return entries;
    }

    private static String gzipTarNames(final byte[] gzipped) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return String.join("\n", readTar(in).keySet());
        }
    }

    private static String cString(final byte[] bytes, final int offset, final int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
