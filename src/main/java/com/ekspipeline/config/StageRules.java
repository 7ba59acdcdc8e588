package com.ekspipeline.config;

import com.ekspipeline.catalog.KubernetesVersion;
import com.ekspipeline.catalog.PriceTable;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code stages} key: staging and production, each on a cluster of its own, optionally in an account
 * and region of its own. A stage's own key wins over the top-level one, which is its default; the
 * top-level keys that would be ambiguous ({@code clusterName}, {@code offHours}, {@code vpc}) are refused.
 */
final class StageRules {

    static final Set<String> KEYS = Set.of("account", "region", "availabilityZones", "clusterName",
            "kubernetesVersion", "nodeGroups", "offHours");
    /** Top-level keys that name one cluster or one schedule, which stages split in two. */
    private static final Map<String, String> REFUSED = Map.of(
            "clusterName", "each stage names its own cluster (stages.staging.clusterName, stages.production.clusterName)",
            "offHours", "each stage parks on its own schedule (stages.staging.offHours, stages.production.offHours)",
            "vpc", "each stage builds its own VPC; an existing VPC per stage is not supported yet");

    /** The top-level values a stage inherits. */
    record Defaults(String appName, String region, Optional<String> account, List<String> zones, ClusterConfig cluster,
                    LocalDate today, PriceTable prices, boolean observability, Path projectRoot) {
    }

    private StageRules() {
    }

    static List<StageTarget> read(final ContextReader s, final Defaults top) {
        if (!s.has("stages")) {
            return List.of();
        }
        final Map<String, Object> object = s.object("stages", "with the keys production and staging");
        if (object == null) {
            return List.of();
        }
        REFUSED.forEach((key, reason) -> {
            if (s.has(key)) {
                s.error(key + " is " + ContextValues.show(s.rawValue(key)) + " but must be absent with stages: "
                        + reason + ".");
            }
        });
        if (top.cluster().karpenter()) {
            s.error("autoscaler is \"karpenter\" but must be cluster-autoscaler with stages: Karpenter on the "
                    + "stages' clusters is not supported yet.");
        }
        final ContextReader all = s.nested(object, "stages");
        final List<StageTarget> targets = new ArrayList<>();
        for (final String stage : StageTarget.STAGES) {
            final Map<String, Object> fields = all.has(stage) ? all.object(stage, "with the keys "
                    + String.join(", ", new TreeSet<>(KEYS))) : null;
            if (fields == null) {
                if (!all.has(stage)) {
                    all.error(all.path(stage) + " is missing but must be an object with at least clusterName: with "
                            + "stages, each stage runs on a cluster of its own.");
                }
                continue;
            }
            targets.add(stage(all.nested(fields, all.path(stage)), stage, top));
        }
        UnknownKeys.reject(all);
        if (targets.size() == 2) {
            canaryFirst(s, targets.get(0), targets.get(1));
            distinctClusters(s, targets.get(0), targets.get(1));
        }
        return List.copyOf(targets);
    }

    private static StageTarget stage(final ContextReader t, final String stage, final Defaults top) {
        final Optional<String> account = t.has("account")
                ? Optional.of(t.string("account", AppRules.ACCOUNT, "a 12-digit AWS account ID")) : top.account();
        if (t.has("account") && top.account().isEmpty()) {
            t.error(t.path("account") + " is set but account is not: the stage's deploy role trusts the pipeline's "
                    + "account by its ID, so set account to the 12-digit ID of the account the pipeline is in.");
        }
        final String region = t.has("region") ? AppRules.region(t, top.prices()) : top.region();
        final List<String> zones = t.has("availabilityZones") ? AppRules.availabilityZones(t, region)
                : sameRegion(t, region, top);
        final String clusterName = t.string("clusterName", ClusterRules.CLUSTER_NAME,
                "1 to 100 letters, digits, hyphens or underscores, starting with a letter or digit");
        final KubernetesVersion version = t.has("kubernetesVersion")
                ? ClusterRules.kubernetesVersion(t, top.today(), top.projectRoot()) : top.cluster().kubernetesVersion();
        final int errorsBefore = t.errors().size();
        final List<NodeGroupConfig> groups = t.has("nodeGroups") && !region.isEmpty()
                ? ClusterRules.nodeGroups(t, region, top.prices(), version, top.cluster().autoscaler())
                : top.cluster().nodeGroups();
        if (t.errors().size() == errorsBefore && t.has("nodeGroups")) {
            CapacityRules.check(t, groups, top.observability());
        }
        if (t.errors().size() == errorsBefore && !zones.isEmpty()) {
            ZonalGroups.check(t, groups, zones);
        }
        final Optional<OffHoursConfig> offHours = t.has("offHours") ? BillingRules.offHours(t) : Optional.empty();
        if (offHours.isPresent() && top.observability() && "production".equals(stage)) {
            // The probe and its alarm are the pipeline's, in the delivery account: production's off-hours,
            // in production's account, cannot silence them while the nodes are parked.
            t.error(t.path("offHours") + " is set but must be absent with observability on: the service probe's "
                    + "alarm in the pipeline's account would go off every night while production's nodes are "
                    + "parked, and off-hours on production's cluster cannot silence it.");
        }
        UnknownKeys.reject(t);
        final ClusterConfig shared = top.cluster();
        return new StageTarget(stage, account, region, zones, new ClusterConfig(clusterName, version,
                shared.endpointPublicCidrs(), shared.adminPrincipalArns(), groups, shared.extendedSupport()), offHours);
    }

    /** The top-level zones serve a stage in the top-level region only: zones are a region's. */
    private static List<String> sameRegion(final ContextReader t, final String region, final Defaults top) {
        if (!region.isEmpty() && !region.equals(top.region())) {
            t.error(t.path("availabilityZones") + " is missing but must be set, to zones of " + region
                    + " such as " + region + "a, because " + t.path("region") + " differs from region ("
                    + top.region() + ") whose availabilityZones are not " + region + "'s.");
            return List.of();
        }
        return top.zones();
    }

    /** Staging is the upgrade canary: production never runs a newer minor than staging has run. */
    private static void canaryFirst(final ContextReader s, final StageTarget staging, final StageTarget production) {
        final KubernetesVersion ahead = production.cluster().kubernetesVersion();
        final KubernetesVersion canary = staging.cluster().kubernetesVersion();
        if (ahead != null && canary != null && ahead.minor() > canary.minor()) {
            s.error("stages.production.kubernetesVersion is \"" + ahead + "\" but must be at most staging's (\""
                    + canary + "\", stages.staging.kubernetesVersion or kubernetesVersion): staging runs every "
                    + "upgrade first; raise staging's version, deploy it, then production's.");
        }
    }

    private static void distinctClusters(final ContextReader s, final StageTarget staging,
                                         final StageTarget production) {
        final String name = staging.cluster().clusterName();
        if (!name.isEmpty() && name.equals(production.cluster().clusterName())
                && staging.region().equals(production.region()) && staging.account().equals(production.account())) {
            s.error("stages.production.clusterName is \"" + name + "\" but must differ from "
                    + "stages.staging.clusterName while both stages are in the same account and region.");
        }
    }
}
