package com.ekspipeline.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The {@code vpc} key: an existing VPC given by literal IDs and ranges. Every rule that can be checked
 * without an account is checked here, so that a typo fails at synth instead of fifteen minutes into a
 * cluster create; what only the account knows (the subnets exist, free addresses, routes, tags) is left
 * to the deploy-time preflight.
 */
final class VpcRules {

    static final Set<String> KEYS = Set.of("id", "cidr", "privateSubnets", "publicSubnets", "tagSubnets");
    static final Set<String> SUBNET_KEYS = Set.of("id", "zone", "cidr", "routeTableId");
    /** EC2 IDs: the old 8-digit form or the 17-digit one. */
    static final Pattern VPC_ID = Pattern.compile("vpc-([0-9a-f]{8}|[0-9a-f]{17})");
    static final Pattern SUBNET_ID = Pattern.compile("subnet-([0-9a-f]{8}|[0-9a-f]{17})");
    static final Pattern ROUTE_TABLE_ID = Pattern.compile("rtb-([0-9a-f]{8}|[0-9a-f]{17})");
    /** A VPC's and a subnet's IPv4 range: AWS allows /16 to /28 for both. */
    private static final int WIDEST = 16;
    private static final int NARROWEST = 28;
    private static final Cidr INVALID = new Cidr(0, 0);

    private VpcRules() {
    }

    /** The existing VPC {@code vpc} names; empty when it is not an object (its error says so). */
    static Optional<ExistingVpc> read(final ContextReader s, final List<String> zones) {
        for (final String owned : List.of("vpcCidr", "natGateways")) {
            if (s.has(owned)) {
                s.error("vpc and " + owned + " are both set (" + owned + " " + ContextValues.show(s.rawValue(owned))
                        + "), but " + owned + " shapes the VPC the app builds, which an existing VPC replaces; remove "
                        + owned + " from cdk.json (or pass -c " + owned + "=) when vpc is set.");
            }
        }
        final Map<String, Object> object = s.object("vpc", "with id, cidr, privateSubnets, publicSubnets and tagSubnets");
        if (object == null) {
            return Optional.empty();
        }
        final ContextReader v = s.nested(object, "vpc");
        final String id = v.string("id", VPC_ID, "a VPC ID such as vpc-0123456789abcdef0");
        final Cidr cidr = cidr(v, "the VPC's primary IPv4 range", "10.20.0.0/16");
        final List<ExistingVpc.Subnet> privateSubnets = subnets(v, "privateSubnets", zones);
        final List<ExistingVpc.Subnet> publicSubnets = v.has("publicSubnets")
                ? subnets(v, "publicSubnets", zones) : List.of();
        if (!v.has("publicSubnets")) {
            v.error(v.path("publicSubnets") + " is missing, but the sample service's load balancer is internet-facing: "
                    + "its users and the pipeline's smoke test reach it from outside the VPC, so list one public "
                    + "subnet (routed to an internet gateway) in each zone of availabilityZones.");
        }
        final boolean tagSubnets = v.has("tagSubnets") && v.bool("tagSubnets");
        UnknownKeys.reject(v);
        final ExistingVpc vpc = new ExistingVpc(id, cidr, privateSubnets, publicSubnets, tagSubnets);
        if (cidr != INVALID) {
            inside(v, vpc);
        }
        noOverlaps(v, vpc);
        return Optional.of(vpc);
    }

    /** The {@code cidr} key of the VPC or of one subnet, /16 to /28; the error names {@code what} it is. */
    private static Cidr cidr(final ContextReader r, final String what, final String example) {
        final Object value = r.rawValue("cidr");
        final Optional<Cidr> cidr = value instanceof String text ? Cidr.parse(text, WIDEST, NARROWEST) : Optional.empty();
        if (cidr.isEmpty()) {
            r.error("cidr", value, what + " in CIDR form, /16 to /28, such as " + example);
            return INVALID;
        }
        return cidr.get();
    }

