package com.ekspipeline.cluster;

import java.util.Locale;

/** The two places the pipeline deploys to; each is a Kubernetes namespace of the same name. */
public enum Stage {
    STAGING,
    PRODUCTION;

    public String namespace() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code Staging}, {@code Production}: for construct IDs and display. */
    public String title() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
}
