package com.ekspipeline.network;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ExistingVpc;
import com.ekspipeline.config.VpcCapacityRules;
import com.ekspipeline.core.FunctionIdentity;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.PythonFunction;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deploy-time check of an existing VPC ({@code lambda/vpc_preflight}): the subnets exist as configured,
 * have the free addresses the worst case needs, reach the internet through NAT or have the endpoints a
 * private cluster needs, and carry the load balancer tags (or, with {@code tagSubnets}, get them and lose
 * exactly those on delete). It lives in the Network stack, which the Cluster stack follows, so a problem
 * fails the deploy in a minute instead of fifteen minutes into the cluster create.
 */
final class VpcPreflight extends Construct {

    static final String TYPE = "Custom::VpcPreflight";

    /**
     * The endpoints nodes, the kubectl handler, off-hours and the deploy builds need in a VPC without
     * internet egress (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html); s3 is the
     * gateway endpoint, the rest interface endpoints.
     */
    static final List<String> ENDPOINTS = List.of("ec2", "ecr.api", "ecr.dkr", "s3", "logs", "sts", "eks",
            "eks-auth", "elasticloadbalancing", "autoscaling");
    /** Container Insights' agent publishes metrics to CloudWatch. */
    static final String METRICS_ENDPOINT = "monitoring";

    VpcPreflight(final Construct scope, final String id, final AppConfig config, final ExistingVpc vpc) {
        super(scope, id);
        final FunctionIdentity identity = FunctionIdentity.create(this, "Logs", "Role",
                "Checks the existing VPC " + vpc.id() + " before " + config.appName() + "'s cluster is created");
        identity.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeVpcEndpoints"))
                // EC2's Describe calls support no resource-level permissions: IAM accepts only "*".
                .resources(List.of("*"))
                .build());
        Nag.suppress(identity.role(), "AwsSolutions-IAM5", "ec2:DescribeSubnets, DescribeRouteTables and "
                + "DescribeVpcEndpoints support no resource-level permissions, so IAM accepts only Resource \"*\"; "
                + "they only read.", "Resource::*");
        if (vpc.tagSubnets()) {
            final Stack stack = Stack.of(this);
            final List<String> subnets = new ArrayList<>();
            for (final ExistingVpc.Subnet subnet : all(vpc)) {
                subnets.add("arn:" + stack.getPartition() + ":ec2:" + config.region() + ":" + stack.getAccount()
                        + ":subnet/" + subnet.id());
            }
            identity.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("ec2:CreateTags", "ec2:DeleteTags"))
                    .resources(subnets)
                    .build());
        }
        final Function function = PythonFunction.builder(this, "Function", "vpc_preflight", "vpc_preflight.handler")
                .role(identity.role())
                .description("Checks the existing VPC " + vpc.id() + " for " + config.appName() + "'s cluster")
                .timeout(Duration.minutes(2))
                .logGroup(identity.logs())
                .build();
        final List<String> endpoints = new ArrayList<>(ENDPOINTS);
        if (config.observability().enabled()) {
            endpoints.add(METRICS_ENDPOINT);
        }
        final Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("VpcId", vpc.id());
        properties.put("Region", config.region());
        properties.put("AppName", config.appName());
        properties.put("TagSubnets", String.valueOf(vpc.tagSubnets()));
        properties.put("Endpoints", endpoints);
        properties.put("PrivateSubnets", subnets(vpc.privateSubnets(), config, true));
        properties.put("PublicSubnets", subnets(vpc.publicSubnets(), config, false));
        CustomResource.Builder.create(this, "Check")
                .serviceToken(function.getFunctionArn())
                .resourceType(TYPE)
                .properties(properties)
                .build();
    }

    private static List<Map<String, String>> subnets(final List<ExistingVpc.Subnet> subnets, final AppConfig config,
                                                     final boolean withNodes) {
        final List<String> zones = config.availabilityZones();
        final List<Map<String, String>> result = new ArrayList<>();
        for (final ExistingVpc.Subnet subnet : subnets) {
            final long needed = withNodes ? VpcCapacityRules.need(config.cluster().nodeGroups(), zones.size(),
                    zones.indexOf(subnet.zone())).orElseThrow().total() : 0;
            result.add(Map.of("Id", subnet.id(), "Zone", subnet.zone(), "Cidr", subnet.cidr().toString(),
                    "RouteTableId", subnet.routeTableId(), "AddressesNeeded", String.valueOf(needed)));
        }
        return result;
    }

    private static List<ExistingVpc.Subnet> all(final ExistingVpc vpc) {
        final List<ExistingVpc.Subnet> all = new ArrayList<>(vpc.privateSubnets());
        all.addAll(vpc.publicSubnets());
        return all;
    }
}
