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
}
