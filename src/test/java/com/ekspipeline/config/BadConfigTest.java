package com.ekspipeline.config;

import com.ekspipeline.support.SampleVpc;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed configurations through the loader the entry point uses. Each must fail with exactly one
 * sentence that names the key and the value given.
 */
class BadConfigTest {

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("appName", 42, "appName is 42"),
                bad("appName", "", "appName is empty"),
                bad("appName", "My-App", "appName is \"My-App\""),
                bad("appName", "app-", "appName is \"app-\""),
                bad("region", "US-EAST-2", "region is \"US-EAST-2\""),
                bad("region", List.of("us-east-2"), "region is [\"us-east-2\"]"),
                bad("availabilityZones", "us-east-2a", "availabilityZones is \"us-east-2a\""),
                bad("availabilityZones", List.of("us-east-2a", 7), "availabilityZones[1] is 7"),
                bad("account", "12345678901a", "account is \"12345678901a\""),
                bad("vpcCidr", "10.0.0.0", "vpcCidr is \"10.0.0.0\""),
                bad("vpcCidr", "10.0.0.0/33", "vpcCidr is \"10.0.0.0/33\""),
                bad("vpcCidr", "10.0.1.0/16", "vpcCidr is \"10.0.1.0/16\""),
                bad("natGateways", 4, "natGateways is 4"),
                bad("natGateways", -1, "natGateways is -1"),
                bad("natGateways", 1.5, "natGateways is 1.5"),
                bad("natGateways", true, "natGateways is true"),
                bad("logRetentionDays", 0, "logRetentionDays is 0"),
                bad("logRetentionDays", "forever", "logRetentionDays is \"forever\""),
                bad("kubernetesVersion", "1.2x", "kubernetesVersion is \"1.2x\""),
                bad("kubernetesVersion", "1.30", "kubernetesVersion is \"1.30\""),
                bad("clusterName", "my cluster", "clusterName is \"my cluster\""),
                bad("endpointPublicCidrs", "0.0.0.0/0,10.0.0.0/40", "endpointPublicCidrs[1] is \"10.0.0.0/40\""),
                bad("adminPrincipalArns", "arn:aws:iam::123456789012:group/Admins",
                        "adminPrincipalArns[0] is \"arn:aws:iam::123456789012:group/Admins\""),
                bad("adminPrincipalArns", "not-an-arn", "adminPrincipalArns[0] is \"not-an-arn\""),
                bad("notificationEmail", "ops at example", "notificationEmail is \"ops at example\" but must be an email "
                        + "address such as ops@example.com, or empty."),
                bad("approvalEmail", "ops@example", "approvalEmail is \"ops@example\""),
                bad("approvalEmail", "ops example.com", "approvalEmail is \"ops example.com\""),
                bad("sourceObjectKey", "/source/app.zip", "sourceObjectKey is \"/source/app.zip\""),
                bad("sourceObjectKey", "source/app.tar.gz", "sourceObjectKey is \"source/app.tar.gz\""),
                bad("sourceObjectKey", "source//app.zip", "sourceObjectKey is \"source//app.zip\""),
                bad("buildTimeoutMinutes", 0, "buildTimeoutMinutes is 0"),
                bad("buildTimeoutMinutes", "30m", "buildTimeoutMinutes is \"30m\""),
                bad("deployTimeoutMinutes", 500, "deployTimeoutMinutes is 500"),
                bad("rolloutTimeoutSeconds", 6000, "rolloutTimeoutSeconds 6000 leaves too little of deployTimeoutMinutes "
                        + "70; the deploy action needs 10 minutes beyond the rollout wait for kubectl, the load "
                        + "balancer's address and its wait for a healthy target, or a rollback, so deployTimeoutMinutes "
                        + "must be at least 110 or rolloutTimeoutSeconds at most 3600."),
                // The default before pod readiness gates: five minutes for up to eight pods of 430 s each.
                bad("rolloutTimeoutSeconds", 300, "rolloutTimeoutSeconds 300 cannot cover a stage's 8 replicas: a "
                        + "rollout replaces one pod at a time and, with pod readiness gates, waits up to 430 s for each "
                        + "(190 s for the old pod to drain from the NLB and stop, 60 s to start the new one, 180 s for "
                        + "the NLB to see it healthy, aws-load-balancer-controller#1834), so rolloutTimeoutSeconds "
                        + "must be at least 3440."),
                bad("smokeTestSeconds", 900, "smokeTestSeconds is 900"),
                bad("nodeGroups", List.of(), "nodeGroups is []"),
                bad("nodeGroups", "[{broken json", "nodeGroups is \"[{broken json\""),
                bad("nodeGroups", List.of("general"), "nodeGroups[0] is \"general\""),
                badGroup("instanceTypes", List.of("t3.Large"), "nodeGroups[0].instanceTypes[0] is \"t3.Large\""),
                badGroup("instanceTypes", List.of(), "nodeGroups[0].instanceTypes is []"),
                badGroup("maxSize", 0, "nodeGroups[0].maxSize is 0"),
                badGroup("minSize", 6, "nodeGroups[0].minSize 6, desiredSize 2 and maxSize 5 are out of order"),
                badGroup("desiredSize", 9, "nodeGroups[0].minSize 2, desiredSize 9 and maxSize 5 are out of order"),
                badGroup("diskSizeGiB", 8, "nodeGroups[0].diskSizeGiB is 8"),
                badGroup("name", "general group", "nodeGroups[0].name is \"general group\""),
                badGroup("amiReleaseVersion", "latest", "nodeGroups[0].amiReleaseVersion is \"latest\" but must be an "
                        + "EKS-optimized AMI release version such as 1.35.0-20251120"),
                badGroup("amiReleaseVersion", "1.34.2-20251120", "nodeGroups[0].amiReleaseVersion is \"1.34.2-20251120\" "
                        + "but must be a release built for the cluster's Kubernetes 1.36, such as 1.36.0-20251120."),
                Arguments.of("one t3.small node", TestContext.defaults().withNodeGroup(Map.of("instanceTypes", List.of("t3.small"),
                        "minSize", 1, "desiredSize", 1, "maxSize", 1)), "nodeGroups at maxSize (1 node: room for 11 pods, 1930m "
                        + "CPU and 1572 MiB) cannot hold the cluster's own pods (13 pods, 700m CPU, 1140 MiB"),
                badGroup("labels", Map.of("team", "a b"), "nodeGroups[0].labels.team is \"a b\""),
                badGroup("capacityTyp", "SPOT", "Unknown configuration key nodeGroups[0].capacityTyp (value \"SPOT\") "
                        + "is not allowed; did you mean nodeGroups[0].capacityType?"),
                bad("region", "ap-south-1", "region is \"ap-south-1\" but must be a region whose prices "
                        + "src/main/resources/prices.csv lists (eu-central-1, eu-west-1, us-east-1, us-east-2, us-west-2)"),
                badGroup("instanceTypes", List.of("t3.large", "m7i.large"), "nodeGroups[0].instanceTypes[1] is "
                        + "\"m7i.large\" but must be an instance type src/main/resources/prices.csv prices for us-east-2 ("),
                bad("monthlyBudgetUsd", 0, "monthlyBudgetUsd is 0 but must be a whole number from 1 to 1000000"),
                bad("budgetEmail", "ops@", "budgetEmail is \"ops@\""),
                bad("budgetAlertPercents", List.of(50, 0), "budgetAlertPercents[1] is 0"),
                bad("budgetAlertPercents", List.of(80, 80), "budgetAlertPercents is [80,80] but must be a list without "),
                bad("budgetAlertPercents", List.of(10, 20, 30, 40, 50), "budgetAlertPercents is [10,20,30,40,50] but must "
                        + "be a list of at most 4 percentages"),
                bad("estimatedLogGiBPerDay", -1, "estimatedLogGiBPerDay is -1"),
                bad("observability", "yes", "observability is \"yes\" but must be true or false."),
                bad("observability", 1, "observability is 1 but must be true or false."),
                bad("extendedSupport", "yes", "extendedSupport is \"yes\" but must be true or false."),
                bad("extendedSupport", 0, "extendedSupport is 0 but must be true or false."),
                Arguments.of("extendedSupport = false on 1.33, past standard support", TestContext.defaults()
                        .with("kubernetesVersion", "1.33"), "extendedSupport is false but must be true while "
                        + "kubernetesVersion 1.33 is past EKS standard support (it ended 2026-07-29), because EKS sets "
                        + "the STANDARD upgrade policy only on a version in standard support; raise kubernetesVersion "
                        + "(1.36 is in standard support) or set extendedSupport to true."),
                bad("alarmReservationPercent", 101, "alarmReservationPercent is 101 but must be a whole number from 50 "
                        + "to 100."),
                bad("alarmReservationPercent", "90%", "alarmReservationPercent is \"90%\""),
                bad("alarmRestartsPer15Minutes", 0, "alarmRestartsPer15Minutes is 0 but must be a whole number from 1 "
                        + "to 100."),
                bad("estimatedContainerLogGiBPerDay", -1, "estimatedContainerLogGiBPerDay is -1"),
                bad("offHours", "weekends", "offHours is \"weekends\" but must be an object with the keys scaleDownAt, "),
                badOffHours("scaleDownAt", "25:00", "offHours.scaleDownAt is \"25:00\" but must be a 24-hour time"),
                badOffHours("scaleUpAt", "7am", "offHours.scaleUpAt is \"7am\""),
                badOffHours("timeZone", "Mars/Olympus", "offHours.timeZone is \"Mars/Olympus\" but must be an IANA time zone"),
                badOffHours("scaleUpDays", List.of("MON", "MONDAY"), "offHours.scaleUpDays[1] is \"MONDAY\""),
                badOffHours("scaleUpAt", "20:00", "offHours.scaleDownAt and scaleUpAt are both 20:00"),
                badOffHours("timezone", "UTC", "Unknown configuration key offHours.timezone (value \"UTC\") is not "
                        + "allowed; did you mean offHours.timeZone?"),
                bad("autoscaler", "keda", "autoscaler is \"keda\" but must be one of cluster-autoscaler, karpenter."),
                Arguments.of("karpenter with an unpriced instance type", karpenter(Map.of("instanceTypes",
                        List.of("t4g.medium", "t4g.2xlarge"))), "nodeGroups[0].instanceTypes[1] is \"t4g.2xlarge\" but "
                        + "must be an instance type src/main/resources/prices.csv prices for us-east-2 ("),
                Arguments.of("karpenter with mixed architectures", karpenter(Map.of("instanceTypes",
                        List.of("t4g.medium", "t3.medium"))), "nodeGroups[0].instanceTypes is [\"t4g.medium\",\"t3.medium\"] "
                        + "but must be instance types of one CPU architecture (they are t3.medium x86_64, t4g.medium "
                        + "arm64), because with autoscaler karpenter each NodePool requires one kubernetes.io/arch and "
                        + "its EC2NodeClass resolves one AMI alias."),
                Arguments.of("karpenter with a system group too small", karpenter(Map.of("instanceTypes",
                        List.of("t4g.small"))), "nodeGroups[0].instanceTypes[0] is \"t4g.small\", the type of the system "
                        + "node group that autoscaler karpenter runs the cluster's own pods on, and its 2 nodes (room for "
                        + "22 pods, 3860m CPU and 3144 MiB) cannot hold them with Karpenter's controllers (18 pods, "
                        + "2880m CPU, 3308 MiB, see src/main/resources/system-pods.csv); put a larger type first."),
                bad("natgateways", 2, "Unknown configuration key natgateways (value 2) is not allowed; "
                        + "did you mean natGateways?"),
                bad("vpcCIDR", "10.0.0.0/16", "Unknown configuration key vpcCIDR (value \"10.0.0.0/16\") is not "
                        + "allowed; did you mean vpcCidr?"),
                bad("kubernetesVerison", "1.35", "Unknown configuration key kubernetesVerison (value \"1.35\") is "
                        + "not allowed; did you mean kubernetesVersion?"));
    }

    /** The {@code stages} key's rules, each broken once in an otherwise valid split of the stages. */
    static Stream<Arguments> stages() {
        return Stream.of(
                Arguments.of("stages.staging.account = 1234", TestContext.defaults().with("account", "111111111111")
                        .with("stages", withStage(splitStages(), "staging", Map.of("clusterName", "shop-staging",
                                "account", "1234"))), "stages.staging.account is \"1234\" but must be a 12-digit "
                        + "AWS account ID."),
                badStage("staging", "account", "222222222222", "stages.staging.account is set but account is not: "
                        + "the stage's deploy role trusts the pipeline's account by its ID"),
                Arguments.of("production parked at night with observability", TestContext.defaults()
                        .with("observability", true).with("stages", withStage(splitStages(), "production", Map.of(
                                "clusterName", "shop-production", "offHours", OFF_HOURS))),
                        "stages.production.offHours is set but must be absent with observability on: the service "
                                + "probe's alarm in the pipeline's account would go off every night while "
                                + "production's nodes are parked, and off-hours on production's cluster cannot "
                                + "silence it."),
                badStage("production", "region", "ap-south-1", "stages.production.region is \"ap-south-1\" but must be "
                        + "a region whose prices src/main/resources/prices.csv lists"),
                badStage("production", "region", "us-west-2", "stages.production.availabilityZones is missing but must "
                        + "be set, to zones of us-west-2 such as us-west-2a, because stages.production.region differs"),
                badStage("staging", "kubernetesVersion", "1.35", "stages.production.kubernetesVersion is \"1.36\" but "
                        + "must be at most staging's (\"1.35\", stages.staging.kubernetesVersion or kubernetesVersion): "
                        + "staging runs every upgrade first"),
                badStage("production", "clusterName", "shop-staging", "stages.production.clusterName is \"shop-staging\" "
                        + "but must differ from stages.staging.clusterName while both stages are in the same account"),
                badStage("staging", "nodeGroups", List.of(Map.of("name", "small", "instanceTypes", List.of("t3.medium"),
                        "capacityType", "ON_DEMAND", "minSize", 1, "desiredSize", 1, "maxSize", 0, "diskSizeGiB", 50)),
                        "stages.staging.nodeGroups[0].maxSize is 0"),
                badStage("staging", "clustername", "x", "Unknown configuration key stages.staging.clustername (value "
                        + "\"x\") is not allowed; did you mean stages.staging.clusterName?"),
                Arguments.of("a stage other than staging and production", TestContext.defaults().with("stages",
                        withStage(splitStages(), "qa", Map.of("clusterName", "shop-qa"))), "Unknown configuration key "
                        + "stages.qa (value {\"clusterName\":\"shop-qa\"}) is not allowed; the keys here are "
                        + "production, staging."),
                Arguments.of("production missing", TestContext.defaults().with("stages",
                        Map.of("staging", Map.of("clusterName", "shop-staging"))), "stages.production is missing but "
                        + "must be an object with at least clusterName"),
                Arguments.of("stages with clusterName", TestContext.defaults().with("stages", splitStages())
                        .with("clusterName", "shop"), "clusterName is \"shop\" but must be absent with stages: each "
                        + "stage names its own cluster"),
                Arguments.of("stages with karpenter", TestContext.defaults().with("stages", splitStages())
                        .with("autoscaler", "karpenter"), "autoscaler is \"karpenter\" but must be cluster-autoscaler "
                        + "with stages: Karpenter on the stages' clusters is not supported yet."),
                Arguments.of("stages with offHours", TestContext.defaults().with("stages", splitStages())
                        .with("offHours", OFF_HOURS), "offHours is {"),
                Arguments.of("stages not an object", TestContext.defaults().with("stages", "staging,production"),
                        "stages is \"staging,production\" but must be an object with the keys production and staging."),
                badStage("staging", "offHours", Map.of("scaleDownAt", "20:00", "scaleUpAt", "20:00", "timeZone", "UTC"),
                        "stages.staging.offHours.scaleDownAt and scaleUpAt are both 20:00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void stagesAreRefusedWithOneSentence(final String name, final TestContext context, final String expected) {
        isRefusedWithOneSentenceNamingTheKeyAndValue(name, context, expected);
    }

    /** Both stages on clusters of their own, in the app's account and region. */
    static Map<String, Object> splitStages() {
        return Map.of("staging", Map.of("clusterName", "shop-staging"),
                "production", Map.of("clusterName", "shop-production"));
    }

    private static Map<String, Object> withStage(final Map<String, Object> stages, final String stage,
                                                 final Map<String, Object> fields) {
        final Map<String, Object> copy = new HashMap<>(stages);
        copy.put(stage, fields);
        return copy;
    }

    private static Arguments badStage(final String stage, final String key, final Object value, final String expected) {
        @SuppressWarnings("unchecked")
        final Map<String, Object> fields = new HashMap<>((Map<String, Object>) splitStages().get(stage));
        fields.put(key, value);
        return Arguments.of("stages." + stage + "." + key + " = " + value,
                TestContext.defaults().with("stages", withStage(splitStages(), stage, fields)), expected);
    }

    private static TestContext karpenter(final Map<String, Object> group) {
        return TestContext.defaults().with("autoscaler", "karpenter").withNodeGroup(group);
    }

    /** A version in the calendar whose npm kubectl layer is not installed, as after a refresh adds a new minor. */
    @Test
    void aVersionWithoutItsKubectlLayerIsRefusedNamingThePackage() throws IOException {
        final Path withoutNodeModules = Files.createTempDirectory("project");
        final List<String> errors = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                TestContext.defaults().asMap(), Optional.empty(), TestContext.TODAY, withoutNodeModules)).errors();
        assertEquals(List.of("kubernetesVersion is \"1.36\" but must be a version whose kubectl layer is installed: "
                + "add @aws-cdk/lambda-layer-kubectl-v36 to package.json's devDependencies and run npm ci."), errors);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRefusedWithOneSentenceNamingTheKeyAndValue(final String name, final TestContext context, final String expected) {
        final List<String> errors = assertThrows(ConfigException.class, context::load).errors();
        assertEquals(1, errors.size(), () -> "expected exactly one error, got " + errors);
        final String error = errors.get(0);
        assertTrue(error.startsWith(expected), () -> "\"" + error + "\" should start with \"" + expected + "\"");
        assertTrue(error.endsWith(".") || error.endsWith("?"), error);
        assertFalse(error.contains("\n"), error);
    }

    /** The {@code vpc} key's rules, each broken once in an otherwise valid existing VPC. */
    static Stream<Arguments> existingVpc() {
        return Stream.of(
                Arguments.of("vpc with vpcCidr", TestContext.defaults().with("natGateways", "")
                        .with("vpc", SampleVpc.object()), "vpc and vpcCidr are both set (vpcCidr \"10.0.0.0/16\"), but "
                        + "vpcCidr shapes the VPC the app builds"),
                Arguments.of("vpc with natGateways", TestContext.defaults().with("vpcCidr", "")
                        .with("vpc", SampleVpc.object()), "vpc and natGateways are both set (natGateways 1)"),
                Arguments.of("vpc not an object", SampleVpc.context(Map.of()).with("vpc", "vpc-0a1b2c3d"),
                        "vpc is \"vpc-0a1b2c3d\" but must be an object with id, cidr, privateSubnets"),
                badVpc("id", "vpc-xyz", "vpc.id is \"vpc-xyz\" but must be a VPC ID such as vpc-0123456789abcdef0."),
                badVpc("cidr", "10.20.0.0/12", "vpc.cidr is \"10.20.0.0/12\" but must be the VPC's primary IPv4 range"),
                badVpc("tagSubnets", "yes", "vpc.tagSubnets is \"yes\" but must be true or false."),
                badVpc("routeTables", List.of(), "Unknown configuration key vpc.routeTables (value []) is not allowed"),
                badVpc("privateSubnets", List.of(SampleVpc.subnet(SampleVpc.object(), "privateSubnets", 0)),
                        "vpc.privateSubnets is [{"),
                badSubnet("privateSubnets", 1, "id", "subnet-12", "vpc.privateSubnets[1].id is \"subnet-12\" but must be "
                        + "a subnet ID"),
                badSubnet("privateSubnets", 2, "routeTableId", "rt-1", "vpc.privateSubnets[2].routeTableId is \"rt-1\""),
                badSubnet("publicSubnets", 0, "cidr", "10.20.96.0/29", "vpc.publicSubnets[0].cidr is \"10.20.96.0/29\" "
                        + "but must be the subnet's IPv4 range in CIDR form, /16 to /28"),
                badSubnet("privateSubnets", 1, "zone", "us-east-2d", "vpc.privateSubnets[1].zone is \"us-east-2d\" but "
                        + "must be one of availabilityZones (us-east-2a, us-east-2b, us-east-2c)."),
                badSubnet("privateSubnets", 2, "zone", "us-east-2a", "vpc.privateSubnets[2].zone is us-east-2a, which "
                        + "privateSubnets[0] already covers"),
                badSubnet("privateSubnets", 0, "routeTable", "rtb-1", "Unknown configuration key "
                        + "vpc.privateSubnets[0].routeTable (value \"rtb-1\") is not allowed; did you mean "
                        + "vpc.privateSubnets[0].routeTableId?"),
                badSubnet("privateSubnets", 1, "cidr", "10.21.32.0/19", "vpc.privateSubnets[1].cidr is \"10.21.32.0/19\" "
                        + "but must be a range inside vpc.cidr (10.20.0.0/16)."),
                badSubnet("publicSubnets", 2, "cidr", "10.20.64.0/24", "vpc.publicSubnets[2].cidr is \"10.20.64.0/24\" "
                        + "but must be a range that overlaps no other subnet's (vpc.privateSubnets[2] is 10.20.64.0/19)."),
                badSubnet("publicSubnets", 1, "id", SampleVpc.PRIVATE_IDS.get(1), "vpc.publicSubnets[1].id is "
                        + "\"subnet-0aaaaaaaaaaaaaaa2\" but must be a subnet not already listed (vpc.privateSubnets[1] has it)."),
                Arguments.of("vpc without public subnets", SampleVpc.context(without(SampleVpc.object(), "publicSubnets")),
                        "vpc.publicSubnets is missing, but the sample service's load balancer is internet-facing"),
                Arguments.of("vpc with two of three zones", SampleVpc.context(firstTwoPrivate()),
                        "vpc.privateSubnets has no subnet in us-east-2c, but every zone of availabilityZones needs one"),
                Arguments.of("private subnets too small", SampleVpc.context(smallPrivate("/27")),
                        "vpc.privateSubnets[0].cidr is 10.20.0.0/27, 27 usable addresses in us-east-2a (AWS reserves 5), "
                        + "but the worst case there takes 49: 2 nodes at maxSize with every address of their "
                        + "interfaces (36), 8 for the EKS control plane's interfaces, 3 for the app's functions and "
                        + "2 for the deploy builds; give a larger subnet or lower the node groups' maxSize."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("existingVpc")
    void existingVpcIsRefusedWithOneSentence(final String name, final TestContext context, final String expected) {
        isRefusedWithOneSentenceNamingTheKeyAndValue(name, context, expected);
    }

    private static Arguments badVpc(final String key, final Object value, final String expected) {
        final Map<String, Object> vpc = SampleVpc.object();
        vpc.put(key, value);
        return Arguments.of("vpc." + key + " = " + value, SampleVpc.context(vpc), expected);
    }

    private static Arguments badSubnet(final String list, final int index, final String key, final Object value,
                                       final String expected) {
        final Map<String, Object> vpc = SampleVpc.object();
        SampleVpc.subnet(vpc, list, index).put(key, value);
        return Arguments.of("vpc." + list + "[" + index + "]." + key + " = " + value, SampleVpc.context(vpc), expected);
    }

    private static Map<String, Object> without(final Map<String, Object> vpc, final String key) {
        vpc.remove(key);
        return vpc;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstTwoPrivate() {
        final Map<String, Object> vpc = SampleVpc.object();
        vpc.put("privateSubnets", ((List<Object>) vpc.get("privateSubnets")).subList(0, 2));
        return vpc;
    }

    /** The first private subnet shrunk to the given size at the start of its /19. */
    private static Map<String, Object> smallPrivate(final String prefix) {
        final Map<String, Object> vpc = SampleVpc.object();
        final Map<String, Object> subnet = SampleVpc.subnet(vpc, "privateSubnets", 0);
        subnet.put("cidr", ((String) subnet.get("cidr")).replace("/19", prefix));
        return vpc;
    }

    private static Arguments bad(final String key, final Object value, final String expected) {
        return Arguments.of(key + " = " + value, TestContext.defaults().with(key, value), expected);
    }

    static final Map<String, Object> OFF_HOURS = Map.of("scaleDownAt", "20:00", "scaleUpAt", "07:00",
            "timeZone", "Europe/Berlin");

    private static Arguments badOffHours(final String key, final Object value, final String expected) {
        final Map<String, Object> offHours = new HashMap<>(OFF_HOURS);
        offHours.put(key, value);
        return Arguments.of("offHours." + key + " = " + value, TestContext.defaults().with("offHours", offHours), expected);
    }

    private static Arguments badGroup(final String key, final Object value, final String expected) {
        return Arguments.of("nodeGroups[0]." + key + " = " + value,
                TestContext.defaults().withNodeGroup(Map.of(key, value)), expected);
    }
}
