package com.ekspipeline.budget;

import com.ekspipeline.config.BillingConfig;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.services.budgets.CfnBudget;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An AWS Budgets monthly cost budget for the account, emailing {@code budgetEmail} when actual spend
 * passes each of {@code budgetAlertPercents} of the limit, and when the month's forecast passes the
 * limit itself. Budgets see the whole account's spend: tag-filtered budgets need the {@code app} tag
 * activated as a cost allocation tag first, which CloudFormation cannot do.
 */
public final class MonthlyBudget extends Construct {

    /** The budget of {@code appName} in {@code scope} when budgetEmail is set; else a warning there saying how to. */
    public static void orWarning(final Construct scope, final String appName, final BillingConfig billing) {
        billing.budgetEmail().ifPresentOrElse(
                email -> new MonthlyBudget(scope, "MonthlyBudget", appName, billing, email),
                () -> Annotations.of(scope).addWarningV2("eks-pipeline:noBudget", "No budget alarm: set budgetEmail to be "
                        + "emailed when the account's spend passes " + billing.budgetAlertPercents().stream()
                        .map(p -> p + "%").collect(Collectors.joining(", ")) + " of monthlyBudgetUsd ($"
                        + billing.monthlyBudgetUsd() + ") in a month."));
    }

    public MonthlyBudget(final Construct scope, final String id, final String appName, final BillingConfig billing,
                         final String email) {
        super(scope, id);
        final List<CfnBudget.NotificationWithSubscribersProperty> notifications = new ArrayList<>();
        for (int percent : billing.budgetAlertPercents()) {
            notifications.add(notification("ACTUAL", percent, email));
        }
        notifications.add(notification("FORECASTED", 100, email));
        CfnBudget.Builder.create(this, "Budget")
                .budget(CfnBudget.BudgetDataProperty.builder()
                        .budgetName(appName + "-monthly")
                        .budgetType("COST")
                        .timeUnit("MONTHLY")
                        .budgetLimit(CfnBudget.SpendProperty.builder()
                                .amount(billing.monthlyBudgetUsd())
                                .unit("USD")
                                .build())
                        .build())
                .notificationsWithSubscribers(notifications)
                .build();
    }

    private static CfnBudget.NotificationWithSubscribersProperty notification(final String type, final int percent,
                                                                             final String email) {
        return CfnBudget.NotificationWithSubscribersProperty.builder()
                .notification(CfnBudget.NotificationProperty.builder()
                        .notificationType(type)
                        .comparisonOperator("GREATER_THAN")
                        .threshold(percent)
                        .thresholdType("PERCENTAGE")
                        .build())
                .subscribers(List.of(CfnBudget.SubscriberProperty.builder()
                        .subscriptionType("EMAIL")
                        .address(email)
                        .build()))
                .build();
    }
}
