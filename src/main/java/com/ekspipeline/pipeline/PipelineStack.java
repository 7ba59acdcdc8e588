package com.ekspipeline.pipeline;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.config.ObservabilityConfig;
import com.ekspipeline.config.PipelineConfig;
import com.ekspipeline.core.AppStack;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.kms.IAlias;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

import java.util.List;

/**
 * The delivery pipeline: a new source zip in S3 → tests, image build and push to ECR → deploy to the
 * {@code staging} namespace and smoke-test it → a person approves → deploy to {@code production} and
 * smoke-test it. Everything here, buckets and images included, is deleted by {@code cdk destroy}.
 *
 * <p>The stack only composes its parts; each builds its resources in this stack's scope, which keeps
 * the logical IDs of the buckets and the repository as they were first deployed.
 */
public final class PipelineStack extends AppStack {

    /** What deploys the stages, made in the pipeline stack once its key and repository exist. */
    private interface DeploysFactory {
        Deploys create(PipelineStack scope, IAlias artifactKey, ImageBuild build);
    }

    /** The default: both stages are namespaces of {@code cluster}, whose VPC the deploy projects run in. */
    public PipelineStack(final Construct scope, final String id, final AppConfig config, final IVpc vpc,
                         final ICluster cluster) {
        this(scope, id, config, (stack, artifactKey, build) -> new StageDeploys(stack, new StageDeploys.Props(
                config.appName(), cluster, vpc, config.cluster().kubernetesVersion().version(),
                config.pipeline().deployTimeoutMinutes(), config.pipeline().rolloutTimeoutSeconds(), artifactKey,
                build.images())));
    }

    /**
     * Each stage on a cluster of its own, possibly in another account: the pipeline reaches them by names only,
     * and the repository lets each other account's nodes pull the one image both stages run.
     */
    public static PipelineStack split(final Construct scope, final String id, final AppConfig config,
                                      final List<StageCluster> clusters) {
        return new PipelineStack(scope, id, config, (stack, artifactKey, build) -> {
            RepositoryPulls.allow(build.images(), clusters);
            return new StageClusterDeploys(stack, new StageClusterDeploys.Props(clusters,
                    config.pipeline().deployTimeoutMinutes(), config.pipeline().rolloutTimeoutSeconds(), artifactKey,
                    build.images(), config.observability().enabled()));
        });
    }

    private PipelineStack(final Construct scope, final String id, final AppConfig config,
                          final DeploysFactory deploysFactory) {
        super(scope, id, config, "pipeline",
                "Delivery pipeline for " + config.appName() + ": S3 source, build, staging, approval, production");
        final PipelineConfig settings = config.pipeline();
        final List<NodeGroupConfig> groups = config.cluster().nodeGroups();

        final SourceStore source = new SourceStore(this,
                new SourceStore.Props(config.logRetentionDays(), settings.sourceObjectKey()));
        final IAlias artifactKey = CodeBuildDefaults.artifactKey(this);
        final ImageBuild build = new ImageBuild(this, new ImageBuild.Props(config.appName(),
                groups.stream().allMatch(NodeGroupConfig::arm),
                groups.stream().map(NodeGroupConfig::arm).distinct().count() > 1,
                settings.buildTimeoutMinutes(), artifactKey));
        final Deploys deploys = deploysFactory.create(this, artifactKey, build);
        final Function smokeTest = SmokeTestFunction.create(this, settings.smokeTestSeconds());
        final ReleasePipeline pipeline = new ReleasePipeline(this, new ReleasePipeline.Props(config.appName(), source,
                settings.sourceObjectKey(), build.project(), deploys, smokeTest, settings.smokeTestSeconds(),
                settings.approvalEmail()));

        output("SourceBucketName", source.sourceBucket().getBucketName(), "Upload new source versions here");
        output("SourceObjectKey", settings.sourceObjectKey(), "The key whose new versions start the pipeline");
        output("PipelineName", pipeline.pipelineName(), "aws codepipeline get-pipeline-state --name <this>");
        output("RepositoryUri", build.images().getRepositoryUri(), "Where the build pushes the service's images");
        output("ApprovalTopicArn", pipeline.approvalTopicArn(), "Subscribe to be asked for production approvals");
        final ReleaseNotifications notifications = new ReleaseNotifications(this,
                new ReleaseNotifications.Props(config.appName(), settings.notificationEmail(),
                        config.observability().enabled()), pipeline.pipeline());
        output("NotificationTopicArn", notifications.topicArn(), config.observability().enabled()
                ? "Failed, succeeded and rolled-back releases, approvals waiting, and the app's alarms"
                : config.billing().offHours().isPresent()
                ? "Failed, succeeded and rolled-back releases, approvals waiting, and off-hours failures"
                : "Failed, succeeded and rolled-back releases, and approvals waiting");
        config.billing().offHours().ifPresent(hours -> OffHoursWatch.create(this, config.appName(),
                notifications.admitAlarms(ObservabilityConfig.alarmNamePrefix(config.appName()))));
        if (config.observability().enabled()) {
            new OpsMonitoring(this, "Observability", config, notifications, build.project(), deploys, smokeTest);
            output("DashboardUrl", OpsDashboard.url(config.region(), config.appName()),
                    "Nodes, pods, the service, releases and alarms on one CloudWatch dashboard");
        }
        DeployedCommitRecord.create(this, config.appName());
    }

    private void output(final String id, final String value, final String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
