package com.ekspipeline.config;

import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    private static List<String> errorsOf(final TestContext context) {
        return assertThrows(ConfigException.class, context::load).errors();
    }

    private static String onlyError(final TestContext context) {
        final List<String> errors = errorsOf(context);
        assertEquals(1, errors.size(), () -> "expected one error, got " + errors);
        return errors.get(0);
    }

    @Test
    void cdkJsonDefaultsLoad() {
        final AppConfig config = TestContext.defaults().load();
        assertEquals("eks-pipeline", config.appName());
        assertEquals("us-east-2", config.region());
        assertEquals(List.of("us-east-2a", "us-east-2b", "us-east-2c"), config.availabilityZones());
        assertEquals(Optional.empty(), config.account());
        assertEquals("10.0.0.0/16", config.network().vpcCidr().toString());
        assertEquals(1, config.network().natGateways());
        assertEquals(30, config.logRetentionDays());
        assertEquals("eks-pipeline", config.cluster().clusterName());
        assertEquals("1.36", config.cluster().kubernetesVersion().version());
        assertEquals(new NodeGroupConfig("general", List.of("t4g.medium"), false, 2, 2, 5, 50,
                Map.of("workload", "general"), Optional.empty()), config.cluster().nodeGroups().get(0));
        assertEquals(new ObservabilityConfig(false, 90, 3, 1), config.observability());
    }

    @Test
    void withoutStagesBothStagesAreNamespacesOfTheOneCluster() {
        assertEquals(List.of(), TestContext.defaults().load().stages());
    }

    @Test
    void aStageTakesItsOwnKeysAndTheTopLevelOnesForTheRest() {
        final AppConfig config = TestContext.defaults().with("account", "111111111111").with("stages", Map.of(
                "staging", Map.of("clusterName", "shop-staging", "kubernetesVersion", "1.36",
                        "offHours", BadConfigTest.OFF_HOURS),
                "production", Map.of("clusterName", "shop-production", "account", "222222222222",
                        "region", "eu-west-1", "availabilityZones", List.of("eu-west-1a", "eu-west-1b"),
                        "kubernetesVersion", "1.35"))).load();
        final StageTarget staging = config.stages().get(0);
        final StageTarget production = config.stages().get(1);
        assertEquals(List.of("staging", "production"), config.stages().stream().map(StageTarget::stage).toList());
        assertEquals(Optional.of("111111111111"), staging.account());
        assertEquals("us-east-2", staging.region());
        assertEquals(config.availabilityZones(), staging.availabilityZones());
        assertEquals(config.cluster().nodeGroups(), staging.cluster().nodeGroups());
        assertTrue(staging.offHours().isPresent());
        assertEquals(Optional.of("222222222222"), production.account());
        assertEquals("eu-west-1", production.region());
        assertEquals("1.35", production.cluster().kubernetesVersion().version());
        assertTrue(production.offHours().isEmpty());
        final AppConfig target = config.target(production);
        assertEquals("eks-pipeline-production", target.appName());
        assertEquals("eks-pipeline-production-cluster", target.stackName("cluster"));
        assertEquals("shop-production", target.cluster().clusterName());
        assertEquals(List.of(), target.stages());
    }

    @Test
    void observabilityIsSwitchedWithTheWordsTrueAndFalseOnTheCommandLine() {
        assertTrue(TestContext.defaults().with("observability", "true").load().observability().enabled());
        assertFalse(TestContext.defaults().with("observability", "false").load().observability().enabled());
        assertTrue(TestContext.defaults().with("observability", true).load().observability().enabled());
    }

    @Test
    void theCapacityCheckCountsTheAgentAndFluentBitWithObservabilityOn() {
        final TestContext oneSmall = TestContext.defaults().withNodeGroup(Map.of("instanceTypes", List.of("t3.small"),
                "minSize", 1, "desiredSize", 1, "maxSize", 1));
        final String without = assertThrows(ConfigException.class, oneSmall::load).errors().get(0);
        final String with = assertThrows(ConfigException.class, () -> oneSmall.with("observability", true).load())
                .errors().get(0);
        assertTrue(without.contains("(13 pods, 700m CPU, 1140 MiB, see src/main/resources/system-pods.csv)"), without);
        assertTrue(with.contains("(16 pods, 1100m CPU, 1357 MiB, see src/main/resources/system-pods.csv and "
                + "observability-pods.csv)"), with);
    }

    @Test
    void aNodeGroupMayPinTheAmiReleaseOfTheClustersVersion() {
        assertEquals(Optional.of("1.36.0-20260610"), TestContext.defaults()
                .withNodeGroup(Map.of("amiReleaseVersion", "1.36.0-20260610")).load().cluster().nodeGroups().get(0)
                .amiReleaseVersion());
    }

    @Test
    void commandLineStringsAreParsedLikeTheirJsonForms() {
        final AppConfig config = TestContext.defaults()
                .with("natGateways", "2")
                .with("availabilityZones", "us-east-2a, us-east-2b")
                .with("endpointPublicCidrs", "[\"203.0.113.0/24\"]")
                .with("nodeGroups", "[{\"name\":\"spot\",\"instanceTypes\":[\"m5.large\",\"m5a.large\"],"
                        + "\"capacityType\":\"SPOT\",\"minSize\":\"0\",\"desiredSize\":1,\"maxSize\":3,\"diskSizeGiB\":40}]")
                .load();
        assertEquals(2, config.network().natGateways());
        assertEquals(List.of("us-east-2a", "us-east-2b"), config.availabilityZones());
        assertEquals(List.of("203.0.113.0/24"), config.cluster().endpointPublicCidrs());
        final NodeGroupConfig spot = config.cluster().nodeGroups().get(0);
        assertTrue(spot.spot());
        assertEquals(List.of("m5.large", "m5a.large"), spot.instanceTypes());
        assertEquals(0, spot.minSize());
        assertEquals(Map.of(), spot.labels());
    }

    @Test
    void accountFallsBackToTheCliDefaultOnlyWhenUnset() {
        final Map<String, Object> context = TestContext.defaults().asMap();
        assertEquals(Optional.of("111122223333"),
                ConfigLoader.load(context, Optional.of("111122223333"), TestContext.TODAY).account());
        assertEquals(Optional.of("444455556666"), ConfigLoader.load(
                TestContext.defaults().with("account", "444455556666").asMap(),
                Optional.of("111122223333"), TestContext.TODAY).account());
    }

    @Test
    void pipelineDefaultsAndOverrides() {
        assertEquals(new PipelineConfig(Optional.empty(), "source/eks-pipeline.zip", 30, 70, 3600, 300, Optional.empty()),
                TestContext.defaults().load().pipeline());
        final PipelineConfig custom = TestContext.defaults()
                .with("approvalEmail", "release.team+eks@example.co.uk")
                .with("sourceObjectKey", "releases/shop-v2.zip")
                .with("buildTimeoutMinutes", "45")
                .with("deployTimeoutMinutes", 90)
                .with("rolloutTimeoutSeconds", 4800)
                .with("smokeTestSeconds", 840)
                .with("notificationEmail", "ops@example.com")
                .load().pipeline();
        assertEquals(new PipelineConfig(Optional.of("release.team+eks@example.co.uk"), "releases/shop-v2.zip",
                45, 90, 4800, 840, Optional.of("ops@example.com")), custom);
        // The smallest that fits: a stage's 8 replicas at 430 s each, and 10 minutes more for the deploy.
        assertEquals(3440, TestContext.defaults().with("rolloutTimeoutSeconds", 3440).with("deployTimeoutMinutes", 68)
                .load().pipeline().rolloutTimeoutSeconds());
        assertEquals(Optional.empty(), TestContext.defaults().with("approvalEmail", "").load().pipeline().approvalEmail(),
                "an empty email means no subscription");
        assertEquals("app.zip", TestContext.defaults().with("sourceObjectKey", "app.zip").load().pipeline()
                .sourceObjectKey(), "a key at the bucket's top level");
    }

    @Test
    void clusterNameDefaultsToTheAppName() {
        assertEquals("shop", TestContext.defaults().with("appName", "shop").load().cluster().clusterName());
        assertEquals("Shop_1", TestContext.defaults().with("clusterName", "Shop_1").load().cluster().clusterName());
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        final List<String> errors = errorsOf(TestContext.defaults()
                .with("appName", "Bad_Name")
                .with("natGateways", 9)
                .with("vpcCidr", "10.0.0.0/8"));
        assertEquals(3, errors.size(), errors::toString);
    }

    @Test
    void anErrorNamesTheKeyTheValueAndWhatIsAllowed() {
        assertEquals("natGateways is 9 but must be a whole number from 1 to 3.",
                onlyError(TestContext.defaults().with("natGateways", 9)));
    }

    @Test
    void appNameMustBeShortLowercaseAndStartWithALetter() {
        assertTrue(onlyError(TestContext.defaults().with("appName", "1app")).startsWith("appName is \"1app\""));
        assertTrue(onlyError(TestContext.defaults().with("appName", "a-very-long-application-name"))
                .startsWith("appName is"));
    }

    @Test
    void regionMustLookLikeAnAwsRegion() {
        final List<String> errors = errorsOf(TestContext.defaults().with("region", "ohio"));
        assertTrue(errors.get(0).startsWith("region is \"ohio\""), errors::toString);
    }

    @Test
    void zonesMustBelongToTheRegion() {
        assertTrue(onlyError(TestContext.defaults().with("availabilityZones", List.of("us-east-2a", "us-west-2b")))
                .startsWith("availabilityZones[1] is \"us-west-2b\" but must be zones of region us-east-2"));
    }

    @Test
    void atLeastTwoDistinctZones() {
        assertTrue(onlyError(TestContext.defaults().with("availabilityZones", List.of("us-east-2a")))
                .contains("at least 2"));
        assertTrue(onlyError(TestContext.defaults().with("availabilityZones", List.of("us-east-2a", "us-east-2a")))
                .contains("without repeated entries"));
    }

    @Test
    void accountMustBeTwelveDigits() {
        assertTrue(onlyError(TestContext.defaults().with("account", "12345")).startsWith("account is \"12345\""));
    }

    @Test
    void vpcCidrMustBeANetworkAddressWithARoomyPrefix() {
        assertTrue(onlyError(TestContext.defaults().with("vpcCidr", "10.0.0.1/16")).startsWith("vpcCidr is"));
        assertTrue(onlyError(TestContext.defaults().with("vpcCidr", "10.0.0.0/24")).startsWith("vpcCidr is"));
        assertTrue(onlyError(TestContext.defaults().with("vpcCidr", "300.0.0.0/16")).startsWith("vpcCidr is"));
        assertEquals("10.1.0.0/20", TestContext.defaults().with("vpcCidr", "10.1.0.0/20").load().network().vpcCidr().toString());
    }

    @Test
    void natGatewaysAtMostOnePerZone() {
        assertTrue(onlyError(TestContext.defaults().with("natGateways", 0)).startsWith("natGateways is 0"));
        assertTrue(onlyError(TestContext.defaults().with("natGateways", "two")).startsWith("natGateways is \"two\""));
    }

    @Test
    void logRetentionMustBeAPeriodCloudWatchAccepts() {
        assertTrue(onlyError(TestContext.defaults().with("logRetentionDays", 10))
                .startsWith("logRetentionDays is 10 but must be one of the periods CloudWatch Logs accepts: 1, 3, 5"));
    }

    @Test
    void kubernetesVersionMustBeOneEksSupports() {
        assertTrue(onlyError(TestContext.defaults().with("kubernetesVersion", "1.99"))
                .startsWith("kubernetesVersion is \"1.99\" but must be one of the versions EKS supports: "));
        assertTrue(onlyError(TestContext.defaults().with("kubernetesVersion", 1.35)).startsWith("kubernetesVersion is 1.35"));
    }

    @Test
    void kubernetesVersionPastExtendedSupportIsRefused() {
        final Map<String, Object> context = TestContext.defaults().with("kubernetesVersion", "1.31")
                .with("extendedSupport", true).asMap();
        ConfigLoader.load(context, Optional.empty(), LocalDate.of(2026, 11, 25));
        final List<String> errors = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(context, Optional.empty(), LocalDate.of(2026, 11, 26))).errors();
        assertTrue(errors.get(0).contains("extended support ended 2026-11-26"), errors::toString);
    }

    @Test
    void clusterNameMustBeOneEksAccepts() {
        assertTrue(onlyError(TestContext.defaults().with("clusterName", "-bad")).startsWith("clusterName is \"-bad\""));
        assertTrue(onlyError(TestContext.defaults().with("clusterName", "a".repeat(101))).startsWith("clusterName is"));
    }

    @Test
    void publicEndpointCidrsMustBeCidrs() {
        assertTrue(onlyError(TestContext.defaults().with("endpointPublicCidrs", List.of("203.0.113.7")))
                .startsWith("endpointPublicCidrs[0] is \"203.0.113.7\""));
        assertTrue(onlyError(TestContext.defaults().with("endpointPublicCidrs", List.of()))
                .startsWith("endpointPublicCidrs is [] but must be a list of at least 1"));
    }

    @Test
    void adminPrincipalsMustBeIamRoleOrUserArns() {
        assertTrue(onlyError(TestContext.defaults().with("adminPrincipalArns", List.of("arn:aws:iam::123:role/x")))
                .startsWith("adminPrincipalArns[0] is \"arn:aws:iam::123:role/x\""));
        assertEquals(List.of("arn:aws:iam::123456789012:role/platform/Admin"), TestContext.defaults()
                .with("adminPrincipalArns", List.of("arn:aws:iam::123456789012:role/platform/Admin"))
                .load().cluster().adminPrincipalArns());
    }

    @Test
    void nodeGroupSizesMustBeOrdered() {
        assertEquals("nodeGroups[0].minSize 3, desiredSize 2 and maxSize 5 are out of order; "
                        + "they must satisfy minSize ≤ desiredSize ≤ maxSize.",
                onlyError(nodeGroup(Map.of("minSize", 3))));
        assertTrue(onlyError(nodeGroup(Map.of("minSize", 0, "desiredSize", 0, "maxSize", 0)))
                .startsWith("nodeGroups[0].maxSize is 0 but must be a whole number from 1"));
    }

    @Test
    void nodeGroupInstanceTypesMustBeWellFormed() {
        assertTrue(onlyError(nodeGroup(Map.of("instanceTypes", List.of("t3large"))))
                .startsWith("nodeGroups[0].instanceTypes[0] is \"t3large\""));
        assertEquals("nodeGroups[0].capacityType is \"CHEAP\" but must be one of ON_DEMAND, SPOT.",
                onlyError(nodeGroup(Map.of("capacityType", "CHEAP"))));
    }

    @Test
    void nodeGroupInstanceTypesShareOneArchitecture() {
        assertTrue(onlyError(nodeGroup(Map.of("instanceTypes", List.of("m7g.large", "m5.large"))))
                .startsWith("nodeGroups[0].instanceTypes is [\"m7g.large\",\"m5.large\"] but must be instance types of one CPU"));
        assertTrue(NodeGroupConfig.isArm("c6gn.xlarge") && NodeGroupConfig.isArm("t4g.medium"));
        assertFalse(NodeGroupConfig.isArm("g4dn.xlarge") || NodeGroupConfig.isArm("m5.large"));
    }

    @Test
    void theAutoscalerIsTheClusterAutoscalerUnlessKarpenterIsChosen() {
        assertEquals(Autoscaler.CLUSTER_AUTOSCALER, TestContext.defaults().load().cluster().autoscaler());
        final ClusterConfig karpenter = TestContext.defaults().with("autoscaler", "karpenter").load().cluster();
        assertTrue(karpenter.karpenter());
        assertEquals(new NodeGroupConfig("system", List.of("t4g.medium"), false, 2, 2, 3, 20, Map.of(), Optional.empty()),
                ClusterConfig.systemNodeGroup(karpenter.nodeGroups()));
    }

    @Test
    void nodeGroupNamesMustBeUnique() {
        final Map<String, Object> group = firstGroup();
        assertTrue(onlyError(TestContext.defaults().with("nodeGroups", List.of(group, group)))
                .contains("node group names are unique"));
    }

    @Test
    void typoedKeysAreCaughtWithASuggestion() {
        assertEquals("Unknown configuration key natGateway (value 2) is not allowed; did you mean natGateways?",
                onlyError(TestContext.defaults().with("natGateway", 2)));
        assertEquals("Unknown configuration key nodeGroups[0].maxsize (value 4) is not allowed; "
                + "did you mean nodeGroups[0].maxSize?", onlyError(nodeGroup(Map.of("maxsize", 4))));
    }

    @Test
    void cdkOwnKeysAreNotTakenForTypos() {
        assertFalse(TestContext.defaults()
                .with("aws:cdk:enable-path-metadata", true)
                .with("@aws-cdk/core:newStyleStackSynthesis", true)
                .load().appName().isEmpty());
    }

    @Test
    void missingRequiredKeysAreNamed() {
        assertEquals("region is missing but must be an AWS region code such as us-east-2.",
                errorsOf(TestContext.defaults().without("region")).get(0));
    }

    private static Map<String, Object> firstGroup() {
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> groups = (List<Map<String, Object>>) TestContext.defaults().asMap().get("nodeGroups");
        return groups.get(0);
    }

    private static TestContext nodeGroup(final Map<String, Object> overrides) {
        return TestContext.defaults().withNodeGroup(overrides);
    }
}
