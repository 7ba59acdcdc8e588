package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.StageTarget;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IAlias;
import software.constructs.IConstruct;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One deploy project per stage when each stage has a cluster of its own. The projects stay in the delivery
 * account, beside the artifacts they read, and run outside any VPC (no VPC of the delivery account reaches
 * a stage's cluster): they reach the cluster's public endpoint, so {@code endpointPublicCidrs} must admit
 * CodeBuild's addresses. Each assumes the role its stage's account holds for it alone
 * ({@link StageAccessStack}), whose access entry reaches only the stage's namespace. Nothing of the
 * artifacts crosses an account: the AWS-managed artifact key stays, and no target role reads it.
 */
final class StageClusterDeploys implements Deploys {

    /**
     * @param clusters              each stage's cluster, by names
     * @param timeoutMinutes        each deploy action's limit
     * @param rolloutTimeoutSeconds how long a deploy waits for the new pods before rolling back
     * @param artifactKey           the key CodeBuild encrypts its output with
     * @param images                the repository whose images a deploy tags as deployed, so they never expire
     * @param observed              whether staging's cluster has alarms (observability on)
     */
    record Props(List<StageCluster> clusters, int timeoutMinutes, int rolloutTimeoutSeconds, IAlias artifactKey,
                 IRepository images, boolean observed) {
    }

    private final Map<Stage, PipelineProject> projects = new EnumMap<>(Stage.class);
    private final List<ProductionEntry.Watched> entryAlarms = new ArrayList<>();
    private final Optional<String> pipelineRoleName;

    StageClusterDeploys(final Stack scope, final Props props) {
        for (final StageCluster cluster : props.clusters()) {
            final Stage stage = cluster.stage();
            // Named, so that the stage's role can trust exactly this role before it exists.
            final Role role = Role.Builder.create(scope, stage.title() + "DeployRole")
                    .roleName(cluster.projectName())
                    .assumedBy(new ServicePrincipal("codebuild.amazonaws.com"))
                    .description("Deploys to " + cluster.clusterName() + "'s " + stage.namespace()
                            + " namespace only, through the role its account holds for this project")
                    .build();
            role.addToPolicy(PolicyStatement.Builder.create()
                    .sid("ActAsTheStageDeployRole")
                    .actions(List.of("sts:AssumeRole"))
                    .resources(List.of(cluster.deployRoleArn(scope)))
                    .build());
            props.images().grant(role, StageDeploys.IMAGE_TAGGING.toArray(String[]::new));
            projects.put(stage, project(scope, props, cluster, role));
        }
        final StageCluster staging = props.clusters().get(0);
        final String stagingAlarmName = staging.appName() + "-staging-deploy-failed";
        stagingGuard(scope, projects.get(Stage.STAGING), stagingAlarmName);
        entryAlarms.add(ProductionEntry.Watched.here(stagingAlarmName));
        // Staging's cluster alarms are in its account and region: in the pipeline's account the pipeline's role
        // reads them, as it reads the deploy alarm; in an account of its own, as the role staging holds for the
        // pipeline, which trusts the pipeline's role by name.
        final boolean apart = props.observed() && staging.crossAccount();
        if (props.observed()) {
            final Optional<String> region = Optional.of(staging.region()).filter(r -> !r.equals(scope.getRegion()));
            final Optional<String> role = apart ? Optional.of(staging.alarmReaderRoleArn(scope)) : Optional.empty();
            staging.alarmNames().forEach(name -> entryAlarms.add(new ProductionEntry.Watched(name, region, role)));
        }
        pipelineRoleName = apart ? Optional.of(StageTarget.pipelineRoleName(staging.appName())) : Optional.empty();
    }

    /**
     * Staging's deploy failed (and rolled back) within the hour: its cluster runs the release before, and a
     * release must not reach production past it. The pipeline's account sees only its own metrics; this one
     * is the deploy project's, which is here.
     */
    private static void stagingGuard(final Stack scope, final PipelineProject staging, final String name) {
        Alarm.Builder.create(scope, "StagingDeployFailed")
                .alarmName(name)
                .alarmDescription("Staging's deploy failed in the last hour; production is not entered until it is OK")
                .metric(staging.metricFailedBuilds(MetricOptions.builder()
                        .period(software.amazon.awscdk.Duration.hours(1)).statistic("Sum").build()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }

    @Override
    public List<ProductionEntry.Watched> productionEntryAlarms() {
        return List.copyOf(entryAlarms);
    }

    @Override
    public Optional<String> pipelineRoleName() {
        return pipelineRoleName;
    }

    @Override
    public PipelineProject project(final Stage stage) {
        return projects.get(stage);
    }

    /** None in this stack: each stage's access stack is a dependency of the whole pipeline stack. */
    @Override
    public List<IConstruct> prerequisites() {
        return List.of();
    }

    private static PipelineProject project(final Stack scope, final Props props, final StageCluster cluster,
                                           final Role role) {
        final Stage stage = cluster.stage();
        final Map<String, BuildEnvironmentVariable> variables = new LinkedHashMap<>();
        variables.put("STAGE", CodeBuildDefaults.plain(stage.namespace()));
        variables.put("CLUSTER_NAME", CodeBuildDefaults.plain(cluster.clusterName()));
        variables.put("CLUSTER_REGION", CodeBuildDefaults.plain(cluster.region()));
        variables.put("DEPLOY_ROLE_ARN", CodeBuildDefaults.plain(cluster.deployRoleArn(scope)));
        variables.put("KUBERNETES_VERSION", CodeBuildDefaults.plain(cluster.kubernetesVersion()));
        variables.put("ROLLOUT_TIMEOUT_SECONDS", CodeBuildDefaults.plain(String.valueOf(props.rolloutTimeoutSeconds())));
        variables.put("LOAD_BALANCER_CIDRS", CodeBuildDefaults.plain(String.join(",", cluster.loadBalancerCidrs())));
        final PipelineProject deploy = PipelineProject.Builder.create(scope, stage.title() + "DeployProject")
                .projectName(cluster.projectName())
                .description("Deploys the service to " + cluster.clusterName() + "'s " + stage.namespace()
                        + " namespace")
                .role(role)
                .environment(BuildEnvironment.builder()
                        .buildImage(LinuxBuildImage.STANDARD_7_0)
                        .computeType(ComputeType.SMALL)
                        .build())
                .environmentVariables(variables)
                .timeout(Duration.minutes(props.timeoutMinutes()))
                .encryptionKey(props.artifactKey())
                .logging(CodeBuildDefaults.logging(scope, stage.title() + "DeployLogs"))
                .build();
        Buildspecs.embedText(deploy, Buildspecs.deployAsStageRole());
        CodeBuildDefaults.excuseRoleFindings(role);
        return deploy;
    }
}
