package com.ekspipeline.cluster;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synths;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The kubectl the KubectlProvider runs is the cluster's own minor version: opened and run, not trusted. */
class KubectlLayerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theProvidersKubectlReportsTheClustersMinorVersion() throws IOException, InterruptedException {
        final ClusterStack stack = Synths.defaults().cluster();
        final Template template = Template.fromStack(stack);
        final Path assembly = Path.of(((App) stack.getNode().getScope()).synth().getDirectory());
        final String objectKey = layerObjectKey(template);

        final Path layer = assembly.resolve(assetSource(assembly.resolve(stack.getArtifactId() + ".assets.json"), objectKey));
        final Path kubectl = Files.createTempFile("kubectl", "");
        try (ZipFile zip = new ZipFile(layer.toFile())) {
            final ZipEntry entry = zip.getEntry("kubectl/kubectl");
            assertNotNull(entry, "the layer has kubectl/kubectl: " + layer);
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, kubectl, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        kubectl.toFile().setExecutable(true);
        final Process process = new ProcessBuilder(kubectl.toString(), "version", "--client", "-o", "json").start();
        final JsonNode version = JSON.readTree(process.getInputStream().readAllBytes()).path("clientVersion");
        assertEquals(0, process.waitFor());
        Files.delete(kubectl);

        assertEquals("1", version.path("major").asText());
        assertEquals(String.valueOf(Synths.defaultConfig().cluster().kubernetesVersion().minor()),
                version.path("minor").asText().replace("+", ""), version.toString());
    }

    /** The S3 key of the kubectl layer among those the kubectl handler function lists (the AWS CLI's is another). */
    @SuppressWarnings("unchecked")
    private static String layerObjectKey(final Template template) {
        final Map<String, Object> handler = Resources.ofType(template, "AWS::Lambda::Function").entrySet().stream()
                .filter(e -> e.getKey().startsWith("ClusterKubectlProviderHandler")).map(Map.Entry::getValue)
                .findFirst().orElseThrow();
        final List<Map<String, String>> layers = (List<Map<String, String>>) Resources.properties(handler).get("Layers");
        final String id = layers.stream().map(l -> l.get("Ref")).filter(ref -> ref.startsWith(KubectlLayer.ID))
                .findFirst().orElseThrow(() -> new AssertionError("no kubectl layer on the handler: " + layers));
        final Map<String, Object> layer = Resources.ofType(template, "AWS::Lambda::LayerVersion").get(id);
        return (String) ((Map<String, Object>) Resources.properties(layer).get("Content")).get("S3Key");
    }

    /** The file in the cloud assembly that the asset manifest uploads under {@code objectKey}. */
    private static String assetSource(final Path manifest, final String objectKey) throws IOException {
        for (final JsonNode file : JSON.readTree(manifest.toFile()).path("files")) {
            for (final JsonNode destination : file.path("destinations")) {
                if (objectKey.equals(destination.path("objectKey").asText())) {
                    return file.path("source").path("path").asText();
                }
            }
        }
        throw new AssertionError("no asset uploads to " + objectKey + " in " + manifest);
    }
}
