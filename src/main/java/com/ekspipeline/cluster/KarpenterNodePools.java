package com.ekspipeline.cluster;

import com.ekspipeline.catalog.InstanceTypes;
import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.core.SortedJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Karpenter objects built from config: one EC2NodeClass ({@link #NODE_CLASS}) and a NodePool per node group.
 * API: karpenter.sh/v1 NodePool and karpenter.k8s.aws/v1 EC2NodeClass (karpenter.sh/docs/concepts/nodepools,
 * karpenter.sh/docs/concepts/nodeclasses).
 */
final class KarpenterNodePools {

    static final String NODE_CLASS = "default";
    /** Karpenter's own label on the nodes it launches, with the NodePool's name. */
    static final String NODEPOOL_LABEL = "karpenter.sh/nodepool";

    private KarpenterNodePools() {
    }

    /**
     * The EC2NodeClass: the AL2023 alias, which Karpenter resolves for the control plane's minor (the EKS-optimized
     * AMI's SSM parameter of that version), so raising kubernetesVersion drifts every node to the new minor's AMI;
     * pinned to the node groups' {@code amiReleaseVersion} date when one is set, else {@code latest}. The minor is
     * recorded in an annotation so that the template, and so the review, shows the move. Subnets and security group
     * by ID (the private subnets, the cluster security group EKS creates): tagging them for discovery would change
     * the network stack, or an existing VPC the app does not own. Encrypted gp3 root volume, IMDSv2 only (hop
     * limit 2, as the managed groups, for the EBS CSI node plugin).
     */
    static Map<String, Object> nodeClass(final String roleName, final String minor, final String aliasVersion,
                                         final List<String> subnetIds, final String securityGroupId,
                                         final int diskGiB, final Map<String, String> tags) {
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("role", roleName);
        spec.put("amiSelectorTerms", List.of(Map.of("alias", "al2023@" + aliasVersion)));
        spec.put("subnetSelectorTerms", subnetIds.stream().map(id -> Map.of("id", id)).toList());
        spec.put("securityGroupSelectorTerms", List.of(Map.of("id", securityGroupId)));
        spec.put("blockDeviceMappings", List.of(Map.of("deviceName", "/dev/xvda", "ebs", Map.of(
                "volumeSize", diskGiB + "Gi", "volumeType", "gp3", "encrypted", true, "deleteOnTermination", true))));
        spec.put("metadataOptions", Map.of("httpEndpoint", "enabled", "httpProtocolIPv6", "disabled",
                "httpPutResponseHopLimit", 2, "httpTokens", "required"));
        spec.put("tags", tags);
        return SortedJson.of(Map.of("apiVersion", "karpenter.k8s.aws/v1", "kind", "EC2NodeClass",
                "metadata", Map.of("name", NODE_CLASS, "annotations", Map.of("eks-pipeline/kubernetes-version", minor)),
                "spec", spec));
    }

    /** One NodePool per node group, for the zones of the deployment. */
    static List<Map<String, Object>> nodePools(final List<NodeGroupConfig> groups, final List<String> zones) {
        final List<Map<String, Object>> pools = new ArrayList<>();
        groups.forEach(group -> pools.add(nodePool(group, zones)));
        return pools;
    }

    /**
     * A NodePool: the group's instance types, capacity type, architecture and labels; limits of maxSize nodes
     * of its largest type (so maxSize nodes always fit); consolidation of empty or underused nodes; drift and
     * consolidation replace one node at a time (a budget of 1, as the managed groups' maxUnavailable).
     */
    static Map<String, Object> nodePool(final NodeGroupConfig group, final List<String> zones) {
        final List<Map<String, Object>> requirements = List.of(
                requirement("node.kubernetes.io/instance-type", group.instanceTypes()),
                requirement("karpenter.sh/capacity-type", List.of(group.spot() ? "spot" : "on-demand")),
                requirement("kubernetes.io/arch", List.of(architecture(group))),
                requirement("topology.kubernetes.io/zone", zones));
        final Map<String, Object> template = Map.of(
                "metadata", Map.of("labels", group.labels()),
                "spec", Map.of("nodeClassRef", Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass",
                        "name", NODE_CLASS), "requirements", requirements, "expireAfter", "720h"));
        return SortedJson.of(Map.of("apiVersion", "karpenter.sh/v1", "kind", "NodePool",
                "metadata", Map.of("name", group.name()),
                "spec", Map.of("template", template,
                        "limits", limits(group),
                        "disruption", Map.of("consolidationPolicy", "WhenEmptyOrUnderutilized", "consolidateAfter", "1m",
                                "budgets", List.of(Map.of("nodes", "1"))))));
    }

    /** The NodePool's {@code spec.limits}, which the off-hours function also restores after a night at zero. */
    static Map<String, String> limits(final NodeGroupConfig group) {
        return Map.of("cpu", String.valueOf(cpuLimit(group)), "memory", memoryLimitMiB(group) + "Mi");
    }

    /** maxSize × the vCPUs of the group's largest instance type. */
    static int cpuLimit(final NodeGroupConfig group) {
        return group.maxSize() * group.instanceTypes().stream()
                .mapToInt(t -> InstanceTypes.of(t).orElseThrow().vcpu()).max().orElseThrow();
    }

    /** maxSize × the memory of the group's largest instance type, in MiB. */
    static int memoryLimitMiB(final NodeGroupConfig group) {
        return group.maxSize() * group.instanceTypes().stream()
                .mapToInt(t -> InstanceTypes.of(t).orElseThrow().memoryMiB()).max().orElseThrow();
    }

    /** The catalogue's architecture, in Kubernetes' words (amd64, arm64). */
    static String architecture(final NodeGroupConfig group) {
        final String arch = InstanceTypes.of(group.instanceTypes().get(0)).orElseThrow().architecture();
        return "x86_64".equals(arch) ? "amd64" : arch;
    }

    private static Map<String, Object> requirement(final String key, final List<String> values) {
        return Map.of("key", key, "operator", "In", "values", values);
    }
}
