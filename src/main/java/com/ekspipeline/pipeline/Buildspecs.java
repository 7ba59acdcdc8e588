package com.ekspipeline.pipeline;

import software.amazon.awscdk.services.codebuild.CfnProject;
import software.amazon.awscdk.services.codebuild.Project;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The buildspecs in {@code buildspecs/}, embedded verbatim into their CodeBuild projects: what is
 * reviewed and linted in the repository is exactly what CodeBuild runs, comments included, and a new
 * source upload cannot change it.
 */
final class Buildspecs {

    static final Path DIRECTORY = Path.of("buildspecs");

    private Buildspecs() {
    }

    static String read(final String fileName) {
        try {
            return Files.readString(DIRECTORY.resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + DIRECTORY.resolve(fileName), e);
        }
    }

    /** Sets the project's buildspec to the file's text, as is (CDK's BuildSpec would re-serialize it). */
    static void embed(final Project project, final String fileName) {
        ((CfnProject) project.getNode().getDefaultChild()).addPropertyOverride("Source.BuildSpec", read(fileName));
    }
}
