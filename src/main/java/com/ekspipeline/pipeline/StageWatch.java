package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.config.StageTarget;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.PrincipalWithConditions;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * What watches a stage's own cluster ({@code stages}), in the stage's account and region, where its
 * metrics are: an alarm's metrics and its actions' topics are those of the alarm's own account.
 *
 * <ul>
 *   <li>A topic of the stage's own, which {@code notificationEmail} subscribes to (a second confirmation
 *       email per stage account).</li>
 *   <li>With the stage's {@code offHours}: the alarms on the off-hours function itself
 *       ({@link OffHoursWatch}), which runs in this account.</li>
 *   <li>With observability: the alarms on the cluster's nodes and on the sample service's restarts, named
 *       {@code <app>-<stage>-...} ({@link StageCluster#alarmNames}), the stage's off-hours silences the nodes'
 *       while they are parked; a dashboard of the cluster, named {@code <app>-<stage>}; and, when staging's
 *       account is not the pipeline's, the role there that lets the pipeline read staging's alarms before it
 *       lets a release into production ({@link ProductionEntry}).</li>
 * </ul>
 */
final class StageWatch {

    private StageWatch() {
    }

    /** @param own the stage's own configuration ({@link AppConfig#target}) */
    static void create(final Stack scope, final AppConfig own, final StageCluster cluster) {
        final boolean observed = own.observability().enabled();
        if (!observed && own.billing().offHours().isEmpty()) {
            return;
        }
        final Construct watch = new Construct(scope, "Watch");
        final ITopic topic = AlarmTopic.create(watch, own.appName(), own.pipeline().notificationEmail());
        own.billing().offHours().ifPresent(hours -> OffHoursWatch.create(watch, own.appName(), topic));
        if (!observed) {
            return;
        }
        final Stage stage = cluster.stage();
        final List<NodeGroupConfig> groups = own.cluster().nodeGroups();
        final List<Alarm> alarms = OpsAlarms.clusterAlarms(watch, OpsAlarms.Props.of(own.appName(),
                cluster.clusterName(), groups, EnumSet.of(stage), own.observability(), topic));
        OpsDashboard.forCluster(watch, own.appName(), cluster.clusterName(), groups, stage, OpsMonitoring.SAMPLE_APP,
                alarms, cluster.appName());
        if (stage == Stage.STAGING && cluster.crossAccount()) {
            alarmReader(scope, cluster);
        }
    }

    /**
     * The role the pipeline assumes to read staging's alarms: a CloudWatchAlarm rule's {@code RoleArn} is
     * assumed through the pipeline's own role, as an action's role is
     * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_RuleExecutionInput.html). It trusts
     * the delivery account for the pipeline's role alone, by ARN in a condition, as the deploy role does: that
     * role is made later, in the pipeline stack.
     */
    private static void alarmReader(final Stack scope, final StageCluster cluster) {
        final Role reader = Role.Builder.create(scope, "AlarmReaderRole")
                .roleName(StageTarget.alarmReaderRoleName(cluster.appName(), cluster.stage().namespace()))
                .assumedBy(new PrincipalWithConditions(
                        new AccountPrincipal(cluster.deliveryAccount().orElse(scope.getAccount())),
                        Map.of("ArnEquals", Map.of("aws:PrincipalArn", cluster.pipelineRoleArn(scope)))))
                .description("Assumed only by " + cluster.appName() + "'s pipeline to read "
                        + cluster.stage().namespace() + "'s alarms before a release enters production")
                .build();
        reader.addToPolicy(PolicyStatement.Builder.create()
                .sid("ReadStagingAlarms")
                .actions(List.of("cloudwatch:DescribeAlarms"))
                .resources(cluster.alarmNames().stream().map(name -> scope.formatArn(ArnComponents.builder()
                        .service("cloudwatch").resource("alarm").resourceName(name)
                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())).toList())
                .build());
    }
}
