package com.ekspipeline.config;

/**
 * @param vpcCidr     the VPC's IPv4 range, /16 to /20
 * @param natGateways how many NAT gateways carry the private subnets' egress (1 to one per zone)
 */
public record NetworkConfig(Cidr vpcCidr, int natGateways) {
}
