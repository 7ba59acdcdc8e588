package com.ekspipeline.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The keys that keep the bill in view: the budget, the log assumption, and the off-hours schedule. */
final class BillingRules {

    private static final Pattern TIME_OF_DAY = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Map<String, DayOfWeek> DAYS = Map.of("MON", DayOfWeek.MONDAY, "TUE", DayOfWeek.TUESDAY,
            "WED", DayOfWeek.WEDNESDAY, "THU", DayOfWeek.THURSDAY, "FRI", DayOfWeek.FRIDAY,
            "SAT", DayOfWeek.SATURDAY, "SUN", DayOfWeek.SUNDAY);
    private static final List<String> WORKDAYS = List.of("MON", "TUE", "WED", "THU", "FRI");
    private static final Set<String> OFF_HOURS_KEYS = Set.of("scaleDownAt", "scaleUpAt", "timeZone", "scaleUpDays");

    private BillingRules() {
    }

    static BillingConfig read(final ContextReader s) {
        final Optional<String> email = s.optionalEmail("budgetEmail");
        return new BillingConfig(
                s.integer("monthlyBudgetUsd", 1, 1_000_000),
                email,
                budgetAlertPercents(s),
                s.integer("estimatedLogGiBPerDay", 0, 10_000),
                s.has("offHours") ? offHours(s) : Optional.empty());
    }

    private static List<Integer> budgetAlertPercents(final ContextReader s) {
        final List<Integer> percents = s.integerList("budgetAlertPercents", 1, 1, 1000);
        if (percents.size() > BillingConfig.MAX_ACTUAL_ALERTS) {
            s.error("budgetAlertPercents", percents, "a list of at most " + BillingConfig.MAX_ACTUAL_ALERTS
                    + " percentages (AWS Budgets allows five alerts per budget and one is the forecast alert)");
        }
        return percents.stream().sorted().toList();
    }

    static Optional<OffHoursConfig> offHours(final ContextReader s) {
        final Map<String, Object> object = s.object("offHours", "with the keys "
                + String.join(", ", UnknownKeys.sorted(OFF_HOURS_KEYS)) + ", or absent to keep the nodes running");
        if (object == null) {
            return Optional.empty();
        }
        final ContextReader o = s.nested(object, s.path("offHours"));
        final int errorsBefore = o.errors().size();
        final String down = o.string("scaleDownAt", TIME_OF_DAY, "a 24-hour time such as 20:00");
        final String up = o.string("scaleUpAt", TIME_OF_DAY, "a 24-hour time such as 07:00");
        final Object zone = o.rawValue("timeZone");
        if (!(zone instanceof String z) || !ZoneId.getAvailableZoneIds().contains(z)) {
            o.error("timeZone", zone, "an IANA time zone such as UTC or Europe/Berlin");
        }
        final List<String> days = o.has("scaleUpDays")
                ? o.stringList("scaleUpDays", 1, d -> DAYS.containsKey(d.toUpperCase(Locale.ROOT)),
                        "days such as MON, TUE, WED, THU, FRI")
                : WORKDAYS;
        if (!down.isEmpty() && down.equals(up)) {
            o.error(o.path("scaleDownAt") + " and scaleUpAt are both " + down
                    + "; they must differ, or the nodes would never run.");
        }
        UnknownKeys.reject(o);
        if (o.errors().size() != errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new OffHoursConfig(LocalTime.parse(down), LocalTime.parse(up), ZoneId.of((String) zone),
                days.stream().map(d -> DAYS.get(d.toUpperCase(Locale.ROOT))).sorted().toList()));
    }
}
