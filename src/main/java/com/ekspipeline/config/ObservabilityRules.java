package com.ekspipeline.config;

/** The keys of what the app watches: on or off, the alarm thresholds, and the log volume to price. */
final class ObservabilityRules {

    private ObservabilityRules() {
    }

    static ObservabilityConfig read(final ContextReader s) {
        return new ObservabilityConfig(
                s.bool("observability"),
                s.integer("alarmReservationPercent", 50, 100),
                s.integer("alarmRestartsPer15Minutes", 1, 100),
                s.integer("estimatedContainerLogGiBPerDay", 0, 10_000));
    }
}
