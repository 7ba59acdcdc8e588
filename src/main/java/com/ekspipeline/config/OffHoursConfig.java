package com.ekspipeline.config;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * The working hours of the node groups. Every day at {@code scaleDownAt} they go to zero nodes; on each
 * of {@code scaleUpDays} at {@code scaleUpAt} they return to their configured sizes. The control plane,
 * NAT gateways, load balancers and volumes keep running (and billing) throughout.
 *
 * @param scaleDownAt local time the nodes stop, every day
 * @param scaleUpAt   local time the nodes start, on {@code scaleUpDays}
 * @param timeZone    the IANA time zone both times are in
 * @param scaleUpDays the days the nodes start; on other days they stay at zero
 */
public record OffHoursConfig(LocalTime scaleDownAt, LocalTime scaleUpAt, ZoneId timeZone,
                             List<DayOfWeek> scaleUpDays) {

    public OffHoursConfig {
        scaleUpDays = List.copyOf(scaleUpDays);
    }

    /**
     * The off-hours function's name. The pipeline stack, deployed after the one holding the function,
     * watches its metrics by this name: names that cross stacks come from config, not from tokens.
     */
    public static String functionName(final String appName) {
        return appName + "-off-hours";
    }

    /** The schedule group of the stop and start schedules, whose dropped invocations the pipeline stack watches. */
    public static String scheduleGroupName(final String appName) {
        return appName + "-off-hours";
    }

    /** How long the nodes run after each start: until the next {@code scaleDownAt}. */
    public Duration runningPerStart() {
        final long minutes = Duration.between(scaleUpAt, scaleDownAt).toMinutes();
        return Duration.ofMinutes(minutes > 0 ? minutes : minutes + 24 * 60);
    }

    /** Hours a week the nodes run, of 168 (daylight-saving shifts ignored). */
    public double runningHoursPerWeek() {
        return scaleUpDays.size() * runningPerStart().toMinutes() / 60.0;
    }
}
