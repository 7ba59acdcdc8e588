package com.ekspipeline.pipeline;

import com.ekspipeline.core.Nag;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.IBuildImage;
import software.amazon.awscdk.services.codebuild.LinuxArmBuildImage;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.amazon.awscdk.services.codebuild.ReportGroup;
import software.amazon.awscdk.services.codebuild.ReportGroupType;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.RepositoryEncryption;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.kms.IAlias;

import java.util.List;
import java.util.Map;

/**
 * The build: the ECR repository of the service's images, and the CodeBuild project that runs the
 * service's tests (reported to a report group), builds its image with Jib and pushes it there. Created in the
 * stack's own scope, so that the repository keeps its logical ID.
 */
final class ImageBuild {

    /**
     * The prefix of the tag each deploy adds to the image it runs ({@code deployed-<stage>-<build tag>},
     * in deploy.yml), which the repository's first lifecycle rule keeps.
     */
    static final String DEPLOYED_TAG_PREFIX = "deployed-";

    /** How many images of those a stage ran the first rule keeps: in effect all of them. */
    static final int DEPLOYED_IMAGES_KEPT = 9999;

    /** Images only built (never deployed) beyond this many newest images expire. */
    static final int IMAGES_KEPT = 20;

    /** The CodeBuild report group name, as {@code build.yml}'s {@code reports} section names it. */
    static final String TEST_REPORT = "unit-tests";

    /**
     * @param appName        names the project ({@code <app>-build}) and the repository ({@code <app>/hello})
     * @param arm            whether the nodes run on Graviton; the image is built on their architecture
     * @param mixedArchitectures whether some node groups are Graviton and others not; synth warns then
     * @param timeoutMinutes the build action's limit
     * @param artifactKey    the key CodeBuild encrypts its output with
     */
    record Props(String appName, boolean arm, boolean mixedArchitectures, int timeoutMinutes, IAlias artifactKey) {
    }

    private final Repository images;
    private final PipelineProject project;

    ImageBuild(final Stack scope, final Props props) {
        images = Repository.Builder.create(scope, "Images")
                .repositoryName(props.appName() + "/hello")
                .imageScanOnPush(true)
                .imageTagMutability(TagMutability.IMMUTABLE)
                .encryption(RepositoryEncryption.AES_256)
                .lifecycleRules(lifecycleRules())
                .emptyOnDelete(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        final String name = props.appName() + "-build";
        project = PipelineProject.Builder.create(scope, "BuildProject")
                .projectName(name)
                .description("Tests the service, builds its image and pushes it to " + images.getRepositoryName())
                .environment(BuildEnvironment.builder()
                        .buildImage(buildImage(props.arm()))
                        .computeType(ComputeType.MEDIUM)
                        // Jib builds and pushes the image without a Docker daemon: no root on the host.
                        .privileged(false)
                        .build())
                .environmentVariables(Map.of("REPOSITORY_URI", CodeBuildDefaults.plain(images.getRepositoryUri())))
                .timeout(Duration.minutes(props.timeoutMinutes()))
                .encryptionKey(props.artifactKey())
                .logging(CodeBuildDefaults.logging(scope, "BuildLogs"))
                .build();
        Buildspecs.embed(project, "build.yml");
        images.grantPullPush(project);
        images.grant(project, "ecr:DescribeImages");
        ReportGroup.Builder.create(scope, "UnitTestReports")
                .reportGroupName(name + "-" + TEST_REPORT) // CodeBuild prefixes report names with the project's
                .type(ReportGroupType.TEST)
                .deleteReports(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build()
                .grantWrite(project);
        CodeBuildDefaults.excuseRoleFindings(project.getRole());
        Nag.suppress(project.getRole(), "AwsSolutions-IAM5", "ecr:GetAuthorizationToken takes no resource; the push "
                + "actions are limited to the pipeline's repository.", "Resource::*");

        if (props.mixedArchitectures()) {
            Annotations.of(scope).addWarningV2("eks-pipeline:mixedArchitectures", "The node groups mix Graviton "
                    + "(arm64) and x86_64 instances, but the pipeline builds the service for x86_64 only; pods "
                    + "scheduled on Graviton nodes will not start. Use one architecture, or add a nodeSelector.");
        }
    }

    /**
     * A stage rollback redeploys an earlier execution's IMAGE_URI, and parked nodes pull the running image
     * again in the morning, so no image a stage ran may expire. ECR has no "keep" action, but an image
     * that a higher-priority rule's tag selection matches can never be expired by a lower-priority rule:
     * the first rule matches every image a deploy tagged and expires only beyond 9,999 of them; the second
     * expires images beyond the 20 newest, which can then only be images no stage ever ran.
     * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (lifecycle policy evaluation rules)
     * https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html
     */
    static List<LifecycleRule> lifecycleRules() {
        return List.of(
                LifecycleRule.builder()
                        .rulePriority(1)
                        .description("Keep every image a stage ran: a rollback or a node may pull it again")
                        .tagPrefixList(List.of(DEPLOYED_TAG_PREFIX))
                        .maxImageCount(DEPLOYED_IMAGES_KEPT)
                        .build(),
                LifecycleRule.builder()
                        .rulePriority(2)
                        .description("Of the images only built, keep those among the " + IMAGES_KEPT + " newest")
                        .maxImageCount(IMAGES_KEPT)
                        .build());
    }

    Repository images() {
        return images;
    }

    PipelineProject project() {
        return project;
    }

    private static IBuildImage buildImage(final boolean arm) {
        return arm ? LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0 : LinuxBuildImage.STANDARD_7_0;
    }
}
