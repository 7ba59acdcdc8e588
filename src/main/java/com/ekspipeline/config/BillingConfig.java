package com.ekspipeline.config;

import java.util.List;
import java.util.Optional;

/**
 * What keeps the bill in view: the budget alarm, the assumption behind the log line of the cost
 * estimate, and the optional off-hours scale-down.
 *
 * @param monthlyBudgetUsd     the AWS Budgets monthly cost budget for the account
 * @param budgetEmail          who is alerted; empty: no budget is created (synth says so)
 * @param budgetAlertPercents  percentages of the budget at which actual spend alerts
 * @param estimatedLogGiBPerDay log volume (control plane, flow logs) the cost estimate assumes
 * @param offHours             when the node groups are scaled to zero; empty: they never are
 */
public record BillingConfig(
        int monthlyBudgetUsd,
        Optional<String> budgetEmail,
        List<Integer> budgetAlertPercents,
        int estimatedLogGiBPerDay,
        Optional<OffHoursConfig> offHours) {

    /** AWS Budgets allows five notifications per budget; one is the forecast alert. */
    public static final int MAX_ACTUAL_ALERTS = 4;

    public BillingConfig {
        budgetAlertPercents = List.copyOf(budgetAlertPercents);
    }
}
