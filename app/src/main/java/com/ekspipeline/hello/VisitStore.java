package com.ekspipeline.hello;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A visit count kept in one file on the pod's persistent volume, so it survives a restart of the pod.
 * Each update writes a temporary file and renames it over the old one: a pod killed mid-write leaves
 * the previous count, never half a number.
 */
final class VisitStore {

    private final Path file;
    private long count;

    VisitStore(Path dataDir) {
        this.file = dataDir.resolve("visits");
        try {
            Files.createDirectories(dataDir);
            this.count = Files.exists(file) ? parse(Files.readString(file, StandardCharsets.UTF_8)) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the visit count in " + file, e);
        }
    }

    private long parse(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " holds '" + text.strip() + "', not a visit count.", e);
        }
    }

    synchronized long increment() {
        long next = count + 1;
        Path temporary = file.resolveSibling("visits.tmp");
        try {
            Files.writeString(temporary, Long.toString(next), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the visit count to " + file, e);
        }
        count = next;
        return next;
    }

    synchronized long current() {
        return count;
    }
}
