package com.ekspipeline.config;

import java.util.Optional;
import java.util.regex.Pattern;

/** The delivery pipeline's keys: the source key, who approves, and the time limits of its actions. */
final class PipelineRules {

    /** S3 keys of safe characters, in folders, ending in .zip; no leading slash or empty folder. */
    static final Pattern SOURCE_KEY = Pattern.compile("([A-Za-z0-9!_.*'()-]+/)*[A-Za-z0-9!_.*'()-]+\\.zip");

    private PipelineRules() {
    }

    static PipelineConfig read(final ContextReader s) {
        final Optional<String> email = s.optionalEmail("approvalEmail");
        final String key = s.string("sourceObjectKey", SOURCE_KEY,
                "an S3 object key ending in .zip, such as source/eks-pipeline.zip (letters, digits and !_.*'()- "
                        + "in folders separated by single slashes, no leading slash)");
        final int errorsBefore = s.errors().size();
        final int deployMinutes = s.integer("deployTimeoutMinutes", 10, 120);
        final int rolloutSeconds = s.integer("rolloutTimeoutSeconds", 60, 6900);
        final boolean timesValid = s.errors().size() == errorsBefore;
        if (timesValid && rolloutSeconds + 300 > deployMinutes * 60) {
            s.error("rolloutTimeoutSeconds " + rolloutSeconds + " leaves too little of deployTimeoutMinutes "
                    + deployMinutes + "; the deploy action needs 5 minutes beyond the rollout wait for kubectl, "
                    + "a rollback and the load balancer address, so rolloutTimeoutSeconds must be at most "
                    + (deployMinutes * 60 - 300) + ".");
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
