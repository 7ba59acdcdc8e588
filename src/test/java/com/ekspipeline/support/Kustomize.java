package com.ekspipeline.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Renders a kustomization with {@code kubectl kustomize}, the way the pipeline's deploy step does. */
public final class Kustomize {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Kustomize() {
    }

    public static List<Map<String, Object>> render(final Path directory) {
        try {
            final Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString())
                    .redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("kubectl kustomize " + directory + " failed: " + output);
            }
            return parse(output);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kubectl (it ships kustomize); is it installed?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every document of a multi-document YAML stream, in order. */
    public static List<Map<String, Object>> parse(final String yaml) throws IOException {
        return YAML.readValues(new YAMLFactory().createParser(yaml), new TypeReference<Map<String, Object>>() { })
                .readAll();
    }

    public static String toJson(final Map<String, Object> object) {
        try {
            return JSON.writeValueAsString(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
