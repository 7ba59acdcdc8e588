package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.core.Nag;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.amazon.awscdk.services.codepipeline.Artifact;
import software.amazon.awscdk.services.codepipeline.ExecutionMode;
import software.amazon.awscdk.services.codepipeline.FailureConditions;
import software.amazon.awscdk.services.codepipeline.IAction;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.codepipeline.Result;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.codepipeline.actions.CodeBuildAction;
import software.amazon.awscdk.services.codepipeline.actions.LambdaInvokeAction;
import software.amazon.awscdk.services.codepipeline.actions.ManualApprovalAction;
import software.amazon.awscdk.services.codepipeline.actions.S3SourceAction;
import software.amazon.awscdk.services.codepipeline.actions.S3Trigger;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.CodePipeline;
import software.amazon.awscdk.services.kms.Alias;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.IConstruct;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pipeline itself: Source → Build → Staging (deploy, smoke test) → Approval → Production (deploy,
 * smoke test), the approval topic, and the EventBridge rule that starts a run for every new version of
 * the source zip. The build's {@code IMAGE_URI} reaches both deploys, and each deploy's
 * {@code SERVICE_URL} its smoke test and the approval message, as pipeline variables.
 */
final class ReleasePipeline {

    static final String BUILD_NAMESPACE = "BuildVariables";

    /**
     * @param appName         names the pipeline and the approval topic
     * @param source          the source and artifact buckets
     * @param sourceObjectKey the key whose new versions start a run
     * @param build           the build project
     * @param deploys         the deploy project of each stage
     * @param smokeTest       the smoke-test function
     * @param smokeTestSeconds how long the smoke test keeps trying
     * @param approvalEmail   who is emailed when a release waits for approval; empty: only the topic
     */
    record Props(String appName, SourceStore source, String sourceObjectKey, PipelineProject build,
                 Deploys deploys, IFunction smokeTest, int smokeTestSeconds, Optional<String> approvalEmail) {
    }

    private final Pipeline pipeline;
    private final Topic approvals;

