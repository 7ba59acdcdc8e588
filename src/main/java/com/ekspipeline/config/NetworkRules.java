package com.ekspipeline.config;

import java.util.List;
import java.util.Optional;

/** The VPC's keys: its range and its NAT gateways, or an existing VPC ({@link VpcRules}). */
final class NetworkRules {

    /** A placeholder for an invalid range, so that loading goes on to report every other error. */
    private static final Cidr INVALID = new Cidr(0, 0);

    private NetworkRules() {
    }

    static NetworkConfig read(final ContextReader s, final List<String> zones) {
        if (s.has("vpc")) {
            return VpcRules.read(s, zones).map(vpc -> new NetworkConfig(vpc.cidr(), 0, Optional.of(vpc)))
                    .orElse(new NetworkConfig(INVALID, 0, Optional.empty()));
        }
        return new NetworkConfig(vpcCidr(s), s.integer("natGateways", 1, Math.max(1, zones.size())), Optional.empty());
    }

    private static Cidr vpcCidr(final ContextReader s) {
        final Object value = s.rawValue("vpcCidr");
        final Optional<Cidr> cidr = value instanceof String text ? Cidr.parse(text, 16, 20) : Optional.empty();
        if (cidr.isEmpty()) {
            s.error("vpcCidr", value, "an IPv4 network in CIDR form with a prefix from /16 to /20, such as 10.0.0.0/16");
            return INVALID;
        }
        return cidr.get();
    }
}
