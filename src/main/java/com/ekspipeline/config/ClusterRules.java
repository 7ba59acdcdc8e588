package com.ekspipeline.config;

import com.ekspipeline.catalog.KubectlLayers;
import com.ekspipeline.catalog.KubernetesVersion;
import com.ekspipeline.catalog.KubernetesVersions;
import com.ekspipeline.catalog.PriceTable;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The cluster's keys: its name, Kubernetes version, who reaches its API, and its node groups. */
final class ClusterRules {

    static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,99}");
    static final Pattern IAM_PRINCIPAL_ARN = Pattern.compile(
            "arn:aws(-cn|-us-gov)?:iam::\\d{12}:(role|user)(/[A-Za-z0-9+=,.@_-]+)+");

    private ClusterRules() {
    }

    /** @param projectRoot where {@code node_modules} is, for the kubectl layers installed from npm */
    static ClusterConfig read(final ContextReader s, final String appName, final String region,
                              final LocalDate today, final PriceTable prices, final boolean observability,
                              final Path projectRoot) {
        final String clusterName = s.has("clusterName")
                ? s.string("clusterName", CLUSTER_NAME,
                        "1 to 100 letters, digits, hyphens or underscores, starting with a letter or digit")
                : appName;
        final KubernetesVersion version = kubernetesVersion(s, today, projectRoot);
        final boolean extendedSupport = extendedSupport(s, version, today);
        final Autoscaler autoscaler = KarpenterRules.read(s);
        final int errorsBefore = s.errors().size();
        final ClusterConfig cluster = new ClusterConfig(
                clusterName,
                version,
                s.stringList("endpointPublicCidrs", 1, Cidr::isValid,
                        "IPv4 networks in CIDR form such as 203.0.113.0/24"),
                s.stringList("adminPrincipalArns", 0, a -> IAM_PRINCIPAL_ARN.matcher(a).matches(),
                        "IAM role or user ARNs such as arn:aws:iam::123456789012:role/Admin"),
                nodeGroups(s, region, prices, version, autoscaler),
                extendedSupport,
                autoscaler);
        if (s.errors().size() == errorsBefore && cluster.karpenter()) {
            KarpenterRules.check(s, cluster.nodeGroups(), observability);
        } else if (s.errors().size() == errorsBefore) {
            CapacityRules.check(s, cluster.nodeGroups(), observability); // only groups that are valid on their own
        }
        return cluster;
    }

    /** A version from the calendar that EKS still creates clusters with; null when there is none. */
    static KubernetesVersion kubernetesVersion(final ContextReader s, final LocalDate today,
                                                       final Path projectRoot) {
        final Object value = s.rawValue("kubernetesVersion");
        final String creatable = KubernetesVersions.all().values().stream()
                .filter(v -> v.creatable(today)).map(KubernetesVersion::version)
                .collect(Collectors.joining(", "));
        final Optional<KubernetesVersion> known = value instanceof String v
                ? KubernetesVersions.lookup(v) : Optional.empty();
        if (known.isEmpty()) {
            s.error("kubernetesVersion", value, "one of the versions EKS supports: " + creatable);
            return null;
        }
        if (!known.get().creatable(today)) {
            s.error("kubernetesVersion", value, "a version EKS still creates clusters with (its extended support ended "
                    + known.get().endOfExtendedSupport() + "): " + creatable);
        }
        KubectlLayers.missing(known.get(), projectRoot).ifPresent(allowed -> s.error("kubernetesVersion", value, allowed));
        return known.get();
    }

    /**
     * The upgrade policy. EKS changes it only while the cluster's version is in standard support ("You can
     * only set the version support policy for your clusters while its running on Kubernetes version in
     * standard support", EKS user guide, view-upgrade-policy.html), so STANDARD on a version already past
     * it would fail the deploy: refused here instead.
     */
    private static boolean extendedSupport(final ContextReader s, final KubernetesVersion version,
                                           final LocalDate today) {
        final boolean extended = s.bool("extendedSupport");
        final Object value = s.rawValue("extendedSupport");
        if (!extended && (Boolean.FALSE.equals(value) || "false".equals(value)) && version != null
                && !version.inStandardSupport(today)) {
            s.error("extendedSupport", value, "true while kubernetesVersion " + version + " is past EKS standard "
                    + "support (it ended " + version.endOfStandardSupport() + "), because EKS sets the STANDARD "
                    + "upgrade policy only on a version in standard support; raise kubernetesVersion"
                    + KubernetesVersions.newestInStandardSupport(today).map(v -> " (" + v + " is in standard support)").orElse("")
                    + " or set extendedSupport to true");
        }
        return extended;
    }

    static List<NodeGroupConfig> nodeGroups(final ContextReader s, final String region,
                                                    final PriceTable prices, final KubernetesVersion version,
                                                    final Autoscaler autoscaler) {
        final List<NodeGroupConfig> groups = new ArrayList<>();
        final List<Map<String, Object>> objects = s.objectList("nodeGroups", 1,
                "a list of at least one node group object with the keys "
                        + String.join(", ", UnknownKeys.sorted(NodeGroupRules.KEYS)));
        for (int i = 0; i < objects.size(); i++) {
            groups.add(NodeGroupRules.read(s.nested(objects.get(i), s.path("nodeGroups[" + i + "]")), region, prices,
                    version, autoscaler == Autoscaler.KARPENTER));
        }
        final Set<String> names = new LinkedHashSet<>();
        for (NodeGroupConfig group : groups) {
            if (!group.name().isEmpty() && !names.add(group.name())) {
                s.error("nodeGroups", group.name(), "a list whose node group names are unique");
            }
        }
        return groups;
    }
}
