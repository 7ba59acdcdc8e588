package com.ekspipeline.config;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The whole configuration of one deployment, validated. Built once at the edge by {@link ConfigLoader};
 * constructs receive the parts they need and never read context themselves.
 *
 * @param appName           names and tags every resource; also the stack name prefix
 * @param region            the one region everything is deployed to
 * @param account           the target account when known; empty keeps the stacks account-agnostic
 * @param availabilityZones the zones the VPC spans; fixed in config so synth needs no lookup
 * @param logRetentionDays  retention of every log group the app creates
 * @param synthDay          the day synth runs, for the Kubernetes version lifecycle
 * @param network           the VPC
 * @param cluster           the EKS cluster and its node groups
 * @param pipeline          the delivery pipeline
 * @param billing           the budget alarm, cost assumptions and off-hours scale-down
 * @param observability     Container Insights, the alarms and the dashboard
 * @param stages            staging and production on clusters of their own; empty (the default): both are
 *                          namespaces of the one cluster above
 */
public record AppConfig(
        String appName,
        String region,
        Optional<String> account,
        List<String> availabilityZones,
        int logRetentionDays,
        LocalDate synthDay,
        NetworkConfig network,
        ClusterConfig cluster,
        PipelineConfig pipeline,
        BillingConfig billing,
        ObservabilityConfig observability,
        List<StageTarget> stages) {

    public AppConfig {
        availabilityZones = List.copyOf(availabilityZones);
        stages = List.copyOf(stages);
    }

    /**
     * The configuration of one stage's own stacks: named {@code <appName>-<stage>}, in the stage's account and
     * region, its own VPC (shaped by vpcCidr and natGateways), cluster and off-hours; everything else as here.
     */
    public AppConfig target(final StageTarget stage) {
        return new AppConfig(StageTarget.name(appName, stage.stage()), stage.region(), stage.account(),
                stage.availabilityZones(), logRetentionDays, synthDay, network, stage.cluster(), pipeline,
                new BillingConfig(billing.monthlyBudgetUsd(), billing.budgetEmail(), billing.budgetAlertPercents(),
                        billing.estimatedLogGiBPerDay(), stage.offHours()),
                observability, List.of());
    }

    /** The name of the stack that holds {@code part}, e.g. {@code eks-pipeline-network}. */
    public String stackName(final String part) {
        return appName + "-" + part;
    }
}
