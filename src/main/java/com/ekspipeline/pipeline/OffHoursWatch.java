package com.ekspipeline.pipeline;

import com.ekspipeline.config.OffHoursConfig;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * Watches off-hours itself, with or without observability: a stop or start that fails (the function
 * raises, so Lambda counts an error), one Lambda throttles, and one the scheduler gave up on after its
 * retries (InvocationDroppedCount of the schedules' group) each alarm on the notification topic. Off-hours
 * silences only {@code ObservabilityConfig.offHoursAlarmNames}, never these, so a failed morning start is
 * heard even though the node alarms were quiet all night.
 *
 * <p>The function and its schedules live in an earlier stack; their metrics are found by the names
 * config gives them ({@link OffHoursConfig#functionName}, {@link OffHoursConfig#scheduleGroupName}).
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html
 */
final class OffHoursWatch {

    private OffHoursWatch() {
    }

    /** The alarms' names; each starts with the prefix the topic admits. */
    static List<String> alarmNames(final String appName) {
        return List.of(appName + "-off-hours-failed", appName + "-off-hours-throttled",
                appName + "-off-hours-dropped");
    }

    static List<Alarm> create(final Construct scope, final String appName, final ITopic topic) {
        final Map<String, String> function = Map.of("FunctionName", OffHoursConfig.functionName(appName));
        final List<String> names = alarmNames(appName);
        final List<Alarm> alarms = List.of(
                alarm(scope, "OffHoursFailedAlarm", names.get(0), sum("AWS/Lambda", "Errors", function),
                        "The off-hours function failed: the nodes may not have stopped or started. Its log says why."),
                alarm(scope, "OffHoursThrottledAlarm", names.get(1), sum("AWS/Lambda", "Throttles", function),
                        "Lambda throttled the off-hours function: a stop or start may not have run."),
                alarm(scope, "OffHoursDroppedAlarm", names.get(2), sum("AWS/Scheduler", "InvocationDroppedCount",
                                Map.of("ScheduleGroup", OffHoursConfig.scheduleGroupName(appName))),
                        "EventBridge Scheduler gave up invoking the off-hours function: a stop or start did not run."));
        // Told when it fails and when it works again, as the app's other alarms.
        alarms.forEach(a -> {
            a.addAlarmAction(new SnsAction(topic));
            a.addOkAction(new SnsAction(topic));
        });
        return alarms;
    }

    /** A metric found by its literal dimensions: the function and the group are in another stack. */
    private static IMetric sum(final String namespace, final String name, final Map<String, String> dimensions) {
        return Metric.Builder.create().namespace(namespace).metricName(name).dimensionsMap(dimensions)
                .statistic("Sum").period(Duration.minutes(5)).build();
    }

    private static Alarm alarm(final Construct scope, final String id, final String name, final IMetric metric,
                               final String description) {
        return Alarm.Builder.create(scope, id)
                .alarmName(name)
                .alarmDescription(description + " See \"Seeing what runs\" in the README.")
                .metric(metric)
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                // The function runs twice a day: no data is the usual case, not a failure.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }
}
