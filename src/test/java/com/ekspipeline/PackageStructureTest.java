package com.ekspipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the production code: packages that depend on each other in one direction only, and
 * files short enough to have one job each.
 */
class PackageStructureTest {

    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package (com\\.ekspipeline[\\w.]*);");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?(com\\.ekspipeline[\\w.]*?)\\.[A-Z]");
    /** Production files longer than this usually do more than one job. */
    private static final int MAX_LINES = 250;

    private static final Map<String, Set<String>> IMPORTS = new TreeMap<>();
    private static final Map<Path, Integer> LINES = new TreeMap<>();

    @BeforeAll
    static void read() {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (final Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                final String text = Files.readString(file);
                final Matcher pkg = PACKAGE.matcher(text);
                assertTrue(pkg.find(), file + " declares no package");
                final Set<String> imported = IMPORTS.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
                final Matcher imports = IMPORT.matcher(text);
                while (imports.find()) {
                    if (!imports.group(1).equals(pkg.group(1))) {
                        imported.add(imports.group(1));
                    }
                }
                LINES.put(file, (int) text.lines().count());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noPackageImportsAPackageThatImportsItBack() {
        final List<String> cycles = new ArrayList<>();
        IMPORTS.keySet().forEach(start -> findCycle(start, new ArrayList<>(List.of(start)), cycles));
        assertEquals(List.of(), cycles, "package cycles, each from its alphabetically first package");
    }

    /** Depth-first from {@code path}'s last package; reports each cycle once, from its smallest member. */
    private static void findCycle(final String start, final List<String> path, final List<String> cycles) {
        for (final String next : IMPORTS.getOrDefault(path.get(path.size() - 1), Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (!path.contains(next) && next.compareTo(start) > 0) {
                path.add(next);
                findCycle(start, path, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    @Test
    void theCheckSeesTheAppsPackages() {
        assertTrue(IMPORTS.keySet().containsAll(List.of("com.ekspipeline", "com.ekspipeline.config",
                "com.ekspipeline.cluster", "com.ekspipeline.pipeline", "com.ekspipeline.catalog")), IMPORTS.toString());
        assertTrue(IMPORTS.get("com.ekspipeline").contains("com.ekspipeline.cluster"), IMPORTS.toString());
    }

    @Test
    void dataTheConfigurationAndTheCostBothReadDependsOnNeither() {
        assertEquals(Set.of(), IMPORTS.get("com.ekspipeline.catalog"));
    }

    @Test
    void noProductionFileIsLongerThan250Lines() {
        final Map<Path, Integer> tooLong = new TreeMap<>();
        LINES.forEach((file, lines) -> {
            if (lines > MAX_LINES) {
                tooLong.put(file, lines);
            }
        });
        assertEquals(Map.of(), tooLong);
    }
}