    ReleasePipeline(final Stack scope, final Props props) {
        approvals = Topic.Builder.create(scope, "Approvals")
                .displayName(props.appName() + " release approvals")
                .masterKey(Alias.fromAliasName(scope, "SnsKey", "alias/aws/sns"))
                .enforceSsl(true)
                .build();
        props.approvalEmail().ifPresent(email -> approvals.addSubscription(new EmailSubscription(email)));

        final Artifact source = Artifact.artifact("Source");
        final S3SourceAction sourceAction = S3SourceAction.Builder.create()
                .actionName("Source")
                .bucket(props.source().sourceBucket())
                .bucketKey(props.sourceObjectKey())
                .trigger(S3Trigger.NONE) // the SourceUploaded rule starts runs, without a CloudTrail trail
                .output(source)
                .build();
        final CodeBuildAction buildAction = CodeBuildAction.Builder.create()
                .actionName("TestBuildPush")
                .project(props.build())
                .input(source)
                .variablesNamespace(BUILD_NAMESPACE)
                .environmentVariables(Map.of("EXECUTION_ID", CodeBuildDefaults.plain("#{codepipeline.PipelineExecutionId}")))
                .build();

        final Map<Stage, CodeBuildAction> deployActions = new EnumMap<>(Stage.class);
        for (final Stage stage : Stage.values()) {
            deployActions.put(stage, CodeBuildAction.Builder.create()
                    .actionName("Deploy")
                    .project(props.deploys().project(stage))
                    .input(source)
                    .variablesNamespace(stage.title() + "DeployVariables")
                    // Sorted: the variables become one JSON string, which must not change between synths.
                    .environmentVariables(new TreeMap<>(Map.of(
                            "IMAGE_URI", CodeBuildDefaults.plain(buildAction.variable("IMAGE_URI")),
                            "IMAGE_DIGEST", CodeBuildDefaults.plain(buildAction.variable("IMAGE_DIGEST")))))
                    .runOrder(1)
                    .build());
        }
        final ManualApprovalAction approve = ManualApprovalAction.Builder.create()
                .actionName("Approve")
                .notificationTopic(approvals)
                .additionalInformation("Staging runs " + buildAction.variable("IMAGE_URI") + " at "
                        + deployActions.get(Stage.STAGING).variable("SERVICE_URL")
                        + " and passed its smoke test. Approve to deploy it to production.")
                .runOrder(1)
                .build();

        // Seeded before the pipeline exists: its first run (CloudFormation starts one on creation) finds
        // the source, and the upload does not start a second run.
        final IConstruct seed = props.source().seed();
        pipeline = Pipeline.Builder.create(scope, "Pipeline")
                .pipelineName(props.appName())
                .pipelineType(PipelineType.V2)
                .executionMode(ExecutionMode.QUEUED)
                .artifactBucket(props.source().artifacts())
                .restartExecutionOnUpdate(false)
                .role(props.deploys().pipelineRoleName().map(name -> (IRole) Role.Builder.create(scope, "PipelineRole")
                        .roleName(name)
                        .assumedBy(new ServicePrincipal("codepipeline.amazonaws.com"))
                        .build()).orElse(null))
                .stages(List.of(
                        stage("Source", sourceAction),
                        stage("Build", buildAction),
                        rollingBack("Staging", deployActions.get(Stage.STAGING),
                                smoke(props, deployActions.get(Stage.STAGING), 2)),
                        // A stage of its own that does not roll back: a rejection fails an action, and a
                        // failed stage with ROLLBACK re-runs from its first action with the last good
                        // execution, so in Production a rejection would ask to approve the release
                        // production already runs, holding the stage until answered.
                        // https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-approve-or-reject.html
                        stage("Approval", approve),
                        production(props, deployActions.get(Stage.PRODUCTION))))
                .build();
        props.deploys().prerequisites().forEach(p -> pipeline.getNode().addDependency(p));
        if (!props.deploys().productionEntryAlarms().isEmpty()) {
            ProductionEntry.allowReading(pipeline, props.deploys().productionEntryAlarms());
        }
        pipeline.getNode().addDependency(seed);

        Rule.Builder.create(scope, "SourceUploaded")
                .description("Starts the pipeline when a new version of the source zip is uploaded")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.s3"))
                        .detailType(List.of("Object Created"))
                        .detail(Map.of(
                                "bucket", Map.of("name", List.of(props.source().sourceBucket().getBucketName())),
                                "object", Map.of("key", List.of(props.sourceObjectKey()))))
                        .build())
                .targets(List.of(new CodePipeline(pipeline)))
                .build();
        excuseNagFindings(scope);
    }

    String pipelineName() {
        return pipeline.getPipelineName();
    }

    String approvalTopicArn() {
        return approvals.getTopicArn();
    }

    /** The roles CDK makes for the pipeline and its actions. */
    private void excuseNagFindings(final Stack scope) {
        final String reason = CodeBuildDefaults.S3_REASON;
        final Object[] grants = CodeBuildDefaults.S3_GRANTS;
        Nag.suppress(pipeline.getRole(), "AwsSolutions-IAM5", reason, grants);
        Nag.suppressPath(scope, "Pipeline/Source/Source/CodePipelineActionRole", "AwsSolutions-IAM5", reason, grants);
        for (final String stage : List.of("Staging", "Production")) {
            Nag.suppressPath(scope, "Pipeline/" + stage + "/SmokeTest/CodePipelineActionRole", "AwsSolutions-IAM5",
                    "CDK's Lambda invoke action: lambda:ListFunctions takes no resource, and invoke covers the "
                            + "smoke-test function's versions (:*).",
                    "Resource::*", Nag.matching("^Resource::<SmokeTest[0-9A-F]+\\.Arn>:\\*$"));
        }
        Nag.suppressPath(scope, "Pipeline/Approval/Approve/CodePipelineActionRole", "AwsSolutions-IAM5",
                CodeBuildDefaults.KMS_REASON, "Action::kms:GenerateDataKey*", CodeBuildDefaults.KMS_ALIAS);
    }

    private static StageProps stage(final String name, final IAction... actions) {
        return StageProps.builder().stageName(name).actions(List.of(actions)).build();
    }

    /**
     * A stage that, when any of its actions fails (the deploy or the smoke test), rolls itself back: it
     * runs again with the variables and artifacts of the last execution that succeeded in it, so the
     * deploy applies that execution's IMAGE_URI and manifests.
     * https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html
     */
    private static StageProps rollingBack(final String name, final IAction... actions) {
        return StageProps.builder().stageName(name).actions(List.of(actions))
                .onFailure(FailureConditions.builder().result(Result.ROLLBACK).build())
                .build();
    }

    Pipeline pipeline() {
        return pipeline;
    }

    /** Production rolls back as staging does; with split stages, also guarded by staging's alarm. */
    private static StageProps production(final Props props, final CodeBuildAction deploy) {
        final StageProps rolling = rollingBack("Production", deploy, smoke(props, deploy, 2));
        return props.deploys().productionEntryAlarms().isEmpty() ? rolling
                : ProductionEntry.guarded(rolling, props.deploys().productionEntryAlarms());
    }

    private static LambdaInvokeAction smoke(final Props props, final CodeBuildAction deploy, final int runOrder) {
        return LambdaInvokeAction.Builder.create()
                .actionName("SmokeTest")
                .lambda(props.smokeTest())
                // Sorted: the parameters become one JSON string, which must not change between synths.
                .userParameters(new TreeMap<>(Map.of(
                        "url", deploy.variable("SERVICE_URL"),
                        "expect", SmokeTestFunction.EXPECTS,
                        "budgetSeconds", props.smokeTestSeconds())))
                .runOrder(runOrder)
                .build();
    }
}
