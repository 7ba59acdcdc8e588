package com.ekspipeline.pipeline;

import com.ekspipeline.core.AppStack;
import com.ekspipeline.core.Nag;
import com.ekspipeline.cluster.ClusterStack;
import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.config.PipelineConfig;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.CloudWatchLoggingOptions;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.IBuildImage;
import software.amazon.awscdk.services.codebuild.LinuxArmBuildImage;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codebuild.LoggingOptions;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.amazon.awscdk.services.codebuild.ReportGroup;
import software.amazon.awscdk.services.codebuild.ReportGroupType;
import software.amazon.awscdk.services.codepipeline.Artifact;
import software.amazon.awscdk.services.codepipeline.ExecutionMode;
import software.amazon.awscdk.services.codepipeline.IAction;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.codepipeline.actions.CodeBuildAction;
import software.amazon.awscdk.services.codepipeline.actions.LambdaInvokeAction;
import software.amazon.awscdk.services.codepipeline.actions.ManualApprovalAction;
import software.amazon.awscdk.services.codepipeline.actions.S3SourceAction;
import software.amazon.awscdk.services.codepipeline.actions.S3Trigger;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.RepositoryEncryption;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.eks_v2.AccessEntry;
import software.amazon.awscdk.services.eks_v2.AccessPolicy;
import software.amazon.awscdk.services.eks_v2.AccessPolicyNameOptions;
import software.amazon.awscdk.services.eks_v2.AccessScopeType;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.CodePipeline;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Alias;
import software.amazon.awscdk.services.kms.IAlias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.assets.AssetOptions;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The delivery pipeline: a new source zip in S3 → tests, image build and push to ECR → deploy to the
 * {@code staging} namespace and smoke-test it → a person approves → deploy to {@code production} and
 * smoke-test it.
 *
 * <p>Each stage's deploy project runs in the VPC's private subnets (it reaches the cluster through its
 * private endpoint) with a role that EKS lets act only in that stage's namespace. Everything here,
 * buckets and images included, is deleted by {@code cdk destroy}.
 */
public final class PipelineStack extends AppStack {

    /** The CodeBuild report group name, as {@code build.yml}'s {@code reports} section names it. */
    static final String TEST_REPORT = "unit-tests";
    static final String BUILD_NAMESPACE = "BuildVariables";
    private static final String SMOKE_TEST_EXPECTS = "Hello from";

    private final Pipeline pipeline;
    private final Bucket sourceBucket;
    private final Map<Stage, Role> deployRoles = new EnumMap<>(Stage.class);
    /** CodeBuild's output encryption, named explicitly: the account's AWS-managed S3 key, at no cost. */
    private final IAlias artifactKey;

