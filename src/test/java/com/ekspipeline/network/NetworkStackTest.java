package com.ekspipeline.network;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Snapshots;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class NetworkStackTest {

    private static Template template;

    @BeforeAll
    static void synth() {
        template = Synthesized.template(Synths.defaults().network());
    }

    @Test
    void vpcUsesTheConfiguredCidr() {
        template.hasResourceProperties("AWS::EC2::VPC", Map.of(
                "CidrBlock", "10.0.0.0/16",
                "EnableDnsHostnames", true,
                "EnableDnsSupport", true));
    }

    @Test
    void subnetsSpanExactlyTheConfiguredZonesWithoutLookups() {
        final List<String> zones = Resources.ofType(template, "AWS::EC2::Subnet").values().stream()
                .map(subnet -> Resources.properties(subnet).get("AvailabilityZone").toString())
                .sorted().toList();
        assertEquals(List.of("us-east-2a", "us-east-2a", "us-east-2b", "us-east-2b", "us-east-2c", "us-east-2c"),
                zones);
        assertFalse(template.toJSON().toString().contains("dummy"), "a lookup fell back to dummy values");
    }

    @Test
    void publicSubnetsAreTaggedForInternetFacingLoadBalancers() {
        template.resourcePropertiesCountIs("AWS::EC2::Subnet", Map.of(
                "MapPublicIpOnLaunch", false,
                "Tags", Match.arrayWith(List.of(Map.of("Key", NetworkStack.PUBLIC_ELB_TAG, "Value", "1")))), 3);
    }

    @Test
    void privateSubnetsAreTaggedForInternalLoadBalancersAndAreLarge() {
        template.resourcePropertiesCountIs("AWS::EC2::Subnet", Map.of(
                "CidrBlock", Match.stringLikeRegexp("10\\.0\\.\\d+\\.0/19"),
                "Tags", Match.arrayWith(List.of(Map.of("Key", NetworkStack.INTERNAL_ELB_TAG, "Value", "1")))), 3);
    }

    @Test
    void oneNatGatewayByDefault() {
        template.resourceCountIs("AWS::EC2::NatGateway", 1);
    }

    @Test
    void s3GatewayEndpointServesPrivateSubnets() {
        template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of(
                "VpcEndpointType", "Gateway",
                "ServiceName", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(".s3"))))))));
    }

    @Test
    void flowLogsGoToALogGroupDeletedWithTheStack() {
        template.hasResourceProperties("AWS::EC2::FlowLog", Map.of(
                "TrafficType", "ALL",
                "LogDestinationType", "cloud-watch-logs"));
        template.hasResource("AWS::Logs::LogGroup", Map.of(
                "Properties", Map.of("RetentionInDays", 30),
                "DeletionPolicy", "Delete",
                "UpdateReplacePolicy", "Delete"));
    }

    @Test
    void everyTaggableResourceCarriesTheAppTag() {
        template.hasResourceProperties("AWS::EC2::VPC", Map.of(
                "Tags", Match.arrayWith(List.of(Map.of("Key", "app", "Value", "eks-pipeline")))));
    }

    @Test
    void matchesSnapshot() {
        Snapshots.assertMatches("Network", template);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithANatGatewayPerZone {

        private Template perZone;

        @BeforeAll
        void synth() {
            perZone = Synthesized.template(TestContext.defaults().with("natGateways", "3").deploy().network());
        }

        @Test
        void eachZoneGetsItsOwnNatGateway() {
            perZone.resourceCountIs("AWS::EC2::NatGateway", 3);
        }
    }

    @Test
    void withoutABudgetEmailThereIsNoBudgetAndSynthSaysSo() {
        template.resourceCountIs("AWS::Budgets::Budget", 0);
        Synthesized.hasWarning(Synths.defaults().network(), "/Network",
                "No budget alarm: set budgetEmail to be emailed when the account's spend passes 50%, 80%, 100% of "
                        + "monthlyBudgetUsd \\(\\$400\\) in a month\\..*");
    }

    @Test
    void aBudgetEmailGetsAMonthlyBudgetWithAnAlertPerThresholdAndAForecastAlert() {
        final Template budgeted = Synthesized.template(TestContext.defaults().with("budgetEmail", "ops@example.com")
                .with("monthlyBudgetUsd", 250).with("budgetAlertPercents", "90,50").deploy().network());
        final Map<String, Object> subscriber = Map.of("SubscriptionType", "EMAIL", "Address", "ops@example.com");
        budgeted.resourceCountIs("AWS::Budgets::Budget", 1);
        budgeted.hasResourceProperties("AWS::Budgets::Budget", Map.of(
                "Budget", Map.of("BudgetName", "eks-pipeline-monthly", "BudgetType", "COST", "TimeUnit", "MONTHLY",
                        "BudgetLimit", Map.of("Amount", 250, "Unit", "USD")),
                "NotificationsWithSubscribers", List.of(
                        Map.of("Notification", Map.of("NotificationType", "ACTUAL", "ComparisonOperator", "GREATER_THAN",
                                "Threshold", 50, "ThresholdType", "PERCENTAGE"), "Subscribers", List.of(subscriber)),
                        Map.of("Notification", Map.of("NotificationType", "ACTUAL", "ComparisonOperator", "GREATER_THAN",
                                "Threshold", 90, "ThresholdType", "PERCENTAGE"), "Subscribers", List.of(subscriber)),
                        Map.of("Notification", Map.of("NotificationType", "FORECASTED", "ComparisonOperator",
                                "GREATER_THAN", "Threshold", 100, "ThresholdType", "PERCENTAGE"),
                                "Subscribers", List.of(subscriber)))));
    }
}
