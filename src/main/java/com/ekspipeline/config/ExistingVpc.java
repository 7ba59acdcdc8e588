package com.ekspipeline.config;

import java.util.List;

/**
 * A VPC the app does not own, given by its IDs and ranges in config, so that synth needs no lookup: the
 * Network stack then creates no network of its own, and every part takes its subnets from this one.
 *
 * @param id             the VPC's ID, e.g. {@code vpc-0123456789abcdef0}
 * @param cidr           the VPC's primary IPv4 range
 * @param privateSubnets one subnet per availability zone for nodes, pods, functions and deploy builds,
 *                       in the order of {@code availabilityZones}
 * @param publicSubnets  one subnet per availability zone for the internet-facing load balancers, same order
 * @param tagSubnets     whether the app adds the load balancer role tags to the subnets (and removes exactly
 *                       those on delete) instead of requiring the network team to have set them
 */
public record ExistingVpc(String id, Cidr cidr, List<Subnet> privateSubnets, List<Subnet> publicSubnets,
                          boolean tagSubnets) {

    /** AWS reserves the first four and the last address of every subnet. */
    public static final int RESERVED_PER_SUBNET = 5;

    public ExistingVpc {
        privateSubnets = List.copyOf(privateSubnets);
        publicSubnets = List.copyOf(publicSubnets);
    }

    /**
     * One subnet of the VPC.
     *
     * @param id           e.g. {@code subnet-0123456789abcdef0}
     * @param zone         its availability zone, e.g. {@code us-east-2a}
     * @param cidr         its IPv4 range
     * @param routeTableId the route table associated with it, e.g. {@code rtb-0123456789abcdef0}
     */
    public record Subnet(String id, String zone, Cidr cidr, String routeTableId) {

        /** The addresses instances and interfaces can take: the range less AWS's five. */
        public long usableAddresses() {
            return cidr.size() - RESERVED_PER_SUBNET;
        }
    }
}
