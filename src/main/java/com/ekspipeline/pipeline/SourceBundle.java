package com.ekspipeline.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The pipeline's source: the sample service ({@code app/}) and its manifests ({@code k8s/}), zipped the
 * way the S3 source action hands them to CodeBuild. {@code cdk deploy} seeds the source bucket with it
 * and {@code scripts/release} uploads a new version of it.
 *
 * <p>The zip is byte-for-byte repeatable (sorted entries, fixed timestamps): the same files give the
 * same asset hash, so a deploy without changes to {@code app/} or {@code k8s/} uploads nothing and
 * starts no pipeline run. It holds the files git tracks there, not whatever the folders hold: an
 * editor's backup, a cache or a local build's output would change the seed asset's hash, and a
 * laptop's {@code cdk deploy} would then start a release nobody made. Outside a git checkout (an
 * unpacked archive) it holds every file but build output.
 */
public final class SourceBundle {

    static final List<String> ROOTS = List.of("app", "k8s");
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private SourceBundle() {
    }

    /** The relative paths that go into the zip, sorted; build output ({@code target/}) stays out. */
    public static List<String> files(final Path projectRoot) {
        final List<String> candidates = tracked(projectRoot).orElseGet(() -> ROOTS.stream()
                .flatMap(root -> walk(projectRoot.resolve(root)))
                .map(file -> projectRoot.relativize(file).toString().replace('\\', '/'))
                .toList());
        return candidates.stream()
                .filter(path -> !path.contains("/target/"))
                .filter(path -> Files.isRegularFile(projectRoot.resolve(path)))
                .sorted()
                .toList();
    }

    /** {@code git ls-files} under the roots (a tracked file deleted from the folder is skipped above). */
    private static Optional<List<String>> tracked(final Path projectRoot) {
        ROOTS.forEach(root -> walk(projectRoot.resolve(root)));  // each root must be there, git or not
        final List<String> command = new ArrayList<>(List.of("git", "ls-files", "-z", "--"));
        command.addAll(ROOTS);
        try {
            final Process git = new ProcessBuilder(command).directory(projectRoot.toAbsolutePath().toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final byte[] listed;
            try (InputStream out = git.getInputStream()) {
                listed = out.readAllBytes();
            }
            if (git.waitFor() != 0) {
                return Optional.empty();
            }
            return Optional.of(Arrays.stream(new String(listed, StandardCharsets.UTF_8).split("\0"))
                    .filter(path -> !path.isEmpty()).toList());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the pipeline source", e);
        }
    }

    public static byte[] zip(final Path projectRoot) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (final String path : files(projectRoot)) {
                final ZipEntry entry = new ZipEntry(path);
                entry.setTimeLocal(FIXED_TIME);
                zip.putNextEntry(entry);
                zip.write(Files.readAllBytes(projectRoot.resolve(path)));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot package the pipeline source", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes the zip as {@code <directory>/<file name of objectKey>} and returns the directory, ready to
     * be an asset whose extraction leaves exactly that one object in the bucket.
     */
    public static Path stage(final Path projectRoot, final Path directory, final String objectKey) {
        try {
            Files.createDirectories(directory);
            final Path target = directory.resolve(Path.of(objectKey).getFileName().toString());
            final byte[] zip = zip(projectRoot);
            if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), zip)) {
                // Written beside it and moved into place, so a synth running alongside (the test command
                // runs several) reads the old zip or the new one, never half of one.
                final Path partial = Files.createTempFile(directory, target.getFileName().toString(), ".partial");
                Files.write(partial, zip);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the pipeline source to " + directory, e);
        }
    }

    private static Stream<Path> walk(final Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("The pipeline source needs " + root + "; run from the project root.");
        }
        final List<Path> found = new ArrayList<>();
        try {
            // Build output is left out without being entered: a build may be writing it at the same time.
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(final Path dir, final BasicFileAttributes attributes) {
                    return dir.getFileName().toString().equals("target") && !dir.equals(root)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) {
                    if (Files.isRegularFile(file)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found.stream();
    }

    /** {@code scripts/release}: writes the zip to the path given. */
    public static void main(final String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SourceBundle <zip file to write>");
            System.exit(2);
        }
        final Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.write(out, zip(Path.of("")));
        System.out.println("wrote " + out + " (" + files(Path.of("")).size() + " files)");
    }
}
