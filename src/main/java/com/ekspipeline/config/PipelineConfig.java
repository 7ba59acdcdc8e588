package com.ekspipeline.config;

import java.util.Optional;

/**
 * The delivery pipeline.
 *
 * @param approvalEmail        who is emailed when a release waits for approval before production;
 *                             empty: the approval is still required, announced only on its SNS topic
 * @param sourceObjectKey      the key in the source bucket whose new versions start the pipeline
 * @param buildTimeoutMinutes  limit for the build action (tests, docker build, push)
 * @param deployTimeoutMinutes limit for each deploy action, rollout wait included
 * @param rolloutTimeoutSeconds how long a deploy waits for the new pods before rolling back
 * @param smokeTestSeconds     how long the smoke test keeps retrying the service before failing
 * @param notificationEmail    who is emailed when a release fails, rolls back, succeeds or waits for
 *                             approval; empty: nobody (synth warns)
 */
public record PipelineConfig(
        Optional<String> approvalEmail,
        String sourceObjectKey,
        int buildTimeoutMinutes,
        int deployTimeoutMinutes,
        int rolloutTimeoutSeconds,
        int smokeTestSeconds,
        Optional<String> notificationEmail) {

    /**
     * The StatefulSet's terminationGracePeriodSeconds (k8s/base/statefulset.yaml): its preStop wait of
     * {@link #PRE_STOP_SECONDS}, then the service's own drain (DRAIN_SECONDS 5 + GRACE_SECONDS 25), and 10 s spare.
     */
    public static final int TERMINATION_GRACE_SECONDS = 190;

    /**
     * How long a stopping pod keeps serving before it is told to stop: longer than the NLB keeps sending it
     * new connections after its target starts draining, about two minutes whatever the deregistration
     * delay (aws-load-balancer-controller#3270), and than the delay itself (120 s, k8s/base/service.yaml).
     */
    public static final int PRE_STOP_SECONDS = 150;

    /** A new pod's scheduling, volume attachment, JVM start and first readiness probe, at most. */
    public static final int POD_START_SECONDS = 60;

    /**
     * From a new pod's registration until the NLB sees it healthy, which its readiness gate waits for:
     * 90 to 180 s (aws-load-balancer-controller#1834).
     */
    public static final int TARGET_HEALTHY_SECONDS = 180;

    /**
     * What the deploy needs beyond the rollout wait: installing kubectl and applying (60 s), the load
     * balancer's address (120 s) and its wait for an active load balancer with a healthy target (420 s),
     * or instead a rollback.
     */
    public static final int DEPLOY_SECONDS_BEYOND_ROLLOUT = 600;

    /**
     * A rolling update replaces one pod at a time, and each waits for the old pod to stop and the new one
     * to become a healthy target: the rollout's time per pod.
     */
    public static int rolloutSecondsPerPod() {
        return TERMINATION_GRACE_SECONDS + POD_START_SECONDS + TARGET_HEALTHY_SECONDS;
    }
}
