package com.ekspipeline.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every configuration key, each with what it allows, written beside the rules that check it: the unknown-key
 * check takes its list from here, and docs/configuration.md is generated from it (with the defaults cdk.json
 * gives and the sentence synth prints for each key's example of a bad value), so the reference cannot drift
 * from the code. A key the loader reads that is not listed here, or listed and never read, fails a test.
 */
public final class ConfigKeys {

    /**
     * @param name       the key
     * @param absent     what it is when cdk.json sets nothing; null when cdk.json gives the default
     * @param allowed    what it may be, in Markdown
     * @param badExample a value the rules refuse, for the reference's example error
     */
    public record Key(String name, String absent, String allowed, Object badExample) {
    }

    /** The top-level keys, in the order the reference lists them. */
    public static final List<Key> TOP_LEVEL = List.of(
            new Key("appName", null, "3–20 lowercase letters, digits, hyphens; starts with a letter. Prefixes the "
                    + "stack names and is the value of the `app` tag on every resource", "My App"),
            new Key("region", null, "a region `src/main/resources/prices.csv` prices: us-east-1, us-east-2, "
                    + "us-west-2, eu-west-1, eu-central-1 (add rows for others)", "mars-east-1"),
            new Key("availabilityZones", null, "at least two distinct zones of `region`; fixed here so synth needs "
                    + "no lookup", List.of("us-east-2a")),
            new Key("account", "the CLI's default account, if credentials exist", "a 12-digit account ID; without "
                    + "one the stacks are account-agnostic", "12345"),
            new Key("vpcCidr", null, "an IPv4 network with a prefix from /16 to /20", "10.0.0.0/8"),
            new Key("natGateways", null, "1 to one per zone (one per zone survives a zone outage, at about $33 a "
                    + "month each)", 7),
            new Key("vpc", "none (the app builds its VPC)", "an existing VPC instead of one of the app's: an object "
                    + "with `id`, `cidr`, `privateSubnets`, `publicSubnets` and optionally `tagSubnets`; with it, set "
                    + "`vpcCidr` and `natGateways` to nothing. See [Using an existing VPC](existing-vpc.md#using-an-"
                    + "existing-vpc)", "vpc-123"),
            new Key("logRetentionDays", null, "a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, "
                    + "150, 180, 365, … 3653", 2),
            new Key("clusterName", "the app name", "1–100 letters, digits, `-`, `_`; starts with a letter or digit",
                    "-cluster"),
            new Key("kubernetesVersion", null, "a version in `src/main/resources/eks-kubernetes-versions.csv` whose "
                    + "extended support has not ended and whose kubectl layer is installed (see [Upgrading "
                    + "Kubernetes](cluster.md#upgrading-kubernetes))", "1.20"),
            new Key("extendedSupport", null, "`true` or `false`: the cluster's upgrade policy at the end of standard "
                    + "support, `EXTENDED` (stay, at the extended-support price) or `STANDARD` (EKS upgrades the "
                    + "control plane); `false` only while `kubernetesVersion` is in standard support", "sometimes"),
            new Key("endpointPublicCidrs", null, "IPv4 networks allowed to reach the public API endpoint",
                    List.of("10.0.0.0/33")),
            new Key("adminPrincipalArns", null, "IAM role or user ARNs given cluster-admin through access entries",
                    List.of("arn:aws:s3:::a-bucket")),
            new Key("nodeGroups", null, "a list of node group objects (below)", List.of()),
            new Key("autoscaler", null, "`cluster-autoscaler` (the node groups, scaled by the cluster autoscaler) or "
                    + "`karpenter` (a system group, and each node group becomes a Karpenter NodePool); see "
                    + "[Karpenter](karpenter.md#karpenter). Not together with `stages`", "keda"),
            new Key("stages", "none (both stages are namespaces of one cluster)", "an object with `staging` and "
                    + "`production`, each with its own `clusterName` and optionally `account`, `region`, "
                    + "`availabilityZones`, `kubernetesVersion`, `nodeGroups` and `offHours`: a cluster per stage, "
                    + "in its own account if you say so; production's `kubernetesVersion` never above staging's; "
                    + "not together with top-level `clusterName`, `offHours` or `vpc`; with `observability`, each "
                    + "stage's cluster alarms in its own account and production has no `offHours`. See "
                    + "[Separate clusters and accounts](stages.md#separate-clusters-and-accounts)",
                    "staging,production"),
            new Key("approvalEmail", "none", "an email address subscribed to the approval topic (confirm the email "
                    + "AWS sends); without one, approvals are announced only on the topic", "releases"),
            new Key("notificationEmail", "none", "an email address subscribed to the pipeline's notification topic: "
                    + "failed and succeeded releases, failed stages (each rolls back), approvals waiting; without "
                    + "one synth warns", "ops"),
            new Key("sourceObjectKey", null, "an S3 key ending in `.zip` (letters, digits, `!_.*'()-`, folders "
                    + "separated by single slashes, no leading slash)", "source/app.tar"),
            new Key("buildTimeoutMinutes", null, "5 to 480", 1),
            new Key("deployTimeoutMinutes", null, "10 to 120, and at least `rolloutTimeoutSeconds` plus 10 minutes",
                    5),
            new Key("rolloutTimeoutSeconds", null, "long enough for a stage's replicas to be replaced one by one "
                    + "(430 s each, see [A release, step by step](pipeline.md#a-release-step-by-step)), leaving 10 "
                    + "minutes of `deployTimeoutMinutes` for kubectl, the load balancer and a rollback", 60),
            new Key("smokeTestSeconds", null, "10 to 840: how long the smoke test retries before failing the stage",
                    5),
            new Key("monthlyBudgetUsd", null, "1 to 1000000: the monthly cost budget", 0),
            new Key("budgetEmail", "none", "an email address the budget alerts; without one no budget is created",
                    "billing"),
            new Key("budgetAlertPercents", null, "one to four whole numbers from 1 to 1000: alert when actual spend "
                    + "passes these percentages of the budget", List.of(0)),
            new Key("estimatedLogGiBPerDay", null, "0 to 10000: control-plane and flow-log volume the cost estimate "
                    + "assumes", -1),
            new Key("observability", null, "`true` or `false`: Container Insights, container logs, the alarms and the "
                    + "dashboard (see [Seeing what runs](observability.md#seeing-what-runs))", "sometimes"),
            new Key("alarmReservationPercent", null, "50 to 100: CPU or memory reserved by pods, in % of the nodes', "
                    + "at which the cluster alarms once every node group is at `maxSize`", 10),
            new Key("alarmRestartsPer15Minutes", null, "1 to 100: container restarts of the sample service in one "
                    + "stage within 15 minutes at which that stage alarms", 0),
            new Key("estimatedContainerLogGiBPerDay", null, "0 to 10000: container, node and Container Insights log "
                    + "volume the cost estimate assumes with `observability` on", -1),
            new Key("offHours", "none (nodes always run)", "an object with `scaleDownAt` and `scaleUpAt` (24-hour "
                    + "`HH:MM`, different), `timeZone` (IANA, such as `UTC` or `Europe/Berlin`) and optionally "
                    + "`scaleUpDays` (default `[\"MON\",\"TUE\",\"WED\",\"THU\",\"FRI\"]`); see [Off-hours "
                    + "scale-down](costs.md#off-hours-scale-down)", "nights"));

    /** The keys of one node group object, in the order the reference lists them. */
    public static final List<Key> NODE_GROUP = List.of(
            new Key("name", null, "1–63 letters, digits, `-`, `_`; unique", "a group"),
            new Key("instanceTypes", null, "EC2 instance types of one CPU architecture that `prices.csv` prices for "
                    + "the region; the first is the one EKS launches first", List.of("t4g.medium", "m5.large")),
            new Key("capacityType", null, "`ON_DEMAND` or `SPOT`", "RESERVED"),
            new Key("minSize", null, "a whole number, at most `desiredSize`", -1),
            new Key("desiredSize", null, "a whole number from `minSize` to `maxSize`", 9),
            new Key("maxSize", null, "a whole number, at least 1 and `desiredSize`", 0),
            new Key("diskSizeGiB", null, "20 to 16384", 10),
            new Key("labels", "none", "Kubernetes label names to values", "workload"),
            new Key("amiReleaseVersion", "none (the newest AMI of the version)", "an EKS-optimized AMI release "
                    + "built for `kubernetesVersion`, such as `1.36.0-20260610`", "latest"));

    private ConfigKeys() {
    }

    /** The top-level key names: what the unknown-key check accepts. */
    public static Set<String> names() {
        return TOP_LEVEL.stream().map(Key::name).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
