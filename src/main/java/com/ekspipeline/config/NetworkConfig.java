package com.ekspipeline.config;

import java.util.Optional;

/**
 * @param vpcCidr     the VPC's IPv4 range: the one the app builds (/16 to /20), or the existing VPC's
 * @param natGateways how many NAT gateways carry the private subnets' egress (1 to one per zone); 0 with
 *                    an existing VPC, whose egress is its owner's
 * @param existing    the VPC to use instead of building one; empty: the app builds its own
 */
public record NetworkConfig(Cidr vpcCidr, int natGateways, Optional<ExistingVpc> existing) {
}
