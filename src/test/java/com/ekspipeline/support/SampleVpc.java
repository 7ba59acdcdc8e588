package com.ekspipeline.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An existing VPC as a network team would hand it over, for the {@code vpc} key: three private /19 subnets
 * and three public /24 ones in the default's zones. Tests change one field of it at a time.
 */
public final class SampleVpc {

    public static final String ID = "vpc-0a1b2c3d4e5f60718";
    public static final List<String> PRIVATE_IDS = List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2",
            "subnet-0aaaaaaaaaaaaaaa3");
    public static final List<String> PUBLIC_IDS = List.of("subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2",
            "subnet-0bbbbbbbbbbbbbbb3");
    private static final List<String> ZONES = List.of("us-east-2a", "us-east-2b", "us-east-2c");
    private static final List<String> PRIVATE_CIDRS = List.of("10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19");
    private static final List<String> PUBLIC_CIDRS = List.of("10.20.96.0/24", "10.20.97.0/24", "10.20.98.0/24");

    private SampleVpc() {
    }

    /** The {@code vpc} object, mutable so that a test can change one field. */
    public static Map<String, Object> object() {
        final Map<String, Object> vpc = new LinkedHashMap<>();
        vpc.put("id", ID);
        vpc.put("cidr", "10.20.0.0/16");
        vpc.put("privateSubnets", subnets(PRIVATE_IDS, PRIVATE_CIDRS, "rtb-0ccccccccccccccc"));
        vpc.put("publicSubnets", subnets(PUBLIC_IDS, PUBLIC_CIDRS, "rtb-0ddddddddddddddd"));
        return vpc;
    }

    /** The defaults with {@code vpc} set and the keys of the app's own VPC cleared, as docs/existing-vpc.md says. */
    public static TestContext context(final Map<String, Object> vpc) {
        return context(TestContext.defaults(), vpc);
    }

    /** {@code base} with {@code vpc} set and the keys of the app's own VPC cleared. */
    public static TestContext context(final TestContext base, final Map<String, Object> vpc) {
        return base.with("vpcCidr", "").with("natGateways", "").with("vpc", vpc);
    }

    /** Subnet {@code index} of {@code key} ({@code privateSubnets} or {@code publicSubnets}) of {@code vpc}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> subnet(final Map<String, Object> vpc, final String key, final int index) {
        return ((List<Map<String, Object>>) vpc.get(key)).get(index);
    }

    private static List<Map<String, Object>> subnets(final List<String> ids, final List<String> cidrs,
                                                     final String routeTablePrefix) {
        final List<Map<String, Object>> subnets = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            final Map<String, Object> subnet = new LinkedHashMap<>();
            subnet.put("id", ids.get(i));
            subnet.put("zone", ZONES.get(i));
            subnet.put("cidr", cidrs.get(i));
            subnet.put("routeTableId", routeTablePrefix + (i + 1));
            subnets.add(subnet);
        }
        return subnets;
    }
}
