package com.ekspipeline.config;

import com.ekspipeline.catalog.InstanceTypes;

import java.util.List;
import java.util.Optional;

/**
 * Whether each private subnet of an existing VPC has the addresses the worst case takes in its zone: every
 * node group at maxSize, each node holding every address of every interface it can attach, the EKS control
 * plane's interfaces, the app's functions in the VPC and the deploy builds. A subnet the app builds is sized
 * for this; one it borrows is checked, because a cluster that runs out of addresses fails to start pods
 * long after the deploy succeeded.
 */
public final class VpcCapacityRules {

    /**
     * EKS "creates up to four network interfaces" in the cluster's subnets and, during an upgrade, new ones
     * before the old go: eight in one zone at worst (docs.aws.amazon.com/eks/latest/userguide/network-reqs.html).
     */
    static final int CONTROL_PLANE_INTERFACES = 8;
    /**
     * Lambda's Hyperplane interfaces: one per subnet for each security group and subnet combination of the
     * functions in the VPC (the kubectl handler, off-hours, the leftover waiter).
     */
    static final int FUNCTION_INTERFACES = 3;
    /** Each running CodeBuild build in a VPC takes one interface; the two stages' deploys can run in one zone. */
    static final int DEPLOY_BUILD_INTERFACES = 2;

    private VpcCapacityRules() {
    }

    static void check(final ContextReader s, final ExistingVpc vpc, final List<String> zones,
                      final List<NodeGroupConfig> groups) {
        for (int i = 0; i < vpc.privateSubnets().size(); i++) {
            final ExistingVpc.Subnet subnet = vpc.privateSubnets().get(i);
            final int zone = zones.indexOf(subnet.zone());
            if (zone < 0) {
                continue; // the zone's own error says so
            }
            final Optional<Need> need = need(groups, zones.size(), zone);
            if (need.isEmpty()) {
                return; // the groups' own rules name a missing or unknown instance type
            }
            final int nodes = need.get().nodes();
            final long nodeAddresses = need.get().nodeAddresses();
            final long needed = need.get().total();
            if (needed > subnet.usableAddresses()) {
                s.error("vpc.privateSubnets[" + i + "].cidr is " + subnet.cidr() + ", " + subnet.usableAddresses()
                        + " usable addresses in " + subnet.zone() + " (AWS reserves " + ExistingVpc.RESERVED_PER_SUBNET
                        + "), but the worst case there takes " + needed + ": " + nodes + " node" + (nodes == 1 ? "" : "s")
                        + " at maxSize with every address of their interfaces (" + nodeAddresses + "), "
                        + CONTROL_PLANE_INTERFACES + " for the EKS control plane's interfaces, " + FUNCTION_INTERFACES
                        + " for the app's functions and " + DEPLOY_BUILD_INTERFACES + " for the deploy builds; give a "
                        + "larger subnet or lower the node groups' maxSize.");
            }
        }
    }

    /**
     * What zone {@code zone} of {@code zones} takes at worst: its share of every group's maxSize and all
     * their interfaces' addresses; empty when a group's instance type is unknown.
     */
    public static Optional<Need> need(final List<NodeGroupConfig> groups, final int zones, final int zone) {
        long nodeAddresses = 0;
        int nodes = 0;
        for (final NodeGroupConfig group : groups) {
            final Optional<InstanceTypes.Spec> spec = group.instanceTypes().isEmpty() ? Optional.empty()
                    : InstanceTypes.of(group.instanceTypes().get(0));
            if (spec.isEmpty()) {
                return Optional.empty();
            }
            final int inZone = share(group.maxSize(), zones, zone);
            nodes += inZone;
            nodeAddresses += (long) inZone * spec.get().enis() * spec.get().ipv4PerEni();
        }
        return Optional.of(new Need(nodes, nodeAddresses));
    }

    /** One zone's worst case: its nodes at maxSize and their addresses, plus the fixed interfaces. */
    public record Need(int nodes, long nodeAddresses) {

        public long total() {
            return nodeAddresses + CONTROL_PLANE_INTERFACES + FUNCTION_INTERFACES + DEPLOY_BUILD_INTERFACES;
        }
    }

    /**
     * The nodes a group of {@code total} places in zone {@code zone} of {@code zones} when spread evenly,
     * the first zones taking one more when it does not divide.
     */
    static int share(final int total, final int zones, final int zone) {
        return total / zones + (zone < total % zones ? 1 : 0);
    }
}