    public PipelineStack(final Construct scope, final String id, final AppConfig config, final IVpc vpc,
                         final ClusterStack clusterStack) {
        super(scope, id, config, "pipeline",
                "Delivery pipeline for " + config.appName() + ": S3 source, build, staging, approval, production");
        final PipelineConfig settings = config.pipeline();
        final Cluster cluster = clusterStack.getCluster();

        final Bucket accessLogs = Bucket.Builder.create(this, "AccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .expiration(Duration.days(config.logRetentionDays())).build()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .autoDeleteObjects(true)
                .build();
        sourceBucket = privateBucket("SourceBucket", accessLogs, "source/", true);
        final Bucket artifacts = privateBucket("Artifacts", accessLogs, "artifacts/", false);

        final Repository images = Repository.Builder.create(this, "Images")
                .repositoryName(config.appName() + "/hello")
                .imageScanOnPush(true)
                .imageTagMutability(TagMutability.IMMUTABLE)
                .encryption(RepositoryEncryption.AES_256)
                .lifecycleRules(List.of(software.amazon.awscdk.services.ecr.LifecycleRule.builder()
                        .description("Keep the 20 newest images").maxImageCount(20).build()))
                .emptyOnDelete(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        artifactKey = Alias.fromAliasName(this, "S3Key", "alias/aws/s3");
        final PipelineProject build = buildProject(config, images);
        final Map<Stage, PipelineProject> deploys = new EnumMap<>(Stage.class);
        final List<Construct> deployPrerequisites = new ArrayList<>();
        final SecurityGroup deployGroup = SecurityGroup.Builder.create(this, "DeploySecurityGroup")
                .vpc(vpc)
                .description("CodeBuild deploy projects: out to the EKS API, ECR and the kubectl download")
                .allowAllOutbound(true)
                .build();
        deployPrerequisites.add(CfnSecurityGroupIngress.Builder.create(this, "DeployToClusterApi")
                .groupId(cluster.getClusterSecurityGroupId())
                .sourceSecurityGroupId(deployGroup.getSecurityGroupId())
                .ipProtocol("tcp").fromPort(443).toPort(443)
                .description("CodeBuild deploy projects to the EKS API on its private endpoint")
                .build());
        for (final Stage stage : Stage.values()) {
            final Role role = Role.Builder.create(this, stage.title() + "DeployRole")
                    .assumedBy(new ServicePrincipal("codebuild.amazonaws.com"))
                    .description("Deploys to the " + stage.namespace() + " namespace only")
                    .build();
            role.addToPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("eks:DescribeCluster"))
                    .resources(List.of(cluster.getClusterArn()))
                    .build());
            deployRoles.put(stage, role);
            deployPrerequisites.add(AccessEntry.Builder.create(this, stage.title() + "DeployAccess")
                    .cluster(cluster)
                    .principal(role.getRoleArn())
                    .accessPolicies(List.of(AccessPolicy.fromAccessPolicyName("AmazonEKSEditPolicy",
                            AccessPolicyNameOptions.builder()
                                    .accessScopeType(AccessScopeType.NAMESPACE)
                                    .namespaces(List.of(stage.namespace()))
                                    .build())))
                    .build());
            deploys.put(stage, deployProject(config, stage, role, vpc, deployGroup, cluster));
        }

        final Function smokeTest = smokeTestFunction(settings);
        final Topic approvals = Topic.Builder.create(this, "Approvals")
                .displayName(config.appName() + " release approvals")
                .masterKey(Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"))
                .enforceSsl(true)
                .build();
        settings.approvalEmail().ifPresent(email -> approvals.addSubscription(new EmailSubscription(email)));

        final BucketDeployment seed = BucketDeployment.Builder.create(this, "SeedSource")
                .sources(List.of(Source.asset(SourceBundle.stage(Path.of(""),
                        Path.of("target", "source-bundle"), settings.sourceObjectKey()).toString())))
                .destinationBucket(sourceBucket)
                .destinationKeyPrefix(keyPrefix(settings.sourceObjectKey()))
                .extract(true)
                .prune(false)
                .retainOnDelete(false)
                .memoryLimit(512)
                .logGroup(logGroup("SeedSourceLogs"))
                .build();

        pipeline = pipeline(config, artifacts, build, deploys, smokeTest, approvals);
        deployPrerequisites.forEach(p -> pipeline.getNode().addDependency(p));
        // Seeded before the pipeline exists: its first run (CloudFormation starts one on creation) finds
        // the source, and the upload does not start a second run.
        pipeline.getNode().addDependency(seed);

        Rule.Builder.create(this, "SourceUploaded")
                .description("Starts the pipeline when a new version of the source zip is uploaded")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.s3"))
                        .detailType(List.of("Object Created"))
                        .detail(Map.of(
                                "bucket", Map.of("name", List.of(sourceBucket.getBucketName())),
                                "object", Map.of("key", List.of(settings.sourceObjectKey()))))
                        .build())
                .targets(List.of(new CodePipeline(pipeline)))
                .build();

        excuseNagFindings(build, deploys, smokeTest);
        warnOnMixedArchitectures(config);
        output("SourceBucketName", sourceBucket.getBucketName(), "Upload new source versions here");
        output("SourceObjectKey", settings.sourceObjectKey(), "The key whose new versions start the pipeline");
        output("PipelineName", pipeline.getPipelineName(), "aws codepipeline get-pipeline-state --name <this>");
        output("RepositoryUri", images.getRepositoryUri(), "Where the build pushes the service's images");
        output("ApprovalTopicArn", approvals.getTopicArn(), "Subscribe to be asked for production approvals");
    }

    public Pipeline getPipeline() {
        return pipeline;
    }

    public Bucket getSourceBucket() {
        return sourceBucket;
    }

    public Role getDeployRole(final Stage stage) {
        return deployRoles.get(stage);
    }

