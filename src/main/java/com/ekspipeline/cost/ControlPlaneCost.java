package com.ekspipeline.cost;

import com.ekspipeline.catalog.KubernetesVersion;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ClusterConfig;

import java.math.BigDecimal;
import java.util.List;

/**
 * The control plane's line: the standard or extended-support price of its Kubernetes version on the synth
 * day, and the upgrade policy that decides what happens when standard support ends, with what EXTENDED
 * will cost from that day on.
 */
final class ControlPlaneCost {

    private static final BigDecimal HOURS = BigDecimal.valueOf(CostEstimate.HOURS_PER_30_DAYS);

    private ControlPlaneCost() {
    }

    static void add(final AppConfig config, final PriceTable prices, final List<CostEstimate.Line> lines,
                    final List<String> assumptions) {
        final ClusterConfig cluster = config.cluster();
        final KubernetesVersion version = cluster.kubernetesVersion();
        final boolean standard = version.inStandardSupport(config.synthDay());
        final BigDecimal standardHour = prices.require(config.region(), "eks-control-plane-standard");
        final BigDecimal extendedHour = prices.require(config.region(), "eks-control-plane-extended");
        lines.add(new CostEstimate.Line("EKS control plane (Kubernetes " + version + ", "
                + (standard ? "standard" : "extended") + " support, upgrade policy " + cluster.supportType() + ")",
                "1 cluster", standard ? standardHour : extendedHour));
        assumptions.add(policyNote(cluster, version, standard, standardHour, extendedHour));
    }

    private static String policyNote(final ClusterConfig cluster, final KubernetesVersion version, final boolean standard,
                                     final BigDecimal standardHour, final BigDecimal extendedHour) {
        final String policy = "Upgrade policy " + cluster.supportType() + " (extendedSupport "
                + cluster.extendedSupport() + "): ";
        if (!cluster.extendedSupport()) {
            return policy + "when Kubernetes " + version + " leaves standard support on " + version.endOfStandardSupport()
                    + ", EKS upgrades the control plane to the next version instead of billing extended support; the "
                    + "node groups and add-ons stay on " + version + " until a deploy raises kubernetesVersion.";
        }
        final String prices = "$" + extendedHour.toPlainString() + " an hour ("
                + CostEstimate.money(extendedHour.multiply(HOURS)) + " per 30 days) instead of $"
                + standardHour.toPlainString() + " (" + CostEstimate.money(standardHour.multiply(HOURS)) + ")";
        return policy + (standard
                ? "from " + version.endOfStandardSupport() + ", when Kubernetes " + version + " leaves standard support, "
                        + "the control plane costs " + prices
                : "Kubernetes " + version + " left standard support on " + version.endOfStandardSupport()
                        + ", so the control plane costs " + prices)
                + ", until " + version.endOfExtendedSupport() + ", when EKS upgrades it.";
    }
}
