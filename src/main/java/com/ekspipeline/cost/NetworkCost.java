package com.ekspipeline.cost;

import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.config.AppConfig;

import java.math.BigDecimal;
import java.util.List;

/**
 * The network's lines of the estimate: the NAT gateways and the public addresses. With an existing VPC the
 * NAT gateways (and the flow logs) are its owner's, so the line goes and an assumption says why.
 */
final class NetworkCost {

    private NetworkCost() {
    }

    /**
     * @param natGateways   the NAT gateways the app creates
     * @param elasticIps    the Elastic IPs the app creates (one per NAT gateway)
     * @param loadBalancers the sample service's internet-facing load balancers, one address in each zone
     */
    static void add(final AppConfig config, final int natGateways, final int elasticIps, final PriceTable prices,
                    final int loadBalancers, final List<CostEstimate.Line> lines, final List<String> assumptions) {
        final String region = config.region();
        config.network().existing().ifPresentOrElse(
                vpc -> assumptions.add("Existing VPC " + vpc.id() + ": its NAT gateways, their addresses and its flow "
                        + "logs are its owner's bill, not counted here."),
                () -> lines.add(new CostEstimate.Line("NAT gateways", String.valueOf(natGateways),
                        prices.require(region, "nat-gateway").multiply(BigDecimal.valueOf(natGateways)))));
        final int lbAddresses = loadBalancers * config.availabilityZones().size();
        final String nat = config.network().existing().isEmpty() ? elasticIps + " NAT + " : "";
        lines.add(new CostEstimate.Line("Public IPv4 addresses", nat + lbAddresses + " load balancer",
                prices.require(region, "public-ipv4-address").multiply(BigDecimal.valueOf(elasticIps + lbAddresses))));
    }
}