    private Bucket privateBucket(final String id, final Bucket accessLogs, final String logPrefix,
                                 final boolean source) {
        final Bucket.Builder bucket = Bucket.Builder.create(this, id)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix(logPrefix)
                .removalPolicy(RemovalPolicy.DESTROY)
                .autoDeleteObjects(true);
        if (source) {
            // The S3 source action reads object versions; EventBridge carries "Object Created" to the rule.
            bucket.versioned(true)
                    .eventBridgeEnabled(true)
                    .lifecycleRules(List.of(LifecycleRule.builder()
                            .noncurrentVersionExpiration(Duration.days(30)).build()));
        } else {
            bucket.lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(30)).build()));
        }
        return bucket.build();
    }

    private PipelineProject buildProject(final AppConfig config, final Repository images) {
        final String name = config.appName() + "-build";
        final PipelineProject build = PipelineProject.Builder.create(this, "BuildProject")
                .projectName(name)
                .description("Tests the service, builds its image and pushes it to " + images.getRepositoryName())
                .environment(BuildEnvironment.builder()
                        .buildImage(buildImage(config))
                        .computeType(ComputeType.MEDIUM)
                        .privileged(true) // docker build needs the Docker daemon
                        .build())
                .environmentVariables(Map.of("REPOSITORY_URI",
                        BuildEnvironmentVariable.builder().value(images.getRepositoryUri()).build()))
                .timeout(Duration.minutes(config.pipeline().buildTimeoutMinutes()))
                .encryptionKey(artifactKey)
                .logging(logging("BuildLogs"))
                .build();
        Buildspecs.embed(build, "build.yml");
        images.grantPullPush(build);
        images.grant(build, "ecr:DescribeImages");
        ReportGroup.Builder.create(this, "UnitTestReports")
                .reportGroupName(name + "-" + TEST_REPORT) // CodeBuild prefixes report names with the project's
                .type(ReportGroupType.TEST)
                .deleteReports(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build()
                .grantWrite(build);
        return build;
    }

    /** The image runs on the nodes, so it is built on their architecture. */
    private static IBuildImage buildImage(final AppConfig config) {
        final boolean allArm = config.cluster().nodeGroups().stream().allMatch(NodeGroupConfig::arm);
        return allArm ? LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0 : LinuxBuildImage.STANDARD_7_0;
    }

    /** What cdk-nag reports here that comes from CDK's grants or AWS's own requirements. */
    private void excuseNagFindings(final PipelineProject build, final Map<Stage, PipelineProject> deploys,
                                   final Function smokeTest) {
        final Object[] s3Grants = {"Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
            "Action::s3:Abort*", "Action::s3:DeleteObject*",
            Nag.matching("^Resource::<(Artifacts|SourceBucket)[0-9A-F]+\\.Arn>/\\*$")};
        final String s3Reason = "CDK's bucket grants (grantRead/grantReadWrite) on the pipeline's own source and "
                + "artifact buckets: object-level actions need the bucket/* resource.";
        final Object kmsAlias = Nag.matching("^Resource::arn:aws:kms:.*:key/\\*$");
        final String kmsReason = "An AWS-managed key is addressed through its alias: the key/* resource is "
                + "limited by the kms:ResourceAliases condition on that one alias.";
        final List<IConstruct> projectRoles = new ArrayList<>(List.of(build.getRole()));
        deploys.values().forEach(deploy -> projectRoles.add(deploy.getRole()));
        for (final IConstruct role : projectRoles) {
            Nag.suppress(role, "AwsSolutions-IAM5", s3Reason, s3Grants);
            Nag.suppress(role, "AwsSolutions-IAM5", "CodeBuild's own log stream and report group permissions, "
                    + "which CDK scopes to this project's name.", Nag.matching("^Resource::arn:aws:(logs|codebuild):.*$"));
            Nag.suppress(role, "AwsSolutions-IAM5", kmsReason + " CodeBuild's grant on its encryption key.",
                    "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*", kmsAlias);
        }
        Nag.suppress(build.getRole(), "AwsSolutions-IAM5", "ecr:GetAuthorizationToken takes no resource; the push "
                + "actions are limited to the pipeline's repository.", "Resource::*");
        deploys.values().forEach(deploy -> {
            Nag.suppress(deploy, "AwsSolutions-IAM5", "CodeBuild in a VPC must create and describe network "
                    + "interfaces, and those ec2 actions take no resource.", "Resource::*");
            Nag.suppress(deploy.getRole(), "AwsSolutions-IAM5", "CodeBuild in a VPC must create network "
                    + "interfaces; CDK scopes them to this account's network interfaces in the project's subnets.",
                    Nag.matching("^Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/\\*$"));
        });
        Nag.suppress(smokeTest.getRole(), "AwsSolutions-IAM5", "codepipeline:PutJobSuccessResult and PutJobFailureResult "
                + "take no resource (CodePipeline has no job ARNs).", "Resource::*");
        Nag.suppress(pipeline.getRole(), "AwsSolutions-IAM5", s3Reason, s3Grants);
        Nag.suppressPath(this, "Pipeline/Source/Source/CodePipelineActionRole", "AwsSolutions-IAM5", s3Reason, s3Grants);
        for (final String stage : List.of("Staging", "Production")) {
            Nag.suppressPath(this, "Pipeline/" + stage + "/SmokeTest/CodePipelineActionRole", "AwsSolutions-IAM5",
                    "CDK's Lambda invoke action: lambda:ListFunctions takes no resource, and invoke covers the "
                            + "smoke-test function's versions (:*).",
                    "Resource::*", Nag.matching("^Resource::<SmokeTest[0-9A-F]+\\.Arn>:\\*$"));
        }
        Nag.suppressPath(this, "Pipeline/Production/Approve/CodePipelineActionRole", "AwsSolutions-IAM5", kmsReason,
                "Action::kms:GenerateDataKey*", kmsAlias);

        final IConstruct seeder = Nag.childStartingWith(this, "Custom::CDKBucketDeployment");
        Nag.suppress(seeder, "AwsSolutions-IAM4", "CDK's BucketDeployment function uses the Lambda basic "
                + "execution role for its logs.", Nag.managedPolicy("service-role/AWSLambdaBasicExecutionRole"));
        Nag.suppress(seeder, "AwsSolutions-L1", "CDK pins BucketDeployment's Python runtime to the one its AWS CLI "
                + "layer is built for.");
        Nag.suppress(seeder, "AwsSolutions-IAM5", "CDK's BucketDeployment copies from the CDK asset bucket into "
                + "the source bucket: object actions on bucket/*.", "Action::s3:GetBucket*", "Action::s3:GetObject*",
                "Action::s3:List*", "Action::s3:Abort*", "Action::s3:DeleteObject*",
                Nag.matching("^Resource::<SourceBucket[0-9A-F]+\\.Arn>/\\*$"),
                Nag.matching("^Resource::arn:aws:s3:::cdk-[a-z0-9]+-assets-.*/\\*$"));
        Nag.suppress(Nag.childStartingWith(this, "BucketNotificationsHandler"), "AwsSolutions-IAM4", "CDK's handler "
                + "that turns on EventBridge notifications for the source bucket uses the Lambda basic execution "
                + "role for its logs.", Nag.managedPolicy("service-role/AWSLambdaBasicExecutionRole"));
    }

    private void warnOnMixedArchitectures(final AppConfig config) {
        final long architectures = config.cluster().nodeGroups().stream().map(NodeGroupConfig::arm).distinct().count();
        if (architectures > 1) {
            Annotations.of(this).addWarningV2("eks-pipeline:mixedArchitectures", "The node groups mix Graviton "
                    + "(arm64) and x86_64 instances, but the pipeline builds the service for x86_64 only; pods "
                    + "scheduled on Graviton nodes will not start. Use one architecture, or add a nodeSelector.");
        }
    }

    private PipelineProject deployProject(final AppConfig config, final Stage stage, final Role role,
                                          final IVpc vpc, final SecurityGroup group, final Cluster cluster) {
        final Map<String, BuildEnvironmentVariable> variables = new LinkedHashMap<>();
        variables.put("STAGE", plain(stage.namespace()));
        variables.put("CLUSTER_NAME", plain(cluster.getClusterName()));
        variables.put("KUBERNETES_VERSION", plain(config.cluster().kubernetesVersion().version()));
        variables.put("ROLLOUT_TIMEOUT_SECONDS", plain(String.valueOf(config.pipeline().rolloutTimeoutSeconds())));
        final PipelineProject deploy = PipelineProject.Builder.create(this, stage.title() + "DeployProject")
                .projectName(config.appName() + "-deploy-" + stage.namespace())
                .description("Deploys the service to the " + stage.namespace() + " namespace")
                .role(role)
                .vpc(vpc)
                .subnetSelection(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .securityGroups(List.of(group))
                .environment(BuildEnvironment.builder()
                        .buildImage(LinuxBuildImage.STANDARD_7_0)
                        .computeType(ComputeType.SMALL)
                        .build())
                .environmentVariables(variables)
                .timeout(Duration.minutes(config.pipeline().deployTimeoutMinutes()))
                .encryptionKey(artifactKey)
                .logging(logging(stage.title() + "DeployLogs"))
                .build();
        Buildspecs.embed(deploy, "deploy.yml");
        return deploy;
    }

    private Function smokeTestFunction(final PipelineConfig settings) {
        final LogGroup logs = logGroup("SmokeTestLogs");
        // Its own role instead of AWSLambdaBasicExecutionRole: it writes only to its own log group.
        final Role role = Role.Builder.create(this, "SmokeTestRole")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("The smoke-test Lambda: its own logs, and reporting to CodePipeline")
                .build();
        logs.grantWrite(role);
        return Function.Builder.create(this, "SmokeTest")
                .role(role)
                .description("Smoke-tests a stage's service for the pipeline")
                .runtime(Runtime.PYTHON_3_14)
                .architecture(Architecture.ARM_64)
                .handler("smoke_test.handler")
                .code(Code.fromAsset("lambda/smoke_test", AssetOptions.builder()
                        .exclude(List.of("test_*.py", "__pycache__")).build()))
                .memorySize(128)
                .timeout(Duration.seconds(settings.smokeTestSeconds() + 60L))
                .logGroup(logs)
                .build();
    }

    private Pipeline pipeline(final AppConfig config, final Bucket artifacts, final PipelineProject build,
                              final Map<Stage, PipelineProject> deploys, final Function smokeTest,
                              final Topic approvals) {
        final PipelineConfig settings = config.pipeline();
        final Artifact source = Artifact.artifact("Source");
        final S3SourceAction sourceAction = S3SourceAction.Builder.create()
                .actionName("Source")
                .bucket(sourceBucket)
                .bucketKey(settings.sourceObjectKey())
                .trigger(S3Trigger.NONE) // the SourceUploaded rule starts runs, without a CloudTrail trail
                .output(source)
                .build();
        final CodeBuildAction buildAction = CodeBuildAction.Builder.create()
                .actionName("TestBuildPush")
                .project(build)
                .input(source)
                .variablesNamespace(BUILD_NAMESPACE)
                .environmentVariables(Map.of("EXECUTION_ID", plain("#{codepipeline.PipelineExecutionId}")))
                .build();

        final Map<Stage, CodeBuildAction> deployActions = new EnumMap<>(Stage.class);
        for (final Stage stage : Stage.values()) {
            deployActions.put(stage, CodeBuildAction.Builder.create()
                    .actionName("Deploy")
                    .project(deploys.get(stage))
                    .input(source)
                    .variablesNamespace(stage.title() + "DeployVariables")
                    .environmentVariables(Map.of("IMAGE_URI", plain(buildAction.variable("IMAGE_URI"))))
                    .runOrder(stage == Stage.STAGING ? 1 : 2) // production's runs after the approval
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

        return Pipeline.Builder.create(this, "Pipeline")
                .pipelineName(config.appName())
                .pipelineType(PipelineType.V2)
                .executionMode(ExecutionMode.QUEUED)
                .artifactBucket(artifacts)
                .restartExecutionOnUpdate(false)
                .stages(List.of(
                        stage("Source", sourceAction),
                        stage("Build", buildAction),
                        stage("Staging", deployActions.get(Stage.STAGING),
                                smoke(smokeTest, deployActions.get(Stage.STAGING), settings, 2)),
                        stage("Production", approve, deployActions.get(Stage.PRODUCTION),
                                smoke(smokeTest, deployActions.get(Stage.PRODUCTION), settings, 3))))
                .build();
    }

    private static StageProps stage(final String name, final IAction... actions) {
        return StageProps.builder().stageName(name).actions(List.of(actions)).build();
    }

    private static LambdaInvokeAction smoke(final Function function, final CodeBuildAction deploy,
                                            final PipelineConfig settings, final int runOrder) {
        return LambdaInvokeAction.Builder.create()
                .actionName("SmokeTest")
                .lambda(function)
                // Sorted: the parameters become one JSON string, which must not change between synths.
                .userParameters(new TreeMap<>(Map.of(
                        "url", deploy.variable("SERVICE_URL"),
                        "expect", SMOKE_TEST_EXPECTS,
                        "budgetSeconds", settings.smokeTestSeconds())))
                .runOrder(runOrder)
                .build();
    }

    private static BuildEnvironmentVariable plain(final String value) {
        return BuildEnvironmentVariable.builder().value(value).build();
    }

    private LoggingOptions logging(final String id) {
        return LoggingOptions.builder()
                .cloudWatch(CloudWatchLoggingOptions.builder().logGroup(logGroup(id)).build())
                .build();
    }

    /** A log group owned by this stack, so it is deleted with it; the app's aspect sets its retention. */
    private LogGroup logGroup(final String id) {
        return LogGroup.Builder.create(this, id).removalPolicy(RemovalPolicy.DESTROY).build();
    }

    private static String keyPrefix(final String objectKey) {
        final int slash = objectKey.lastIndexOf('/');
        return slash < 0 ? null : objectKey.substring(0, slash + 1);
    }

    private void output(final String id, final String value, final String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
