package com.ekspipeline.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the catalog's tables, the CSV files under {@code src/main/resources/} that ship in the jar. */
final class CsvResource {

    private CsvResource() {
    }

    /** Every line of {@code src/main/resources/<name>}, as written. */
    static List<String> lines(final String name) {
        try (InputStream in = CsvResource.class.getResourceAsStream("/" + name);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read src/main/resources/" + name, e);
        }
    }

    /**
     * The data rows of {@code src/main/resources/<name>}, each split at commas into at most {@code limit} cells
     * (0: no limit); blank lines, {@code #} comments and the header row, whose first cell is
     * {@code firstColumn}, are left out.
     */
    static List<String[]> rows(final String name, final String firstColumn, final int limit) {
        return lines(name).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith(firstColumn + ","))
                .map(line -> line.split(",", limit))
                .toList();
    }
}
