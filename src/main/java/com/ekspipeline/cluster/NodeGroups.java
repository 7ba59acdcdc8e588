package com.ekspipeline.cluster;

import com.ekspipeline.config.NodeGroupConfig;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.LaunchTemplateHttpTokens;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.eks_v2.CapacityType;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.LaunchTemplateSpec;
import software.amazon.awscdk.services.eks_v2.Nodegroup;
import software.amazon.awscdk.services.eks_v2.NodegroupAmiType;
import software.amazon.awscdk.services.eks_v2.NodegroupOptions;
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

    private final List<Nodegroup> groups = new ArrayList<>();

    public NodeGroups(final Construct scope, final String id, final Cluster cluster, final List<NodeGroupConfig> configs) {
        super(scope, id);
        for (NodeGroupConfig config : configs) {
            groups.add(cluster.addNodegroupCapacity(config.name(), NodegroupOptions.builder()
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
                    .build()));
        }
    }

    public List<Nodegroup> getGroups() {
        return List.copyOf(groups);
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
        return LaunchTemplateSpec.builder()
                .id(template.getLaunchTemplateId())
                .version(template.getLatestVersionNumber())
                .build();
    }
}
