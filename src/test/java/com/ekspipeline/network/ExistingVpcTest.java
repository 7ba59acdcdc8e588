package com.ekspipeline.network;

import com.ekspipeline.Deployment;
import com.ekspipeline.config.ConfigException;
import com.ekspipeline.cost.CostEstimate;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.SampleVpc;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * With {@code vpc}, the app uses a VPC it does not own: no network resource of its own in any template,
 * and every part that runs in the VPC (cluster, node groups, functions, deploy projects) uses exactly the
 * given subnets, as literals, with nothing looked up at synth.
 */
class ExistingVpcTest {

    /** Every network resource type the app's own VPC creates. */
    private static final Set<String> NETWORK_TYPES = Set.of("AWS::EC2::VPC", "AWS::EC2::Subnet",
            "AWS::EC2::NatGateway", "AWS::EC2::FlowLog", "AWS::EC2::EIP", "AWS::EC2::InternetGateway",
            "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::RouteTable", "AWS::EC2::Route",
            "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::VPCEndpoint");

    private static Deployment deployment;
    private static Map<String, Template> templates;

    @BeforeAll
    static void synth() {
        deployment = SampleVpc.context(TestContext.everythingOn(), SampleVpc.object()).deploy();
        templates = new LinkedHashMap<>();
        for (final Stack stack : deployment.stacks()) {
            templates.put(stack.getNode().getId(), Synthesized.template(stack));
        }
    }

    @Test
    void noTemplateHoldsANetworkResourceOfItsOwn() {
        templates.forEach((stack, template) -> NETWORK_TYPES.forEach(type ->
                assertTrue(Resources.ofType(template, type).isEmpty(), stack + " creates " + type)));
    }

    @Test
    void theClusterUsesThePrivateSubnets() {
        final Map<String, Object> cluster = only(templates.get("Cluster"), "AWS::EKS::Cluster");
        @SuppressWarnings("unchecked")
        final Map<String, Object> config = (Map<String, Object>) Resources.properties(cluster).get("ResourcesVpcConfig");
        assertEquals(SampleVpc.PRIVATE_IDS, config.get("SubnetIds"));
    }

