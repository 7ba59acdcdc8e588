package com.ekspipeline.cluster;

import com.ekspipeline.config.NodeGroupConfig;
import com.ekspipeline.core.SortedJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.constructs.IDependable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the off-hours function parks and restores, and all it may touch in Kubernetes for that: the managed node
 * groups and the cluster autoscaler's Deployment, or with Karpenter the NodePools and their NodeClaims.
 *
 * @param parked         what the function's role and description say it scales
 * @param environment    the function's environment for it (lambda/off_hours reads it)
 * @param nodeGroupNames the managed node groups it resizes through EKS; none with Karpenter
 * @param rbac           the RBAC objects bound to the function's Kubernetes group, in order
 * @param prerequisite   what must exist before the function may act on it
 */
record OffHoursTarget(String parked, Map<String, String> environment, List<String> nodeGroupNames,
                      List<Map<String, Object>> rbac, IDependable prerequisite) {

    private static final String RBAC = "rbac.authorization.k8s.io";

    /**
     * The node groups at zero nodes and the autoscaler at zero replicas: the function may scale that one
     * Deployment and, before a destroy, read nodes to wait for a Ready one. Its RBAC names the Deployment, which
     * must exist to be scaled.
     */
    static OffHoursTarget nodeGroups(final ClusterAutoscaler autoscaler, final List<NodeGroupConfig> groups) {
        final List<Map<String, Object>> rbac = new ArrayList<>(grant("Role",
                Map.of("name", OffHoursScaler.KUBERNETES_GROUP, "namespace", ClusterAutoscaler.NAMESPACE),
                List.of(Map.of("apiGroups", List.of("apps"), "resources", List.of("deployments/scale"),
                        "resourceNames", List.of(ClusterAutoscaler.DEPLOYMENT), "verbs", List.of("get", "patch")))));
        rbac.addAll(grant("ClusterRole", Map.of("name", OffHoursScaler.KUBERNETES_GROUP),
                List.of(Map.of("apiGroups", List.of(""), "resources", List.of("nodes"),
                        "verbs", List.of("get", "list")))));
        return new OffHoursTarget("its node groups and its autoscaler", Map.of(
                "NODE_GROUPS", nodeGroupsJson(groups),
                "AUTOSCALER", ClusterAutoscaler.NAMESPACE + "/" + ClusterAutoscaler.DEPLOYMENT,
                "AUTOSCALER_REPLICAS", "1"),
                groups.stream().map(NodeGroupConfig::name).toList(), List.copyOf(rbac), autoscaler.getChart());
    }

    /**
     * With Karpenter: every NodePool's limits at zero and its NodeClaims deleted, then the limits each pool is
     * deployed with ({@link KarpenterNodePools#limits}). The function may get and merge-patch those NodePools
     * (by name) and list and delete NodeClaims (cluster-scoped, named by Karpenter, so not by name), nothing else;
     * it never reads nodes, as the system group, which it leaves running, holds the controllers all night.
     * https://karpenter.sh/docs/concepts/nodepools/#speclimits,
     * https://karpenter.sh/docs/concepts/disruption/#manual-methods
     */
    static OffHoursTarget nodePools(final Karpenter karpenter, final List<NodeGroupConfig> groups) {
        final String api = "karpenter.sh";
        return new OffHoursTarget("its NodePools", Map.of("NODE_POOLS", json(groups.stream()
                        .map(g -> new TreeMap<>(Map.of("name", g.name(), "limits",
                                new TreeMap<>(KarpenterNodePools.limits(g))))).toList())),
                List.of(), grant("ClusterRole", Map.of("name", OffHoursScaler.KUBERNETES_GROUP), List.of(
                        Map.of("apiGroups", List.of(api), "resources", List.of("nodepools"),
                                "resourceNames", groups.stream().map(NodeGroupConfig::name).toList(),
                                "verbs", List.of("get", "patch")),
                        Map.of("apiGroups", List.of(api), "resources", List.of("nodeclaims"),
                                "verbs", List.of("list", "delete")))),
                karpenter.nodePools());
    }

    /**
     * A {@code Role} or {@code ClusterRole} with these rules, and its binding to the function's Kubernetes group:
     * the two manifests, in that order.
     */
    private static List<Map<String, Object>> grant(final String kind, final Map<String, String> metadata,
                                                   final List<Map<String, List<String>>> rules) {
        return List.of(
                SortedJson.of(Map.of("apiVersion", RBAC + "/v1", "kind", kind, "metadata", metadata, "rules", rules)),
                SortedJson.of(Map.of("apiVersion", RBAC + "/v1", "kind", kind + "Binding", "metadata", metadata,
                        "roleRef", Map.of("apiGroup", RBAC, "kind", kind, "name", OffHoursScaler.KUBERNETES_GROUP),
                        "subjects", List.of(Map.of("apiGroup", RBAC, "kind", "Group",
                                "name", OffHoursScaler.KUBERNETES_GROUP)))));
    }

    /** The configured sizes the function restores, as JSON with sorted keys so the template is stable. */
    static String nodeGroupsJson(final List<NodeGroupConfig> groups) {
        return json(groups.stream().map(g -> new TreeMap<>(Map.of("name", g.name(),
                "minSize", g.minSize(), "desiredSize", g.desiredSize(), "maxSize", g.maxSize()))).toList());
    }

    /** An environment variable's value as compact JSON. */
    static String json(final Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
