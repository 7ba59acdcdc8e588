package com.ekspipeline.cluster;

import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.core.Nag;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.TagProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.LaunchTemplateHttpTokens;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.eks.CfnNodegroup;
import software.amazon.awscdk.services.eks_v2.CapacityType;
import software.amazon.awscdk.services.eks_v2.LaunchTemplateSpec;
import software.amazon.awscdk.services.eks_v2.Nodegroup;
import software.amazon.awscdk.services.eks_v2.NodegroupAmiType;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;

/**
 * The managed node groups, one per configured group: AL2023 nodes in the private subnets, IMDSv2 only,
 * encrypted gp3 root volumes, automatic repair and rolling updates one node at a time.
 *
 * <p>EKS tags each group's Auto Scaling group with {@code k8s.io/cluster-autoscaler/enabled} and
 * {@code k8s.io/cluster-autoscaler/<cluster>}, which is how the cluster autoscaler finds them and reads
 * their min and max.
 */
public final class NodeGroups extends Construct {

    /** Above the priority of the Name tag CDK gives a launch template (the default, 100). */
    private static final int FROZEN_NAME_PRIORITY = 101;

    private final List<Nodegroup> groups = new ArrayList<>();

    public NodeGroups(final Construct scope, final String id, final ClusterInfo info,
                      final List<NodeGroupConfig> configs) {
        super(scope, id);
        for (NodeGroupConfig config : configs) {
            // At the path Cluster.addNodegroupCapacity gives, which keeps its logical ID in the nodes stack.
            final Nodegroup group = Nodegroup.Builder.create(info.home(), "Nodegroup" + config.name())
                    .cluster(info.cluster())
                    .nodegroupName(config.name())
                    .amiType(config.arm()
                            ? NodegroupAmiType.AL2023_ARM_64_STANDARD : NodegroupAmiType.AL2023_X86_64_STANDARD)
                    .instanceTypes(config.instanceTypes().stream().map(InstanceType::new).toList())
                    .capacityType(config.spot() ? CapacityType.SPOT : CapacityType.ON_DEMAND)
                    .minSize(config.minSize())
                    .desiredSize(config.desiredSize())
                    .maxSize(config.maxSize())
                    .labels(config.labels())
                    .subnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                    .launchTemplateSpec(launchTemplate(config))
                    .enableNodeAutoRepair(true)
                    .maxUnavailable(1)
                    // An update drains each node and waits for PodDisruptionBudgets instead of
                    // terminating pods they protect; EKS fails the update rather than break a budget.
                    .forceUpdate(false)
                    .releaseVersion(config.amiReleaseVersion().orElse(null))
                    .build();
            // The nodes run the control plane's version: raising kubernetesVersion rolls them when the nodes
            // stack deploys, after the cluster stack has raised the control plane and the add-ons nodes need.
            ((CfnNodegroup) group.getNode().getDefaultChild()).addPropertyOverride("Version",
                    info.version().version());
            info.order().nodeGroup(group);
            groups.add(group);
        }
        // The subnets arrive as outputs of the network stack, which the validator cannot resolve and so
        // takes for one repeated value.
        Validations.of(this).acknowledge(Acknowledgment.builder().id("CloudFormation-Validate::W9007")
                .reason("the subnets are distinct outputs of the network stack").build());
    }

    /**
     * The node roles' managed policies. Called after {@link ControlPlane#excuseNagFindings}, which also
     * covers these roles as children of the cluster, so that each role lists its suppressions in that order.
     */
    void excuseNagFindings() {
        groups.forEach(group -> Nag.suppress(group.getRole(), "AwsSolutions-IAM4",
                "The three policies AWS documents as required for a managed node group's role.",
                Nag.managedPolicy("AmazonEKSWorkerNodePolicy"), Nag.managedPolicy("AmazonEKS_CNI_Policy"),
                Nag.managedPolicy("AmazonEC2ContainerRegistryReadOnly")));
    }

    private LaunchTemplateSpec launchTemplate(final NodeGroupConfig config) {
        // A launch template is the only way to require IMDSv2 and to encrypt the root volume of managed
        // nodes. Hop limit 2 lets the EBS CSI node plugin read instance metadata from its pod.
        final LaunchTemplate template = LaunchTemplate.Builder.create(this, config.name() + "LaunchTemplate")
                .requireImdsv2(true)
                .httpTokens(LaunchTemplateHttpTokens.REQUIRED)
                .httpPutResponseHopLimit(2)
                .blockDevices(List.of(BlockDevice.builder()
                        .deviceName("/dev/xvda")
                        .volume(BlockDeviceVolume.ebs(config.diskSizeGiB(), EbsDeviceOptions.builder()
                                .volumeType(EbsDeviceVolumeType.GP3)
                                .encrypted(true)
                                .deleteOnTermination(true)
                                .build()))
                        .build()))
                .build();
        // CDK tags the template, its instances and volumes with Name = its construct path. Keep the path it
        // had before the node groups left the cluster stack: another value is a new template version, which
        // rolls every node, and a change CloudFormation's stack refactoring refuses to move.
        Tags.of(template).add("Name", "Cluster/" + getNode().getId() + "/" + template.getNode().getId(),
                TagProps.builder().priority(FROZEN_NAME_PRIORITY).build());
        return LaunchTemplateSpec.builder()
                .id(template.getLaunchTemplateId())
                .version(template.getLatestVersionNumber())
                .build();
    }
}
