package com.ekspipeline.hello;

import java.time.Instant;

/** Starts the service and stops it gracefully when the JVM is asked to exit (SIGTERM from the kubelet). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Settings settings;
        VisitStore visits;
        try {
            settings = Settings.fromEnvironment(System.getenv());
            visits = new VisitStore(settings.dataDir());
        } catch (RuntimeException e) {
            System.err.println("hello cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        HelloServer server = new HelloServer(settings, visits).start();
        log("started on port " + server.port() + ", " + visits.current() + " visits so far");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping: draining for " + settings.drainSeconds() + " s");
            server.shutdown();
            log("stopped");
        }, "shutdown"));
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " hello " + message);
        System.out.flush();
    }
}
