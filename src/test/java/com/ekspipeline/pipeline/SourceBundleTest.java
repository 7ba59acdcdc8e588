package com.ekspipeline.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source bundle holds the files git tracks, so what is lying around in the folders changes nothing. */
class SourceBundleTest {

    @TempDir
    Path checkout;

    private void run(final String... command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).directory(checkout.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, process.waitFor(), String.join(" ", command));
    }

    private void write(final String path, final String text) throws IOException {
        Files.createDirectories(checkout.resolve(path).getParent());
        Files.writeString(checkout.resolve(path), text);
    }

    @Test
    void untrackedFilesStayOutAndLeaveTheBytesAsTheyWere() throws IOException, InterruptedException {
        run("git", "init", "-q");
        write("app/pom.xml", "<project/>");
        write("k8s/base/kustomization.yaml", "resources: []\n");
        run("git", "add", "app", "k8s");
        final byte[] before = SourceBundle.zip(checkout);

        write("app/pom.xml~", "an editor's backup");
        write("app/.idea/workspace.xml", "<settings/>");
        write("k8s/base/scratch.yaml", "kind: Nothing\n");

        assertEquals(List.of("app/pom.xml", "k8s/base/kustomization.yaml"), SourceBundle.files(checkout));
        assertArrayEquals(before, SourceBundle.zip(checkout), "the seed asset's hash does not move");
    }

    @Test
    void outsideAGitCheckoutEveryFileButBuildOutputGoesIn() throws IOException {
        write("app/pom.xml", "<project/>");
        write("app/target/classes/A.class", "built");
        write("k8s/base/kustomization.yaml", "resources: []\n");

        assertEquals(List.of("app/pom.xml", "k8s/base/kustomization.yaml"), SourceBundle.files(checkout));
    }
}
