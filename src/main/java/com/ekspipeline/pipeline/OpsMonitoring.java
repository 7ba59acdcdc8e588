package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.config.ObservabilityConfig;
import com.ekspipeline.config.StageTarget;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.codebuild.IProject;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

import java.util.EnumSet;
import java.util.List;

/**
 * What watches the running app, with observability on: the service probe, the alarms on the
 * notification topic and the dashboard. Container Insights itself runs in the cluster stack; this stack
 * comes after it and holds the topic, so the alarms are here and reach the metrics by the cluster's name.
 */
final class OpsMonitoring extends Construct {

    /** The sample service's StatefulSet and Service, in k8s/base. */
    static final String SAMPLE_APP = "hello";

    /**
     * @param build     the build project
     * @param deploys   the deploy project of each stage
     * @param smokeTest the smoke-test function
     */
    OpsMonitoring(final Construct scope, final String id, final AppConfig config, final ReleaseNotifications topic,
                  final IProject build, final Deploys deploys, final IFunction smokeTest) {
        super(scope, id);
        final ObservabilityConfig settings = config.observability();
        final List<NodeGroupConfig> groups = config.cluster().nodeGroups();
        final ServiceProbe probe = new ServiceProbe(this, "ServiceProbe", config.appName(), config.appName());
        final ITopic alarmTopic = topic.admitAlarms(ObservabilityConfig.alarmNamePrefix(config.appName()));
        if (!config.stages().isEmpty()) {
            // Each stage's cluster alarms and dashboard are in its own account (StageWatch); here, the probe's.
            final List<Alarm> alarms = List.of(OpsAlarms.serviceUnreachable(this, config.appName(), alarmTopic,
                    probe.reachable()));
            OpsDashboard.forRelease(this, new OpsDashboard.Props(config.appName(), "", groups, SAMPLE_APP, build,
                    deploys, smokeTest, probe.reachable(), alarms), config.stages().stream()
                    .map(stage -> StageTarget.name(config.appName(), stage.stage())).toList());
            return;
        }
        final List<Alarm> alarms = OpsAlarms.create(this, OpsAlarms.Props.of(config.appName(),
                config.cluster().clusterName(), groups, EnumSet.allOf(Stage.class), settings, alarmTopic),
                probe.reachable());
        OpsDashboard.create(this, new OpsDashboard.Props(config.appName(), config.cluster().clusterName(),
                groups, SAMPLE_APP, build, deploys, smokeTest, probe.reachable(), alarms));
    }
}
