package com.ekspipeline.cluster;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ClusterConfig;
import com.ekspipeline.config.ObservabilityConfig;
import com.ekspipeline.config.ZonalGroups;
import com.ekspipeline.core.AppStack;
import software.amazon.awscdk.RemovalPolicies;
import software.amazon.awscdk.services.ec2.IVpc;
import software.constructs.Construct;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The managed node groups and what must follow them: the add-ons that run on nodes, the AWS Load Balancer
 * Controller, the cluster autoscaler (or Karpenter), off-hours and its restore-before-destroy, the default storage class
 * and the stage namespaces. Deployed after {@link ClusterStack}, so that raising kubernetesVersion first
 * upgrades the control plane and the add-ons nodes need (one stack), then rolls the nodes and updates the
 * rest (this stack). When a node roll fails, for instance on a PodDisruptionBudget that never allows an
 * eviction, CloudFormation rolls back this stack only; the control plane stays where it went.
 * (aws/containers-roadmap#497: one stack holding both ends UPDATE_ROLLBACK_FAILED.)
 *
 * <p>Each part declares in the cluster's {@link ClusterOrder} what it waits for and what must outlive it;
 * an order across the two stacks becomes this stack's dependency on the cluster stack, and within this
 * stack a resource's DependsOn. Node groups, manifests and charts are created under a construct with the
 * cluster's ID, so they keep the logical IDs they had as the cluster's children in one stack.
 */
public final class NodesStack extends AppStack {

    public NodesStack(final Construct scope, final String id, final AppConfig config, final IVpc vpc,
                      final ClusterStack clusterStack) {
        this(scope, id, config, vpc, clusterStack, EnumSet.allOf(Stage.class));
    }

    /** @param stages the stages whose namespaces this cluster holds: both by default, one on a stage's own cluster */
    public NodesStack(final Construct scope, final String id, final AppConfig config, final IVpc vpc,
                      final ClusterStack clusterStack, final Set<Stage> stages) {
        super(scope, id, config, "nodes", "Managed node groups of EKS cluster " + config.cluster().clusterName()
                + " and what runs on them (" + config.appName() + ")");
        addStackDependency(clusterStack, "the nodes join the control plane and need the add-ons it leads with");
        final ClusterConfig settings = config.cluster();
        final Construct home = new Construct(this, "Cluster");
        final ClusterInfo info = clusterStack.info().at(home);

        new NodeAddons(this, "Addons", info, clusterStack.addonVersions(), config.observability().enabled());
        OidcIssuerOutput.use(ControlPlane.loadBalancerController(this, info, config.appName(), settings.karpenter()),
                clusterStack);
        if (settings.karpenter()) {
            // Karpenter's own nodes replace the node groups; a small managed group runs the system pods.
            final SystemNodeGroup system = new SystemNodeGroup(this, "SystemNodeGroup", info,
                    ClusterConfig.systemNodeGroup(settings.nodeGroups()));
            final Karpenter karpenter = new Karpenter(this, "Karpenter", info, vpc, settings.nodeGroups(),
                    config.availabilityZones(), config.appName());
            // At night the NodePools go to zero and the system group stays: it runs Karpenter, which drains and
            // terminates the nodes of the deleted NodeClaims and launches them again in the morning.
            offHours(config, info, vpc, OffHoursTarget.nodePools(karpenter, settings.nodeGroups()), stages);
            commonParts(config, info, vpc, stages);
            system.excuseNagFindings();
            return;
        }
        final NodeGroups nodeGroups = new NodeGroups(this, "NodeGroups", info, settings.nodeGroups(),
                config.availabilityZones());
        final ClusterAutoscaler autoscaler = new ClusterAutoscaler(this, "ClusterAutoscaler", info);
        offHours(config, info, vpc, OffHoursTarget.nodeGroups(autoscaler,
                ZonalGroups.groups(settings.nodeGroups(), config.availabilityZones())), stages);
        commonParts(config, info, vpc, stages);
        nodeGroups.excuseNagFindings();
    }

    /**
     * Off-hours silences the alarms parked nodes set off: on the shared cluster the nodes' and the service
     * probe's; on a stage's own cluster the nodes' alarms of that stage, in its account (the probe's alarm is
     * the pipeline's, and with observability a production stage has no off-hours).
     */
    private void offHours(final AppConfig config, final ClusterInfo info, final IVpc vpc, final OffHoursTarget target,
                          final Set<Stage> stages) {
        final List<String> alarms = !config.observability().enabled() ? List.of()
                : stages.size() == Stage.values().length ? ObservabilityConfig.offHoursAlarmNames(config.appName())
                : ObservabilityConfig.nodeAlarmNames(config.appName());
        config.billing().offHours().ifPresent(hours -> new OffHoursScaler(this, "OffHours", info, target, vpc, hours,
                alarms, config.appName()));
    }

    /** What both autoscalers share; last, as a suppression covers the children a construct has when it is added. */
    private void commonParts(final AppConfig config, final ClusterInfo info, final IVpc vpc, final Set<Stage> stages) {
        new DefaultStorageClass(this, "Storage", info, config.appName());
        new StageNamespaces(this, "Namespaces", info, stages);
        new LeftoverWaiter(this, "LeftoverWaiter", info, vpc);
        // As the cluster's removal policy did for its children: nothing here outlives a destroy.
        RemovalPolicies.of(info.home()).destroy();
        ControlPlane.excusePublicEndpoint(info.home());
    }
}
