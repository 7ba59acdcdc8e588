package com.ekspipeline.cluster;

import com.ekspipeline.core.Nag;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * Container Insights and the containers' logs, through the EKS managed add-on
 * {@code amazon-cloudwatch-observability}: the CloudWatch agent publishes the cluster's, nodes', pods' and
 * services' metrics to the {@code ContainerInsights} namespace, and Fluent Bit sends the containers' output
 * and the nodes' logs to CloudWatch Logs.
 *
 * <ul>
 *   <li>Its identity is Pod Identity, like the other add-ons: the agent's service account
 *       {@code amazon-cloudwatch/cloudwatch-agent} gets {@code CloudWatchAgentServerPolicy}
 *       (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Observability-EKS-addon.html).</li>
 *   <li>The four log groups it writes to are created here first, with the app's retention, so that
 *       {@code cdk destroy} deletes them: left to the agent and Fluent Bit ({@code auto_create_group}),
 *       they would be created outside the stack and never expire. The add-on waits for them.</li>
 *   <li>Enhanced observability is switched off ({@code enhanced_container_insights: false} in the agent's
 *       configuration, which replaces the add-on's default one): enhanced observability is billed per
 *       observation, at a price this app's price table could not source with a date, while Container
 *       Insights without it is billed as custom metrics, which the cost estimate counts metric by metric.
 *       The same agent configuration leaves Application Signals off.</li>
 * </ul>
 */
final class ContainerInsights {

    static final String ADDON = "amazon-cloudwatch-observability";
    static final String NAMESPACE = "amazon-cloudwatch";
    static final String SERVICE_ACCOUNT = "cloudwatch-agent";
    /** The groups under {@code /aws/containerinsights/<cluster>/}. */
    static final List<String> LOG_GROUPS = List.of("application", "dataplane", "host", "performance");

    /** The add-on's configuration: metrics without enhanced observability, and the containers' logs. */
    static final Map<String, Object> CONFIGURATION = Map.of(
            "agent", Map.of("config", Map.of("logs", Map.of("metrics_collected",
                    Map.of("kubernetes", Map.of("enhanced_container_insights", false))))),
            "containerLogs", Map.of("enabled", true));

    private ContainerInsights() {
    }

    /** Creates the log groups, the agent's identity and the add-on; returns the add-on. */
    static Addon create(final NodeAddons addons, final ClusterInfo info) {
        final Construct scope = new Construct(addons, "ContainerInsights");
        final PodIdentityRole identity = new PodIdentityRole(scope, "AgentIdentity", info.cluster(), NAMESPACE,
                SERVICE_ACCOUNT);
        identity.getRole().addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName("CloudWatchAgentServerPolicy"));
        Nag.suppress(identity, "AwsSolutions-IAM4", "The CloudWatch observability add-on's documented policy: it "
                + "puts metrics and log events and reads the tags and volumes of the nodes it runs on.",
                Nag.managedPolicy("CloudWatchAgentServerPolicy"));
        final Addon addon = addons.addon("CloudWatchObservability", ADDON, CONFIGURATION);
        addon.getNode().addDependency(identity);
        for (final String kind : LOG_GROUPS) {
            final LogGroup group = LogGroup.Builder.create(scope, capitalized(kind) + "Logs")
                    .logGroupName(logGroupName(info.name(), kind))
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            addon.getNode().addDependency(group);
        }
        return addon;
    }

    static String logGroupName(final String clusterName, final String kind) {
        return "/aws/containerinsights/" + clusterName + "/" + kind;
    }

    private static String capitalized(final String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
