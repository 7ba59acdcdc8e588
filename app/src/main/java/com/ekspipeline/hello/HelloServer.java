package com.ekspipeline.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP side of the service: a page that counts visits, health and readiness probes, and a
 * {@code /work} endpoint that burns CPU so the autoscalers have something to react to.
 *
 * <p>Shutdown follows what Kubernetes expects on SIGTERM: readiness turns 503 at once so the Service
 * stops sending new traffic, the server keeps answering for {@code drainSeconds} while endpoints
 * catch up, then stops accepting and waits up to {@code graceSeconds} for requests still in flight.
 */
final class HelloServer {

    static final int MAX_WORK_MILLIS = 2_000;

    private final Settings settings;
    private final VisitStore visits;
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer server;

    HelloServer(Settings settings, VisitStore visits) {
        this.settings = settings;
        this.visits = visits;
    }

    HelloServer start() {
        try {
            server = HttpServer.create(new InetSocketAddress(settings.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on port " + settings.port(), e);
        }
        server.createContext("/", this::page);
        server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", exchange -> respond(exchange, ready.get() ? 200 : 503, "text/plain",
                ready.get() ? "ready\n" : "draining\n"));
        server.createContext("/work", this::work);
        server.setExecutor(executor);
        server.start();
        ready.set(true);
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    boolean isReady() {
        return ready.get();
    }

    /** Drains and stops; returns once in-flight requests have finished or the grace period ran out. */
    void shutdown() {
        ready.set(false);
        sleep(Duration.ofSeconds(settings.drainSeconds()));
        server.stop(settings.graceSeconds());
        executor.shutdown();
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            respond(exchange, 404, "text/plain", "not found\n");
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            respond(exchange, 405, "text/plain", "only GET\n");
            return;
        }
        long count = visits.increment();
        respond(exchange, 200, "text/html; charset=utf-8", """
                <!doctype html>
                <title>hello</title>
                <h1>Hello from %s</h1>
                <p>Version %s. Visits served by this pod, kept on its volume: %d.</p>
                """.formatted(escape(settings.podName()), escape(settings.version()), count));
    }

    private void work(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        int millis = 100;
        if (query != null && query.startsWith("ms=")) {
            try {
                millis = Integer.parseInt(query.substring(3));
            } catch (NumberFormatException e) {
                respond(exchange, 400, "text/plain", "ms must be a whole number of milliseconds\n");
                return;
            }
        }
        millis = Math.max(0, Math.min(millis, MAX_WORK_MILLIS));
        long until = System.nanoTime() + Duration.ofMillis(millis).toNanos();
        long spins = 0;
        while (System.nanoTime() < until) {
            spins++;
        }
        respond(exchange, 200, "text/plain", "worked " + millis + " ms (" + spins + " spins)\n");
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
