package com.ekspipeline.config;

import com.ekspipeline.catalog.KubernetesVersion;
import com.ekspipeline.catalog.PriceTable;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One node group object in {@code nodeGroups}. */
final class NodeGroupRules {

    static final Set<String> KEYS = Set.of("name", "instanceTypes", "capacityType", "minSize",
            "desiredSize", "maxSize", "diskSizeGiB", "labels", "amiReleaseVersion");
    /** An EKS-optimized AMI release: the Kubernetes patch version and the build date, e.g. 1.35.0-20251120. */
    static final Pattern AMI_RELEASE = Pattern.compile("(\\d+\\.\\d+)\\.\\d+-\\d{8}");
    static final Pattern NODE_GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    static final Pattern INSTANCE_TYPE = Pattern.compile(
            "[a-z]+[0-9][a-z0-9-]*\\.(nano|micro|small|medium|large|metal|[0-9]*xlarge|metal-[0-9]+xl)");
    static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?");
    static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?");

    private NodeGroupRules() {
    }

    /**
     * @param version   the cluster's Kubernetes version, which a pinned AMI release must be built for; may be null
     * @param karpenter the group becomes a NodePool, whose architecture {@link KarpenterRules} checks from the catalogue
     */
    static NodeGroupConfig read(final ContextReader g, final String region, final PriceTable prices,
                                final KubernetesVersion version, final boolean karpenter) {
        final String name = g.string("name", NODE_GROUP_NAME,
                "1 to 63 letters, digits, hyphens or underscores, starting with a letter or digit");
        final List<String> instanceTypes = g.stringList("instanceTypes", 1, t -> INSTANCE_TYPE.matcher(t).matches(),
                "EC2 instance types such as t3.large");
        if (!karpenter && instanceTypes.stream().map(NodeGroupConfig::isArm).distinct().count() > 1) {
            g.error("instanceTypes", instanceTypes, "instance types of one CPU architecture (all Graviton or none), "
                    + "because a node group runs one AMI");
        }
        pricedInstanceTypes(g, region, instanceTypes, prices);
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
        final Optional<String> release = g.has("amiReleaseVersion") ? amiRelease(g, version) : Optional.empty();
        UnknownKeys.reject(g);
        return new NodeGroupConfig(name, instanceTypes, spot, min, desired, max, disk, labels, release);
    }

    private static Optional<String> amiRelease(final ContextReader g, final KubernetesVersion version) {
        final String release = g.string("amiReleaseVersion", AMI_RELEASE, "an EKS-optimized AMI release version "
                + "such as 1.35.0-20251120 (see the AMI release notes), or absent for the newest");
        final Matcher m = AMI_RELEASE.matcher(release);
        if (m.matches() && version != null && !m.group(1).equals(version.version())) {
            g.error("amiReleaseVersion", release, "a release built for the cluster's Kubernetes "
                    + version.version() + ", such as " + version.version() + ".0-20251120");
        }
        return Optional.of(release);
    }

    /** Every instance type must have a price, or the cost estimate would understate the bill. */
    private static void pricedInstanceTypes(final ContextReader g, final String region, final List<String> types,
                                            final PriceTable prices) {
        if (region.isEmpty()) {
            return;
        }
        final Set<String> priced = prices.instanceTypes(region);
        for (int i = 0; i < types.size(); i++) {
            if (!priced.contains(types.get(i))) {
                g.error("instanceTypes[" + i + "]", types.get(i), "an instance type " + PriceTable.SOURCE
                        + " prices for " + region + " (" + String.join(", ", priced) + "); add its price there to use it");
            }
        }
    }
}
