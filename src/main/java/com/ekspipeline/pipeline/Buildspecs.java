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
        embedText(project, read(fileName));
    }

    /** The deploy's kubeconfig line, and its load balancer wait: where a stage's own cluster differs. */
    static final String KUBECONFIG = "aws eks update-kubeconfig --name \"${CLUSTER_NAME:?}\" --region \"$AWS_REGION\"";
    static final String LOAD_BALANCER_WAIT = "bash k8s/wait-for-load-balancer \"$host\" 420";

    /**
     * deploy.yml for a stage on a cluster of its own, maybe in another account and region: kubectl and the
     * load balancer wait act as the stage's deploy role (DEPLOY_ROLE_ARN, in CLUSTER_REGION) through a
     * profile whose source is CodeBuild's own credentials ({@code credential_source = EcsContainer},
     * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html), while the image's tag is
     * still written with the project's own role, in the delivery account's repository. The same file, so
     * the default's template keeps its buildspec byte for byte; a line that is not found fails synth.
     */
    static String deployAsStageRole() {
        final String text = read("deploy.yml");
        if (!text.contains(KUBECONFIG) || !text.contains(LOAD_BALANCER_WAIT)) {
            throw new IllegalStateException("buildspecs/deploy.yml no longer has the lines a stage's own cluster "
                    + "replaces: " + KUBECONFIG + " and " + LOAD_BALANCER_WAIT);
        }
        return text.replace(KUBECONFIG, String.join("\n        ",
                        "# The stage's own cluster: act as the role its account holds for this project only.",
                        "mkdir -p ~/.aws",
                        "printf '[profile stage]\\nrole_arn = %s\\ncredential_source = EcsContainer\\nregion = %s\\n' \\",
                        "  \"${DEPLOY_ROLE_ARN:?}\" \"${CLUSTER_REGION:?}\" >> ~/.aws/config",
                        "aws eks update-kubeconfig --name \"${CLUSTER_NAME:?}\" --region \"$CLUSTER_REGION\" --profile stage"))
                .replace(LOAD_BALANCER_WAIT, "AWS_PROFILE=stage AWS_REGION=\"$CLUSTER_REGION\" " + LOAD_BALANCER_WAIT);
    }

    static void embedText(final Project project, final String text) {
        ((CfnProject) project.getNode().getDefaultChild()).addPropertyOverride("Source.BuildSpec", text);
    }
}
