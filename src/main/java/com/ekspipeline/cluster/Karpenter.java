package com.ekspipeline.cluster;

import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.core.AppTag;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Karpenter instead of the cluster autoscaler: its interruption queue and identities, its chart as rendered
 * manifests ({@link KarpenterChart}, CRDs first), one EC2NodeClass and the NodePools built from the node groups.
 *
 * <p>Creation runs down this list and {@code cdk destroy} up it, so a destroy deletes, in order: the stage
 * namespaces ({@link ClusterOrder#outlivesNamespaces}), the NodePools (Karpenter drains and terminates their
 * nodes), the {@link KarpenterInstanceWaiter} (fails the destroy if an instance still runs), the EC2NodeClass (its
 * finalizer deletes the instance profile Karpenter made, which would otherwise keep the node role from being
 * deleted, karpenter-provider-aws#1382), the controller, the CRDs, and then the roles and the queue.
 */
public final class Karpenter extends Construct {

    private final KubernetesManifest nodePools;

    /**
     * @param groups the configured node groups, each a NodePool
     * @param zones  the zones NodePools may launch in
     */
    public Karpenter(final Construct scope, final String id, final ClusterInfo info, final IVpc vpc,
                     final List<NodeGroupConfig> groups, final List<String> zones, final String appName) {
        super(scope, id);
        final InterruptionQueue queue = new InterruptionQueue(this, "Interruption", info);
        final KarpenterIdentity identity = new KarpenterIdentity(this, "Identity", info, queue.queue());

        final KubernetesManifest crds = manifest("Crds", info, KarpenterChart.crds());
        final KubernetesManifest controller = manifest("Controller", info,
                KarpenterChart.controller(info.name(), queue.queue().getQueueName()));
        controller.getNode().addDependency(crds, identity.identity(), queue);
        // Its pods tolerate only the system group's taint, so they wait for it; they outlive the namespaces.
        info.order().runsOnNodes(controller);
        info.order().outlivesNamespaces(controller);

        final String release = groups.stream().map(NodeGroupConfig::amiReleaseVersion).flatMap(Optional::stream)
                .findFirst().map(r -> "v" + r.substring(r.indexOf('-') + 1)).orElse("latest");
        final KubernetesManifest nodeClass = manifest("NodeClass", info, List.of(KarpenterNodePools.nodeClass(
                identity.nodeRole().getRoleName(), info.version().version(), release,
                vpc.selectSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                        .getSubnetIds(),
                info.cluster().getClusterSecurityGroupId(), groups.get(0).diskSizeGiB(), Map.of(AppTag.KEY, appName))));
        nodeClass.getNode().addDependency(controller, identity.nodeAccess(), identity.nodeRole());

        final KarpenterInstanceWaiter waiter = new KarpenterInstanceWaiter(this, "InstanceWaiter", info);
        waiter.check().getNode().addDependency(nodeClass);

        nodePools = manifest("NodePools", info, KarpenterNodePools.nodePools(groups, zones));
        nodePools.getNode().addDependency(waiter.check());
        info.order().outlivesNamespaces(nodePools);
    }

    /** The NodePools, which the off-hours scaler parks and restores. */
    KubernetesManifest nodePools() {
        return nodePools;
    }

    private KubernetesManifest manifest(final String id, final ClusterInfo info, final List<Map<String, Object>> objects) {
        return KubernetesManifest.Builder.create(this, id).cluster(info.cluster()).manifest(objects).build();
    }
}
