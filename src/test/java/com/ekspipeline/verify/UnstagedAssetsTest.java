package com.ekspipeline.verify;

import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tests' shared apps (all but the default's) synthesize without copying their assets into the assembly:
 * that must leave every template as it is, or the tests would be reading other templates than synth writes.
 */
class UnstagedAssetsTest {

    @Test
    void everyTemplateIsTheSameWithTheAssetsLeftWhereTheyAre() {
        final TestContext context = TestContext.everythingOn();
        final List<Stack> staged = context.deploy(tempDir()).stacks();
        final List<Stack> unstaged = context.unstaged().deploy(tempDir()).stacks();
        assertEquals(staged.size(), unstaged.size());
        for (int i = 0; i < staged.size(); i++) {
            assertEquals(Synthesized.json(staged.get(i)), Synthesized.json(unstaged.get(i)),
                    staged.get(i).getStackName());
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target", "unstaged")), "assembly");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
