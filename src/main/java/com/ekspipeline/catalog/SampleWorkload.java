package com.ekspipeline.catalog;

/**
 * What the sample service in {@code k8s/} brings once the pipeline has released it to both stages: the
 * load balancers and volumes the cost estimate prices (controllers in the cluster create them, not
 * CloudFormation), and the pods the capacity model places. A test keeps every figure equal to the
 * rendered overlays.
 *
 * @param loadBalancers         internet-facing Network Load Balancers, one per stage's Service
 * @param claimGiBPerReplica    the StatefulSet's volume claim size
 * @param stagingReplicas       the staging HorizontalPodAutoscaler's minimum
 * @param productionReplicas    the production HorizontalPodAutoscaler's minimum
 * @param stagingMaxReplicas    the staging HorizontalPodAutoscaler's maximum
 * @param productionMaxReplicas the production HorizontalPodAutoscaler's maximum
 * @param stagingCpuMillis      a staging pod's CPU request
 * @param stagingMemoryMiB      a staging pod's memory request
 * @param productionCpuMillis   a production pod's CPU request
 * @param productionMemoryMiB   a production pod's memory request
 */
public record SampleWorkload(int loadBalancers, int claimGiBPerReplica, int stagingReplicas, int productionReplicas,
                             int stagingMaxReplicas, int productionMaxReplicas, int stagingCpuMillis,
                             int stagingMemoryMiB, int productionCpuMillis, int productionMemoryMiB) {

    public static final SampleWorkload RELEASED = new SampleWorkload(2, 1, 2, 3, 4, 8, 250, 256, 500, 512);

    public int claimGiB() {
        return claimGiBPerReplica * (stagingReplicas + productionReplicas);
    }

    /** What the service brings to one stage's cluster of its own: that stage's load balancer and replicas. */
    public SampleWorkload only(final String stage) {
        final boolean staging = "staging".equals(stage);
        return new SampleWorkload(loadBalancers / 2, claimGiBPerReplica, staging ? stagingReplicas : 0,
                staging ? 0 : productionReplicas, staging ? stagingMaxReplicas : 0, staging ? 0 : productionMaxReplicas,
                stagingCpuMillis, stagingMemoryMiB, productionCpuMillis, productionMemoryMiB);
    }

    /** True when both stages are released to the cluster this describes. */
    public boolean bothStages() {
        return stagingReplicas > 0 && productionReplicas > 0;
    }
}
