package com.ekspipeline.config;

import java.util.List;
import java.util.Optional;

/**
 * One stage on a cluster of its own ({@code stages.staging} or {@code stages.production}): where it runs
 * and what its cluster is. Every field the stage does not set is the top-level key's value.
 *
 * @param stage             {@code staging} or {@code production}, as the Kubernetes namespace is named
 * @param account           the account its stacks go to; empty: the app's own (delivery) account, or
 *                          account-agnostic when that is unknown
 * @param region            the region its stacks go to
 * @param availabilityZones the zones its VPC spans
 * @param cluster           its cluster: name, version and node groups of its own; the endpoint's networks,
 *                          the admins and the support policy of the top-level keys
 * @param offHours          when its nodes park; empty: they never do
 */
public record StageTarget(String stage, Optional<String> account, String region, List<String> availabilityZones,
                          ClusterConfig cluster, Optional<OffHoursConfig> offHours) {

    /** The stage keys, in the order the pipeline deploys them. */
    public static final List<String> STAGES = List.of("staging", "production");

    public StageTarget {
        availabilityZones = List.copyOf(availabilityZones);
    }

    /**
     * The name of the stage's stacks and of every account-scoped resource in them, e.g.
     * {@code eks-pipeline-staging}: two stages in one account never clash. Names that cross an account
     * boundary (the deploy role, the cluster) are all derived here and in {@link #deployRoleName}, from
     * config, never from another stack's tokens.
     */
    public static String name(final String appName, final String stage) {
        return appName + "-" + stage;
    }

    /** The role in the stage's account that the delivery account's deploy project of this stage assumes. */
    public static String deployRoleName(final String appName, final String stage) {
        return name(appName, stage) + "-deploy";
    }

    /**
     * The role in staging's account that the pipeline assumes to read staging's alarms before it lets a release
     * into production (with observability on).
     */
    public static String alarmReaderRoleName(final String appName, final String stage) {
        return name(appName, stage) + "-alarm-reader";
    }

    /** The pipeline's own role, named with stages and observability on so that staging's alarm reader trusts it. */
    public static String pipelineRoleName(final String appName) {
        return appName + "-pipeline";
    }

    /** The delivery account's deploy project of a stage, and its role: the only principal the stage's role trusts. */
    public static String deployProjectName(final String appName, final String stage) {
        return appName + "-deploy-" + stage;
    }
}
