package com.ekspipeline.cost;

/**
 * What the sample service in {@code k8s/} adds to the bill once the pipeline has released it to both
 * stages. Load balancers and volumes are created by controllers in the cluster, not by CloudFormation,
 * so the estimate takes them from here; a test keeps these figures equal to the rendered overlays.
 *
 * @param loadBalancers        internet-facing Network Load Balancers, one per stage's Service
 * @param claimGiBPerReplica   the StatefulSet's volume claim size
 * @param stagingReplicas      the staging HorizontalPodAutoscaler's minimum
 * @param productionReplicas   the production HorizontalPodAutoscaler's minimum
 */
public record SampleWorkload(int loadBalancers, int claimGiBPerReplica, int stagingReplicas, int productionReplicas) {

    public static final SampleWorkload RELEASED = new SampleWorkload(2, 1, 2, 3);

    public int claimGiB() {
        return claimGiBPerReplica * (stagingReplicas + productionReplicas);
    }
}
