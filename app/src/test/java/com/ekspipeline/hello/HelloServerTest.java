package com.ekspipeline.hello;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelloServerTest {

    @TempDir
    Path volume;

    private final HttpClient client = HttpClient.newHttpClient();
    private HelloServer server;

    private HelloServer start(int drainSeconds) {
        server = new HelloServer(new Settings(0, volume, "v7", "hello-0", drainSeconds, 10),
                new VisitStore(volume)).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null && server.isReady()) {
            server.shutdown();
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pageCountsVisitsAndNamesThePodAndVersion() throws Exception {
        start(0);
        get("/");
        HttpResponse<String> second = get("/");
        assertEquals(200, second.statusCode());
        assertTrue(second.body().contains("Hello from hello-0"), second.body());
        assertTrue(second.body().contains("Version v7. Visits served by this pod, kept on its volume: 2."),
                second.body());
    }

    @Test
    void probesAnswer() throws Exception {
        start(0);
        assertEquals(200, get("/healthz").statusCode());
        HttpResponse<String> ready = get("/readyz");
        assertEquals(200, ready.statusCode());
        assertEquals("ready\n", ready.body());
    }

    @Test
    void probesDoNotCountAsVisits() throws Exception {
        start(0);
        get("/healthz");
        get("/readyz");
        assertEquals(0, new VisitStore(volume).current());
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        start(0);
        assertEquals(404, get("/nope").statusCode());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void workBurnsTheAskedTimeWithinItsCap() throws Exception {
        start(0);
        long started = System.nanoTime();
        HttpResponse<String> response = get("/work?ms=300");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("worked 300 ms"), response.body());
        assertTrue(tookMillis >= 300, "took " + tookMillis + " ms");
        assertTrue(get("/work?ms=99999").body().startsWith("worked " + HelloServer.MAX_WORK_MILLIS + " ms"));
        assertEquals(400, get("/work?ms=lots").statusCode());
    }

    @Test
    void shutdownTurnsUnreadyFirstThenFinishesInFlightRequests() throws Exception {
        start(1);
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/work?ms=1500")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(200);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::shutdown);
        Thread.sleep(200);

        assertFalse(server.isReady());
        HttpResponse<String> readiness = get("/readyz");
        assertEquals(503, readiness.statusCode(), "unready while draining");
        assertEquals(200, get("/healthz").statusCode(), "still alive while draining");

        assertEquals(200, inFlight.get(10, TimeUnit.SECONDS).statusCode());
        stopping.get(15, TimeUnit.SECONDS);
        assertThrows(IOException.class, () -> get("/healthz"), "no longer listening");
    }
}
