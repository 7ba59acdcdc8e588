package com.ekspipeline.cluster;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kubectl the KubectlProvider runs is the cluster's own minor version, and the Helm beside it accepts
 * the command lines the provider's handler builds: opened and run, not trusted.
 */
class KubectlLayerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path layer;
    private static Path handler;

    @BeforeAll
    static void synth() throws IOException {
        final ClusterStack stack = Synths.defaults().cluster();
        final Template template = Synthesized.template(stack);
        final Path assembly = Path.of(((App) stack.getNode().getScope()).synth().getDirectory());
        final Path manifest = assembly.resolve(stack.getArtifactId() + ".assets.json");
        layer = assembly.resolve(assetSource(manifest, layerObjectKey(template)));
        handler = assembly.resolve(assetSource(manifest, handlerObjectKey(template)));
    }

    @Test
    void theProvidersKubectlReportsTheClustersMinorVersion() throws IOException, InterruptedException {
        final Path kubectl = unzip("kubectl/kubectl", Files.createTempDirectory("kubectl"));
        final Process process = new ProcessBuilder(kubectl.toString(), "version", "--client", "-o", "json").start();
        final JsonNode version = JSON.readTree(process.getInputStream().readAllBytes()).path("clientVersion");
        assertEquals(0, process.waitFor());

        assertEquals("1", version.path("major").asText());
        assertEquals(String.valueOf(Synths.defaultConfig().cluster().kubernetesVersion().minor()),
                version.path("minor").asText().replace("+", ""), version.toString());
    }

    /**
     * The handler's own helm module (from the synthesized provider) runs an install and an uninstall with
     * every option the charts here use, through the layer's Helm, against an API server address on loopback
     * that refuses connections: Helm must get past its flags to the cluster. Helm 4 renamed --atomic
     * (deprecated, still accepted); an unknown flag would fail before any connection.
     */
    @Test
    void theLayersHelmAcceptsTheCommandsTheHandlerRuns() throws IOException, InterruptedException {
        final Path bin = Files.createTempDirectory("helm");
        unzip("helm/helm", bin);
        final Path work = Files.createTempDirectory("handler");
        Files.writeString(work.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users: [{name: u, user: {token: t}}]
                """);
        final Path chart = Files.createDirectories(work.resolve("chart/templates"));
        Files.writeString(chart.getParent().resolve("Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 0.1.0\n");
        Files.writeString(work.resolve("values.yaml"), "{}\n");
        final String driver = String.join("\n",
                "import sys, logging",
                "logging.disable(logging.CRITICAL)",
                "sys.path.insert(0, sys.argv[1])",
                "from helm import helm",
                "def run(*args, **kwargs):",
                "    try:",
                "        helm(*args, **kwargs)",
                "        print('no error')",
                "    except Exception as e:",
                "        print(e.args[0].decode() if isinstance(e.args[0], bytes) else e.args[0])",
                "run('upgrade', 'probe', sys.argv[2] + '/chart', None, sys.argv[2] + '/values.yaml', 'probe', None,"
                        + " True, '10s', True, atomic=True)",
                "run('uninstall', 'probe', namespace='probe', wait=True, timeout='10s')");
        final ProcessBuilder python = new ProcessBuilder("python3", "-c", driver, handler.toString(), work.toString());
        python.environment().put("TEST_OUTDIR", work.toString());
        python.environment().put("PATH", bin.resolve("helm") + ":" + System.getenv("PATH"));
        final Process process = python.redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), out);

        final List<String> unreachable = out.lines().filter(l -> l.startsWith("Error: kubernetes cluster unreachable"))
                .toList();
        assertEquals(2, unreachable.size(), out);
        assertFalse(out.contains("unknown flag"), out);
    }

    private static Path unzip(final String entryName, final Path directory) throws IOException {
        final Path target = directory.resolve(entryName);
        Files.createDirectories(target.getParent());
        try (ZipFile zip = new ZipFile(layer.toFile())) {
            final ZipEntry entry = zip.getEntry(entryName);
            assertNotNull(entry, "the layer has " + entryName + ": " + layer);
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertTrue(target.toFile().setExecutable(true));
        return target;
    }

    /** The S3 key of the kubectl handler function's code. */
    @SuppressWarnings("unchecked")
    private static String handlerObjectKey(final Template template) {
        final Map<String, Object> function = Resources.ofType(template, "AWS::Lambda::Function").entrySet().stream()
                .filter(e -> e.getKey().startsWith("ClusterKubectlProviderHandler")).map(Map.Entry::getValue)
                .findFirst().orElseThrow();
        return (String) ((Map<String, Object>) Resources.properties(function).get("Code")).get("S3Key");
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
