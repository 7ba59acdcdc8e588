package com.ekspipeline.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What the app watches and who hears of it: Container Insights and container logs, the alarms on the
 * pipeline's notification topic, and the dashboard.
 *
 * @param enabled                   false: none of it is created (for people who pay for another tool)
 * @param reservationAlarmPercent   CPU or memory reserved by pods, in percent of the nodes', at which the
 *                                  cluster alarms once every node group is at its maxSize
 * @param restartAlarmCount         container restarts of the sample service in one stage within 15 minutes
 *                                  at which that stage alarms
 * @param containerLogGiBPerDay     container, node and performance log volume the cost estimate assumes
 */
public record ObservabilityConfig(boolean enabled, int reservationAlarmPercent, int restartAlarmCount,
                                  int containerLogGiBPerDay) {

    /**
     * The alarms that parked nodes would set off: the three about the nodes, and the service probe's, as
     * production cannot answer without nodes. Off-hours keeps them quiet while it parks the nodes.
     */
    public static List<String> offHoursAlarmNames(final String appName) {
        final List<String> names = new ArrayList<>(nodeAlarmNames(appName));
        names.add(appName + "-service-unreachable");
        return List.copyOf(names);
    }

    /**
     * The three alarms about one cluster's nodes. With {@code stages}, each stage's cluster has these, named
     * for the stage ({@code <appName>-staging-...}), in the stage's account; its off-hours silences them.
     */
    public static List<String> nodeAlarmNames(final String appName) {
        return List.of(appName + "-nodes-below-minimum", appName + "-nodes-not-ready",
                appName + "-reservation-at-max");
    }

    /** The alarm on container restarts of the sample service in {@code namespace}. */
    public static String restartAlarmName(final String appName, final String namespace) {
        return appName + "-restarts-" + namespace;
    }

    /** Every alarm's name starts with this, so that one topic-policy condition admits them all. */
    public static String alarmNamePrefix(final String appName) {
        return appName + "-";
    }
}
