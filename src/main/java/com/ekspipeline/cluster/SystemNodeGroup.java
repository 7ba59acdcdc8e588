package com.ekspipeline.cluster;

import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.core.Nag;
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
import software.amazon.awscdk.services.eks_v2.TaintEffect;
import software.amazon.awscdk.services.eks_v2.TaintSpec;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * With Karpenter, the one managed node group: on-demand nodes across the private subnets that run Karpenter
 * itself, CoreDNS and the controllers, tainted {@code CriticalAddonsOnly=true:NoSchedule} so that nothing
 * else lands there. Karpenter must not run on nodes it manages (karpenter.sh/docs/getting-started/
 * getting-started-with-karpenter: "run Karpenter on a managed node group"); its chart tolerates the taint, as
 * CoreDNS does. Same launch template rules as {@link NodeGroups}: IMDSv2 only, encrypted gp3 root volume.
 */
final class SystemNodeGroup extends Construct {

    static final String TAINT = "CriticalAddonsOnly";

    private final Nodegroup group;

    SystemNodeGroup(final Construct scope, final String id, final ClusterInfo info, final NodeGroupConfig config) {
        super(scope, id);
        final LaunchTemplate template = LaunchTemplate.Builder.create(this, "LaunchTemplate")
                .requireImdsv2(true)
                .httpTokens(LaunchTemplateHttpTokens.REQUIRED)
                .httpPutResponseHopLimit(2)
                .blockDevices(List.of(BlockDevice.builder().deviceName("/dev/xvda")
                        .volume(BlockDeviceVolume.ebs(config.diskSizeGiB(), EbsDeviceOptions.builder()
                                .volumeType(EbsDeviceVolumeType.GP3).encrypted(true).deleteOnTermination(true).build()))
                        .build()))
                .build();
        group = Nodegroup.Builder.create(this, "Nodegroup")
                .cluster(info.cluster())
                .nodegroupName(config.name())
                .amiType(config.arm() ? NodegroupAmiType.AL2023_ARM_64_STANDARD : NodegroupAmiType.AL2023_X86_64_STANDARD)
                .instanceTypes(config.instanceTypes().stream().map(InstanceType::new).toList())
                .capacityType(CapacityType.ON_DEMAND)
                .minSize(config.minSize())
                .desiredSize(config.desiredSize())
                .maxSize(config.maxSize())
                .labels(Map.of("node-role", "system"))
                .taints(List.of(TaintSpec.builder().key(TAINT).value("true").effect(TaintEffect.NO_SCHEDULE).build()))
                .subnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .launchTemplateSpec(LaunchTemplateSpec.builder().id(template.getLaunchTemplateId())
                        .version(template.getLatestVersionNumber()).build())
                .enableNodeAutoRepair(true)
                .maxUnavailable(1)
                .forceUpdate(false)
                .build();
        ((CfnNodegroup) group.getNode().getDefaultChild()).addPropertyOverride("Version", info.version().version());
        info.order().nodeGroup(group);
    }

    Nodegroup group() {
        return group;
    }

    /** As {@link NodeGroups#excuseNagFindings}. */
    void excuseNagFindings() {
        Nag.suppress(group.getRole(), "AwsSolutions-IAM4",
                "The three policies AWS documents as required for a managed node group's role.",
                Nag.managedPolicy("AmazonEKSWorkerNodePolicy"), Nag.managedPolicy("AmazonEKS_CNI_Policy"),
                Nag.managedPolicy("AmazonEC2ContainerRegistryReadOnly"));
    }
}
