package com.ekspipeline.config;

import com.ekspipeline.cost.MonthlyBudget;
import com.ekspipeline.cost.PriceTable;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns raw CDK context into one validated {@link AppConfig}, or a {@link ConfigException} listing every
 * problem. The single place where configuration keys are named and checked.
 */
public final class ConfigLoader {

    static final Pattern APP_NAME = Pattern.compile("[a-z][a-z0-9-]{1,18}[a-z0-9]");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}");
    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,99}");
    static final Pattern NODE_GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    static final Pattern INSTANCE_TYPE = Pattern.compile(
            "[a-z]+[0-9][a-z0-9-]*\\.(nano|micro|small|medium|large|metal|[0-9]*xlarge|metal-[0-9]+xl)");
    static final Pattern IAM_PRINCIPAL_ARN = Pattern.compile(
            "arn:aws(-cn|-us-gov)?:iam::\\d{12}:(role|user)(/[A-Za-z0-9+=,.@_-]+)+");
    /** Practical, not RFC 5322: one @, no spaces, a dotted domain; what SNS email subscriptions accept. */
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    /** S3 keys of safe characters, in folders, ending in .zip; no leading slash or empty folder. */
    static final Pattern SOURCE_KEY = Pattern.compile("([A-Za-z0-9!_.*'()-]+/)*[A-Za-z0-9!_.*'()-]+\\.zip");
    static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?");
    static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern IPV4_CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    private static final Pattern TIME_OF_DAY = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Map<String, DayOfWeek> DAYS = Map.of("MON", DayOfWeek.MONDAY, "TUE", DayOfWeek.TUESDAY,
            "WED", DayOfWeek.WEDNESDAY, "THU", DayOfWeek.THURSDAY, "FRI", DayOfWeek.FRIDAY,
            "SAT", DayOfWeek.SATURDAY, "SUN", DayOfWeek.SUNDAY);
    private static final List<String> WORKDAYS = List.of("MON", "TUE", "WED", "THU", "FRI");
    private static final Set<String> OFF_HOURS_KEYS = Set.of("scaleDownAt", "scaleUpAt", "timeZone", "scaleUpDays");

    private static final Set<String> NODE_GROUP_KEYS = Set.of("name", "instanceTypes", "capacityType", "minSize",
            "desiredSize", "maxSize", "diskSizeGiB", "labels");

    private ConfigLoader() {
    }

    /**
     * @param context        CDK context: cdk.json's {@code context} block with {@code -c} overrides applied
     * @param defaultAccount the account of the CLI's credentials, if any; used when {@code account} is unset
     * @param today          the day synth runs, for the Kubernetes version lifecycle
     */
    public static AppConfig load(final Map<String, ?> context, final Optional<String> defaultAccount,
                                 final LocalDate today) {
        final Settings s = new Settings(context);
        final String appName = s.string("appName", APP_NAME,
                "3 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen");
        final String region = region(s);
        final Optional<String> account = s.has("account")
                ? Optional.of(s.string("account", ACCOUNT, "a 12-digit AWS account ID"))
                : defaultAccount.filter(a -> ACCOUNT.matcher(a).matches());
        final List<String> zones = availabilityZones(s, region);
        final int retention = logRetention(s);
        final NetworkConfig network = new NetworkConfig(
                vpcCidr(s),
                s.integer("natGateways", 1, Math.max(1, zones.size())));
        final ClusterConfig cluster = cluster(s, appName, region, today);
        final PipelineConfig pipeline = pipeline(s);
        final BillingConfig billing = billing(s);
        rejectUnknownKeys(s);
        if (!s.errors().isEmpty()) {
            throw new ConfigException(s.errors());
        }
        return new AppConfig(appName, region, account, zones, retention, today, network, cluster, pipeline, billing);
    }

    /** A region the price table covers, so that the cost estimate never prices anything at zero. */
    private static String region(final Settings s) {
        final String region = s.string("region", REGION, "an AWS region code such as us-east-2");
        final PriceTable prices = PriceTable.load();
        if (!region.isEmpty() && !prices.covers(region)) {
            s.error("region", region, "a region whose prices " + PriceTable.SOURCE + " lists ("
                    + String.join(", ", prices.regions()) + "); add its rows there to deploy elsewhere");
            return "";
        }
        return region;
    }

    private static BillingConfig billing(final Settings s) {
        final Optional<String> email = s.has("budgetEmail")
                ? Optional.of(s.string("budgetEmail", EMAIL, "an email address such as ops@example.com, or empty"))
                : Optional.empty();
        return new BillingConfig(
                s.integer("monthlyBudgetUsd", 1, 1_000_000),
                email,
                budgetAlertPercents(s),
                s.integer("estimatedLogGiBPerDay", 0, 10_000),
                s.has("offHours") ? offHours(s) : Optional.empty());
    }

    private static List<Integer> budgetAlertPercents(final Settings s) {
        final List<Integer> percents = s.integerList("budgetAlertPercents", 1, 1, 1000);
        if (percents.size() > MonthlyBudget.MAX_ACTUAL_ALERTS) {
            s.error("budgetAlertPercents", percents, "a list of at most " + MonthlyBudget.MAX_ACTUAL_ALERTS
                    + " percentages (AWS Budgets allows five alerts per budget and one is the forecast alert)");
        }
        return percents.stream().sorted().toList();
    }

    private static Optional<OffHoursConfig> offHours(final Settings s) {
        final Map<String, Object> object = s.object("offHours", "with the keys "
                + String.join(", ", sorted(OFF_HOURS_KEYS)) + ", or absent to keep the nodes running");
        if (object == null) {
            return Optional.empty();
        }
        final Settings o = s.nested(object, "offHours");
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
        rejectUnknownKeys(o);
        if (o.errors().size() != errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new OffHoursConfig(LocalTime.parse(down), LocalTime.parse(up), ZoneId.of((String) zone),
                days.stream().map(d -> DAYS.get(d.toUpperCase(Locale.ROOT))).sorted().toList()));
    }

    private static PipelineConfig pipeline(final Settings s) {
        final Optional<String> email = s.has("approvalEmail")
                ? Optional.of(s.string("approvalEmail", EMAIL, "an email address such as ops@example.com, or empty"))
                : Optional.empty();
        final String key = s.string("sourceObjectKey", SOURCE_KEY,
                "an S3 object key ending in .zip, such as source/eks-pipeline.zip (letters, digits and !_.*'()- "
                        + "in folders separated by single slashes, no leading slash)");
        final int errorsBefore = s.errors().size();
        final int deployMinutes = s.integer("deployTimeoutMinutes", 10, 120);
        final int rolloutSeconds = s.integer("rolloutTimeoutSeconds", 60, 6900);
        final boolean timesValid = s.errors().size() == errorsBefore;
        if (timesValid && rolloutSeconds + 300 > deployMinutes * 60) {
            s.error("rolloutTimeoutSeconds " + rolloutSeconds + " leaves too little of deployTimeoutMinutes "
                    + deployMinutes + "; the deploy action needs 5 minutes beyond the rollout wait for kubectl, "
                    + "a rollback and the load balancer address, so rolloutTimeoutSeconds must be at most "
                    + (deployMinutes * 60 - 300) + ".");
        }
        return new PipelineConfig(email,
                key,
                s.integer("buildTimeoutMinutes", 5, 480),
                deployMinutes,
                rolloutSeconds,
                s.integer("smokeTestSeconds", 10, 840));
    }

    private static List<String> availabilityZones(final Settings s, final String region) {
        // With an invalid region only the zones' form can be checked; the region's own error says the rest.
        final Pattern zone = region.isEmpty() ? Pattern.compile(REGION.pattern() + "[a-z]")
                : Pattern.compile(Pattern.quote(region) + "[a-z]");
        final String example = region.isEmpty() ? "us-east-2a" : region + "a";
        return s.stringList("availabilityZones", 2, z -> zone.matcher(z).matches(),
                (region.isEmpty() ? "availability zones" : "zones of region " + region)
                        + " such as " + example + " (EKS needs at least two)");
    }

    private static int logRetention(final Settings s) {
        return s.integerOneOf("logRetentionDays", LogRetention.allowedDays(),
                "one of the periods CloudWatch Logs accepts: "
                        + LogRetention.allowedDays().stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }

    private static String vpcCidr(final Settings s) {
        final Object value = s.rawValue("vpcCidr");
        if (!(value instanceof String cidr) || !isIpv4Cidr(cidr, 16, 20)) {
            s.error("vpcCidr", value, "an IPv4 network in CIDR form with a prefix from /16 to /20, such as 10.0.0.0/16");
            return "";
        }
        return cidr;
    }

    private static ClusterConfig cluster(final Settings s, final String appName, final String region,
                                         final LocalDate today) {
        final String clusterName = s.has("clusterName")
                ? s.string("clusterName", CLUSTER_NAME,
                        "1 to 100 letters, digits, hyphens or underscores, starting with a letter or digit")
                : appName;
        return new ClusterConfig(
                clusterName,
                kubernetesVersion(s, today),
                s.stringList("endpointPublicCidrs", 1, c -> isIpv4Cidr(c, 0, 32),
                        "IPv4 networks in CIDR form such as 203.0.113.0/24"),
                s.stringList("adminPrincipalArns", 0, a -> IAM_PRINCIPAL_ARN.matcher(a).matches(),
                        "IAM role or user ARNs such as arn:aws:iam::123456789012:role/Admin"),
                nodeGroups(s, region));
    }

    private static String kubernetesVersion(final Settings s, final LocalDate today) {
        final Object value = s.rawValue("kubernetesVersion");
        final String creatable = KubernetesVersions.all().values().stream()
                .filter(v -> v.creatable(today)).map(KubernetesVersions.Lifecycle::version)
                .collect(Collectors.joining(", "));
        final Optional<KubernetesVersions.Lifecycle> known = value instanceof String v
                ? KubernetesVersions.lookup(v) : Optional.empty();
        if (known.isEmpty()) {
            s.error("kubernetesVersion", value, "one of the versions EKS supports: " + creatable);
            return "";
        }
        if (!known.get().creatable(today)) {
            s.error("kubernetesVersion", value, "a version EKS still creates clusters with (its extended support ended "
                    + known.get().endOfExtendedSupport() + "): " + creatable);
        }
        return known.get().version();
    }

    private static List<NodeGroupConfig> nodeGroups(final Settings s, final String region) {
        final List<NodeGroupConfig> groups = new ArrayList<>();
        final List<Map<String, Object>> objects = s.objectList("nodeGroups", 1,
                "a list of at least one node group object with the keys " + String.join(", ", sorted(NODE_GROUP_KEYS)));
        for (int i = 0; i < objects.size(); i++) {
            groups.add(nodeGroup(s.nested(objects.get(i), "nodeGroups[" + i + "]"), region));
        }
        final Set<String> names = new LinkedHashSet<>();
        for (NodeGroupConfig group : groups) {
            if (!group.name().isEmpty() && !names.add(group.name())) {
                s.error("nodeGroups", group.name(), "a list whose node group names are unique");
            }
        }
        return groups;
    }

    private static NodeGroupConfig nodeGroup(final Settings g, final String region) {
        final String name = g.string("name", NODE_GROUP_NAME,
                "1 to 63 letters, digits, hyphens or underscores, starting with a letter or digit");
        final List<String> instanceTypes = g.stringList("instanceTypes", 1, t -> INSTANCE_TYPE.matcher(t).matches(),
                "EC2 instance types such as t3.large");
        if (instanceTypes.stream().map(NodeGroupConfig::isArm).distinct().count() > 1) {
            g.error("instanceTypes", instanceTypes, "instance types of one CPU architecture (all Graviton or none), "
                    + "because a node group runs one AMI");
        }
        pricedInstanceTypes(g, region, instanceTypes);
        final boolean spot = g.oneOf("capacityType", Map.of("ON_DEMAND", false, "SPOT", true), false);
        final int errorsBefore = g.errors().size();
        final int min = g.integer("minSize", 0, 450);
        final int desired = g.integer("desiredSize", 0, 450);
        final int max = g.integer("maxSize", 1, 450);
        final boolean sizesValid = g.errors().size() == errorsBefore;
        if (sizesValid && (min > desired || desired > max)) {
            g.error(g.path("minSize") + " " + min + ", desiredSize " + desired + " and maxSize " + max
                    + " are out of order; they must satisfy minSize ≤ desiredSize ≤ maxSize.");
        }
        final int disk = g.integer("diskSizeGiB", 20, 16384);
        final Map<String, String> labels = g.has("labels")
                ? g.stringMap("labels", LABEL_KEY, LABEL_VALUE, "Kubernetes label names to label values")
                : Map.of();
        rejectUnknownKeys(g);
        return new NodeGroupConfig(name, instanceTypes, spot, min, desired, max, disk, labels);
    }

    /** Every instance type must have a price, or the cost estimate would understate the bill. */
    private static void pricedInstanceTypes(final Settings g, final String region, final List<String> types) {
        if (region.isEmpty()) {
            return;
        }
        final Set<String> priced = PriceTable.load().instanceTypes(region);
        for (int i = 0; i < types.size(); i++) {
            if (!priced.contains(types.get(i))) {
                g.error("instanceTypes[" + i + "]", types.get(i), "an instance type " + PriceTable.SOURCE
                        + " prices for " + region + " (" + String.join(", ", priced) + "); add its price there to use it");
            }
        }
    }

    /**
     * A key nobody reads is almost always a typo, and a silently ignored typo deploys the default. Keys
     * with {@code @} or {@code :} belong to CDK itself (feature flags, CLI settings, lookup caches).
     */
    private static void rejectUnknownKeys(final Settings s) {
        for (String key : s.keysPresent()) {
            if (key.startsWith("@") || key.contains(":") || s.keysRead().contains(key)) {
                continue;
            }
            final String closest = closest(key, s.keysRead());
            final String hint = closest == null
                    ? "the keys here are " + String.join(", ", sorted(s.keysRead()))
                    : "did you mean " + s.path(closest);
            s.error("Unknown configuration key " + s.path(key) + " (value " + Settings.show(s.rawValue(key))
                    + ") is not allowed; " + hint + (closest == null ? "." : "?"));
        }
    }

    private static String closest(final String key, final Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            final int distance = editDistance(Settings.lower(key), Settings.lower(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    static int editDistance(final String a, final String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            final int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.length()];
    }

    /** True for a well-formed IPv4 network address (no host bits set) with a prefix in range. */
    static boolean isIpv4Cidr(final String cidr, final int minPrefix, final int maxPrefix) {
        final var m = IPV4_CIDR.matcher(cidr);
        if (!m.matches()) {
            return false;
        }
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            final int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                return false;
            }
            address = (address << 8) | octet;
        }
        final int prefix = Integer.parseInt(m.group(5));
        if (prefix < minPrefix || prefix > maxPrefix) {
            return false;
        }
        final long hostMask = prefix == 0 ? 0xFFFFFFFFL : (1L << (32 - prefix)) - 1;
        return (address & hostMask) == 0;
    }

    private static List<String> sorted(final Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