    /** One subnet per zone of {@code zones}, in the order given. */
    private static List<ExistingVpc.Subnet> subnets(final ContextReader v, final String key, final List<String> zones) {
        final List<Map<String, Object>> objects = v.objectList(key, 2, "a list of at least two subnets (EKS needs two "
                + "zones), each an object with id, zone, cidr and routeTableId");
        final Map<String, Integer> byZone = new HashMap<>();
        final List<ExistingVpc.Subnet> subnets = new ArrayList<>();
        final int errorsBefore = v.errors().size();
        for (int i = 0; i < objects.size(); i++) {
            final ContextReader n = v.nested(objects.get(i), v.path(key + "[" + i + "]"));
            final String zone = n.string("zone", zonePattern(zones), "one of availabilityZones ("
                    + String.join(", ", zones) + ")");
            final ExistingVpc.Subnet subnet = new ExistingVpc.Subnet(
                    n.string("id", SUBNET_ID, "a subnet ID such as subnet-0123456789abcdef0"),
                    zone, cidr(n, "the subnet's IPv4 range", "10.20.0.0/19"),
                    n.string("routeTableId", ROUTE_TABLE_ID, "a route table ID such as rtb-0123456789abcdef0"));
            UnknownKeys.reject(n);
            final Integer earlier = zone.isEmpty() ? null : byZone.putIfAbsent(zone, i);
            if (earlier != null) {
                n.error(n.path("zone") + " is " + zone + ", which " + key + "[" + earlier + "] already covers; give one "
                        + "subnet per zone (each zone's node group is placed in its zone's subnet).");
            }
            subnets.add(subnet);
        }
        final List<String> missing = zones.stream().filter(z -> !byZone.containsKey(z)).toList();
        // A wrong or repeated zone already names the zones allowed; a missing one is news only without those.
        if (!objects.isEmpty() && !missing.isEmpty() && v.errors().size() == errorsBefore) {
            v.error(v.path(key) + " has no subnet in " + String.join(", ", missing) + ", but every zone of "
                    + "availabilityZones needs one; add it or remove the zone from availabilityZones.");
        }
        return subnets;
    }

    private static Pattern zonePattern(final List<String> zones) {
        return Pattern.compile(String.join("|", zones.stream().map(Pattern::quote).toList()));
    }

    private static void inside(final ContextReader v, final ExistingVpc vpc) {
        forEach(vpc, (path, subnet) -> {
            if (subnet.cidr() != INVALID && !vpc.cidr().contains(subnet.cidr())) {
                fail(v, path + ".cidr", subnet.cidr(), "a range inside vpc.cidr (" + vpc.cidr() + ")");
            }
        });
    }

    private static void noOverlaps(final ContextReader v, final ExistingVpc vpc) {
        final List<String> paths = new ArrayList<>();
        final List<ExistingVpc.Subnet> all = new ArrayList<>();
        forEach(vpc, (path, subnet) -> {
            for (int j = 0; j < all.size(); j++) {
                final ExistingVpc.Subnet earlier = all.get(j);
                if (!subnet.id().isEmpty() && subnet.id().equals(earlier.id())) {
                    fail(v, path + ".id", subnet.id(), "a subnet not already listed (" + paths.get(j) + " has it)");
                } else if (subnet.cidr() != INVALID && earlier.cidr() != INVALID
                        && subnet.cidr().overlaps(earlier.cidr())) {
                    fail(v, path + ".cidr", subnet.cidr(), "a range that overlaps no other subnet's ("
                            + paths.get(j) + " is " + earlier.cidr() + ")");
                }
            }
            paths.add(path);
            all.add(subnet);
        });
    }

    private static void fail(final ContextReader v, final String path, final Object value, final String allowed) {
        v.error(path + " is " + ContextValues.show(value.toString()) + " but must be " + allowed + ".");
    }

    /** Each subnet with its key path, private ones first, as listed in config order of zones. */
    private static void forEach(final ExistingVpc vpc,
                                final BiConsumer<String, ExistingVpc.Subnet> action) {
        for (int i = 0; i < vpc.privateSubnets().size(); i++) {
            action.accept("vpc.privateSubnets[" + i + "]", vpc.privateSubnets().get(i));
        }
        for (int i = 0; i < vpc.publicSubnets().size(); i++) {
            action.accept("vpc.publicSubnets[" + i + "]", vpc.publicSubnets().get(i));
        }
    }
}
