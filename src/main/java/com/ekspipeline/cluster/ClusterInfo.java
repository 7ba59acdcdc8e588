package com.ekspipeline.cluster;

import com.ekspipeline.catalog.KubernetesVersion;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * What every part of the cluster receives: the cluster, its name and version as configured (plain
 * values, where the cluster's own getters give tokens), the order the parts declare themselves into, and
 * the construct that stands for the cluster in the part's stack.
 *
 * <p>{@code home} is the cluster itself in the cluster stack. In the nodes stack it is a construct with
 * the cluster's ID, so that node groups, manifests and charts created under it keep the construct path,
 * and so the logical ID, they had when they were children of the cluster in one stack.
 *
 * @param cluster the EKS cluster
 * @param name    its name, e.g. for the autoscaler's discovery tags
 * @param version its Kubernetes version
 * @param order   where each part declares what it waits for and what must outlive it
 * @param home    where node groups, manifests and charts of this stack are created
 */
public record ClusterInfo(Cluster cluster, String name, KubernetesVersion version, ClusterOrder order,
                          Construct home) {

    /** The same cluster, for parts created under {@code newHome} (a construct in another stack). */
    ClusterInfo at(final Construct newHome) {
        return new ClusterInfo(cluster, name, version, order, newHome);
    }

    /**
     * A manifest the cluster's kubectl provider applies, at the path {@code Cluster.addManifest} would give
     * it; from another stack the provider's service token is a cross-stack reference, and the manifest
     * waits for the provider's readiness barrier (aws-eks-v2 {@code KubectlProvider.getKubectlProvider}).
     */
    @SafeVarargs
    final KubernetesManifest addManifest(final String id, final Map<String, Object>... manifest) {
        return KubernetesManifest.Builder.create(home, "manifest-" + id).cluster(cluster)
                .manifest(List.of(manifest)).build();
    }
}
