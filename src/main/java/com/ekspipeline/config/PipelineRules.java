package com.ekspipeline.config;

import com.ekspipeline.catalog.SampleWorkload;

import java.util.Optional;
import java.util.regex.Pattern;

/** The delivery pipeline's keys: the source key, who approves, and the time limits of its actions. */
final class PipelineRules {

    /** S3 keys of safe characters, in folders, ending in .zip; no leading slash or empty folder. */
    static final Pattern SOURCE_KEY = Pattern.compile("([A-Za-z0-9!_.*'()-]+/)*[A-Za-z0-9!_.*'()-]+\\.zip");

    private PipelineRules() {
    }

    /**
     * With pod readiness gates a rollout waits, pod by pod, for the NLB to see each new pod healthy, so
     * its wait must cover the largest stage at its HorizontalPodAutoscaler's maximum.
     * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
     */
    private static void rolloutCoversTheReplicas(final ContextReader s, final int rolloutSeconds) {
        final int replicas = Math.max(SampleWorkload.RELEASED.stagingMaxReplicas(),
                SampleWorkload.RELEASED.productionMaxReplicas());
        final int perPod = PipelineConfig.rolloutSecondsPerPod();
        if (rolloutSeconds < replicas * perPod) {
            s.error("rolloutTimeoutSeconds " + rolloutSeconds + " cannot cover a stage's " + replicas
                    + " replicas: a rollout replaces one pod at a time and, with pod readiness gates, waits up to "
                    + perPod + " s for each (" + PipelineConfig.TERMINATION_GRACE_SECONDS + " s for the old pod "
                    + "to drain from the NLB and stop, " + PipelineConfig.POD_START_SECONDS + " s to start the new "
                    + "one, " + PipelineConfig.TARGET_HEALTHY_SECONDS + " s for the NLB to see it healthy, "
                    + "aws-load-balancer-controller#1834), so rolloutTimeoutSeconds must be at least "
                    + replicas * perPod + ".");
        }
    }

    private static int minutesFor(final int rolloutSeconds) {
        return (rolloutSeconds + PipelineConfig.DEPLOY_SECONDS_BEYOND_ROLLOUT + 59) / 60;
    }

    static PipelineConfig read(final ContextReader s) {
        final Optional<String> email = s.optionalEmail("approvalEmail");
        final String key = s.string("sourceObjectKey", SOURCE_KEY,
                "an S3 object key ending in .zip, such as source/eks-pipeline.zip (letters, digits and !_.*'()- "
                        + "in folders separated by single slashes, no leading slash)");
        final int errorsBefore = s.errors().size();
        final int deployMinutes = s.integer("deployTimeoutMinutes", 10, 120);
        final int rolloutSeconds = s.integer("rolloutTimeoutSeconds", 60, 7200 - PipelineConfig.DEPLOY_SECONDS_BEYOND_ROLLOUT);
        if (s.errors().size() == errorsBefore) {
            rolloutCoversTheReplicas(s, rolloutSeconds);
            if (rolloutSeconds + PipelineConfig.DEPLOY_SECONDS_BEYOND_ROLLOUT > deployMinutes * 60) {
                s.error("rolloutTimeoutSeconds " + rolloutSeconds + " leaves too little of deployTimeoutMinutes "
                        + deployMinutes + "; the deploy action needs 10 minutes beyond the rollout wait for kubectl, "
                        + "the load balancer's address and its wait for a healthy target, or a rollback, so "
                        + "deployTimeoutMinutes must be at least " + minutesFor(rolloutSeconds)
                        + " or rolloutTimeoutSeconds at most " + (deployMinutes * 60
                        - PipelineConfig.DEPLOY_SECONDS_BEYOND_ROLLOUT) + ".");
            }
        }
        return new PipelineConfig(email,
                key,
                s.integer("buildTimeoutMinutes", 5, 480),
                deployMinutes,
                rolloutSeconds,
                s.integer("smokeTestSeconds", 10, 840),
                s.optionalEmail("notificationEmail"));
    }
}
