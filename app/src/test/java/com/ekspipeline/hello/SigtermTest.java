package com.ekspipeline.hello;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the service as its own process, as the container does, and sends it SIGTERM as the kubelet does. */
class SigtermTest {

    private static final Pattern STARTED = Pattern.compile("started on port (\\d+), (\\d+) visits so far");

    @TempDir
    Path volume;

    private final HttpClient client = HttpClient.newHttpClient();

    private record Running(Process process, Path log, int port, long visitsAtStart) {
    }

    /** Starts the service with its output in a file (Process.destroy closes the process's pipes). */
    private Running launch(String name) throws Exception {
        String javaBinary = ProcessHandle.current().info().command().orElseThrow();
        Path log = volume.resolveSibling(volume.getFileName() + "-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("PORT", "0", "DATA_DIR", volume.toString(),
                "DRAIN_SECONDS", "1", "GRACE_SECONDS", "10", "POD_NAME", "hello-0"));
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher started = STARTED.matcher(Files.readString(log));
            if (started.find()) {
                return new Running(process, log, Integer.parseInt(started.group(1)),
                        Long.parseLong(started.group(2)));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new AssertionError("the service did not start: " + Files.readString(log));
    }

    private HttpResponse<String> get(Running running, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sigtermFinishesTheRequestInFlightAndTheCountSurvivesARestart() throws Exception {
        Running first = launch("first");
        assertEquals(0, first.visitsAtStart());
        get(first, "/");
        get(first, "/");
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + first.port() + "/work?ms=1500")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);

        first.process().destroy(); // SIGTERM on Linux and macOS

        assertEquals(200, inFlight.get(15, TimeUnit.SECONDS).statusCode());
        assertTrue(first.process().waitFor(20, TimeUnit.SECONDS), "exits after draining");
        assertEquals(143, first.process().exitValue(), "the JVM's exit status after SIGTERM");
        List<String> rest = Files.readAllLines(first.log());
        assertTrue(rest.stream().anyMatch(l -> l.endsWith("hello stopping: draining for 1 s")), rest.toString());
        assertTrue(rest.stream().anyMatch(l -> l.endsWith("hello stopped")), rest.toString());

        Running second = launch("second");
        try {
            assertEquals(2, second.visitsAtStart(), "the count is read back from the volume");
            assertTrue(get(second, "/").body().contains("kept on its volume: 3."));
        } finally {
            second.process().destroy();
            second.process().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
