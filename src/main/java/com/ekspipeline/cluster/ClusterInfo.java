package com.ekspipeline.cluster;

import com.ekspipeline.catalog.KubernetesVersion;
import software.amazon.awscdk.services.eks_v2.Cluster;

/**
 * What every part of the cluster receives: the cluster, its name and version as configured (plain
 * values, where the cluster's own getters give tokens), and the order the parts declare themselves into.
 *
 * @param cluster the EKS cluster
 * @param name    its name, e.g. for the autoscaler's discovery tags
 * @param version its Kubernetes version
 * @param order   where each part declares what it waits for and what must outlive it
 */
public record ClusterInfo(Cluster cluster, String name, KubernetesVersion version, ClusterOrder order) {
}