    @Test
    void everyNodeGroupIsInThePrivateSubnets() {
        final List<Map<String, Object>> groups = all("AWS::EKS::Nodegroup");
        assertFalse(groups.isEmpty());
        for (final Map<String, Object> group : groups) {
            @SuppressWarnings("unchecked")
            final List<String> subnets = (List<String>) Resources.properties(group).get("Subnets");
            assertTrue(SampleVpc.PRIVATE_IDS.containsAll(subnets) && !subnets.isEmpty(), subnets::toString);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionInTheVpcUsesThePrivateSubnets() {
        final List<Map<String, Object>> inVpc = all("AWS::Lambda::Function").stream()
                .filter(f -> Resources.properties(f).containsKey("VpcConfig")).toList();
        // the kubectl handler and off-hours at least
        assertTrue(inVpc.size() >= 2, "functions in the VPC: " + inVpc.size());
        for (final Map<String, Object> function : inVpc) {
            final Map<String, Object> config = (Map<String, Object>) Resources.properties(function).get("VpcConfig");
            assertEquals(SampleVpc.PRIVATE_IDS, config.get("SubnetIds"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDeployProjectsRunInTheVpcsPrivateSubnets() {
        final List<Map<String, Object>> projects = all("AWS::CodeBuild::Project").stream()
                .filter(p -> Resources.properties(p).containsKey("VpcConfig")).toList();
        assertEquals(2, projects.size(), "a deploy project per stage");
        for (final Map<String, Object> project : projects) {
            final Map<String, Object> config = (Map<String, Object>) Resources.properties(project).get("VpcConfig");
            assertEquals(SampleVpc.ID, config.get("VpcId"));
            assertEquals(SampleVpc.PRIVATE_IDS, config.get("Subnets"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPreflightInTheNetworkStackChecksEverySubnetBeforeTheClusterStack() {
        final Map<String, Object> check = only(templates.get("Network"), "Custom::VpcPreflight");
        final Map<String, Object> properties = Resources.properties(check);
        assertEquals(SampleVpc.ID, properties.get("VpcId"));
        assertEquals("false", properties.get("TagSubnets"));
        final List<Map<String, String>> privates = (List<Map<String, String>>) properties.get("PrivateSubnets");
        assertEquals(SampleVpc.PRIVATE_IDS, privates.stream().map(s -> s.get("Id")).toList());
        // maxSize 5 over three zones: 2, 2 and 1 t4g.medium nodes of 3 interfaces x 6 addresses, plus 13
        assertEquals(List.of("49", "49", "31"), privates.stream().map(s -> s.get("AddressesNeeded")).toList());
        assertTrue(((List<String>) properties.get("Endpoints")).containsAll(List.of("eks", "eks-auth", "sts",
                "ecr.api", "ecr.dkr", "s3", "logs", "monitoring")));
        assertTrue(deployment.cluster().getDependencies().contains(deployment.network()));
        // without tagSubnets the function may only read
        templates.get("Network").hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Action", List.of(
                        "ec2:DescribeRouteTables", "ec2:DescribeSubnets", "ec2:DescribeVpcEndpoints"),
                        "Resource", "*"))))))));
        assertFalse(templates.get("Network").toJSON().toString().contains("ec2:CreateTags"));
    }

    @Test
    void withTagSubnetsThePreflightMayTagExactlyTheGivenSubnets() {
        final Map<String, Object> vpc = SampleVpc.object();
        vpc.put("tagSubnets", true);
        final Template network = Synthesized.template(SampleVpc.context(vpc).deploy().network());
        final List<Object> arns = new java.util.ArrayList<>();
        for (final String subnet : concat(SampleVpc.PRIVATE_IDS, SampleVpc.PUBLIC_IDS)) {
            arns.add(Map.of("Fn::Join", List.of("", List.of("arn:aws:ec2:us-east-2:", Map.of("Ref", "AWS::AccountId"),
                    ":subnet/" + subnet))));
        }
        network.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Map.of("Action", List.of("ec2:CreateTags", "ec2:DeleteTags"),
                        "Effect", "Allow", "Resource", arns)))))));
        network.hasResourceProperties("Custom::VpcPreflight", Match.objectLike(Map.of("TagSubnets", "true")));
    }

    private static List<String> concat(final List<String> a, final List<String> b) {
        final List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void cdksSubnetTaggingWarningIsAnsweredByThePreflight() {
        Synthesized.hasNoWarning(deployment.cluster(), "*", ".*auto-tag.*");
    }

    @Test
    void theEstimateDropsTheNatAndFlowLogLinesItNoLongerPaysForAndSaysSo() {
        final CostEstimate own = TestContext.defaults().estimate();
        final CostEstimate borrowed = SampleVpc.context(SampleVpc.object()).estimate();
        final List<String> items = borrowed.lines().stream().map(CostEstimate.Line::item).toList();
        assertTrue(own.lines().stream().anyMatch(l -> l.item().equals("NAT gateways")));
        assertFalse(items.contains("NAT gateways"), items::toString);
        assertTrue(items.contains("Logs: control plane"), items::toString);
        assertTrue(borrowed.assumptions().stream().anyMatch(a -> a.startsWith("Existing VPC " + SampleVpc.ID
                + ": its NAT gateways, their addresses and its flow logs are its owner's bill")));
        final CostEstimate.Line addresses = borrowed.lines().stream()
                .filter(l -> l.item().equals("Public IPv4 addresses")).findFirst().orElseThrow();
        assertEquals("6 load balancer", addresses.quantity());
        final BigDecimal nat = own.lines().stream().filter(l -> l.item().equals("NAT gateways")).findFirst()
                .orElseThrow().hourly();
        final BigDecimal natAddress = own.lines().stream().filter(l -> l.item().equals("Public IPv4 addresses"))
                .findFirst().orElseThrow().hourly().subtract(addresses.hourly());
        assertEquals(0, own.hourlyTotal().subtract(nat).subtract(natAddress).compareTo(borrowed.hourlyTotal()),
                "the same but for the NAT gateway and its address");
    }

    @Test
    void synthLooksNothingUp() {
        final App app = (App) deployment.network().getNode().getScope();
        assertTrue(app.synth().getManifest().getMissing() == null || app.synth().getManifest().getMissing().isEmpty(),
                "context lookups at synth");
    }

    @Test
    void theSubnetsAreUsedInTheConfiguredZonesOrderWhateverOrderTheyAreListedIn() {
        final Map<String, Object> vpc = SampleVpc.object();
        @SuppressWarnings("unchecked")
        final List<Object> privates = (List<Object>) vpc.get("privateSubnets");
        vpc.put("privateSubnets", List.of(privates.get(2), privates.get(0), privates.get(1)));
        final Deployment reordered = SampleVpc.context(vpc).deploy();
        assertEquals(SampleVpc.PRIVATE_IDS, reordered.network().getVpc().getPrivateSubnets().stream()
                .map(s -> s.getSubnetId()).toList());
        assertEquals(List.of("us-east-2a", "us-east-2b", "us-east-2c"), reordered.network().getVpc().getPrivateSubnets()
                .stream().map(s -> s.getAvailabilityZone()).toList());
    }

    @Test
    void everyTooSmallSubnetIsReportedAtOnce() {
        final Map<String, Object> vpc = SampleVpc.object();
        for (int i = 0; i < 3; i++) {
            final Map<String, Object> subnet = SampleVpc.subnet(vpc, "privateSubnets", i);
            subnet.put("cidr", ((String) subnet.get("cidr")).replace("/19", "/27"));
        }
        final List<String> errors = assertThrows(ConfigException.class, () -> SampleVpc.context(vpc).load()).errors();
        final Set<String> paths = new TreeSet<>();
        errors.forEach(e -> paths.add(e.substring(0, e.indexOf(" is "))));
        assertEquals(Set.of("vpc.privateSubnets[0].cidr", "vpc.privateSubnets[1].cidr", "vpc.privateSubnets[2].cidr"),
                paths, errors::toString);
    }

    private static Map<String, Object> only(final Template template, final String type) {
        final Map<String, Map<String, Object>> found = Resources.ofType(template, type);
        assertEquals(1, found.size(), type);
        return found.values().iterator().next();
    }

    private static List<Map<String, Object>> all(final String type) {
        return templates.values().stream().flatMap(t -> Resources.ofType(t, type).values().stream()).toList();
    }
}
