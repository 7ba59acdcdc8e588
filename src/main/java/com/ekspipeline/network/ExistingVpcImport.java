package com.ekspipeline.network;

import com.ekspipeline.config.ExistingVpc;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.constructs.Construct;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * An existing VPC from literal IDs and ranges: {@code Vpc.fromVpcAttributes} makes no lookup and writes
 * no {@code cdk.context.json}, so synth stays offline and gives the same template on every machine
 * (unlike {@code Vpc.fromLookup}, which needs credentials at synth, aws-cdk#28146). Nothing is created.
 */
final class ExistingVpcImport {

    private ExistingVpcImport() {
    }

    /** @param zones the configured zones; CDK pairs the i-th subnet of each list with the i-th zone */
    static IVpc create(final Construct scope, final ExistingVpc vpc, final List<String> zones) {
        final List<ExistingVpc.Subnet> privates = inZoneOrder(vpc.privateSubnets(), zones);
        final List<ExistingVpc.Subnet> publics = inZoneOrder(vpc.publicSubnets(), zones);
        return Vpc.fromVpcAttributes(scope, "Vpc", VpcAttributes.builder()
                .vpcId(vpc.id())
                .vpcCidrBlock(vpc.cidr().toString())
                .availabilityZones(zones)
                .privateSubnetIds(each(privates, ExistingVpc.Subnet::id))
                .privateSubnetIpv4CidrBlocks(each(privates, s -> s.cidr().toString()))
                .privateSubnetRouteTableIds(each(privates, ExistingVpc.Subnet::routeTableId))
                .publicSubnetIds(each(publics, ExistingVpc.Subnet::id))
                .publicSubnetIpv4CidrBlocks(each(publics, s -> s.cidr().toString()))
                .publicSubnetRouteTableIds(each(publics, ExistingVpc.Subnet::routeTableId))
                .build());
    }

    private static List<ExistingVpc.Subnet> inZoneOrder(final List<ExistingVpc.Subnet> subnets, final List<String> zones) {
        return subnets.stream().sorted(Comparator.comparingInt(s -> zones.indexOf(s.zone()))).toList();
    }

    private static List<String> each(final List<ExistingVpc.Subnet> subnets,
                                     final Function<ExistingVpc.Subnet, String> field) {
        return subnets.stream().map(field).toList();
    }
}
