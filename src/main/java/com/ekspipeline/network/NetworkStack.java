package com.ekspipeline.network;

import com.ekspipeline.budget.MonthlyBudget;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.BillingConfig;
import com.ekspipeline.core.AppStack;
import com.ekspipeline.core.OwnedLogGroup;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The VPC the cluster and the deploy projects live in: public subnets for load balancers and NAT, large
 * private subnets for nodes and pods (the VPC CNI gives every pod a VPC address), flow logs, and an S3
 * gateway endpoint so image layers and artifacts do not pay NAT processing.
 */
public final class NetworkStack extends AppStack {

    /** Subnet tag the AWS Load Balancer Controller uses to place internet-facing load balancers. */
    public static final String PUBLIC_ELB_TAG = "kubernetes.io/role/elb";
    /** Subnet tag the AWS Load Balancer Controller uses to place internal load balancers. */
    public static final String INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb";

    /** CloudFormation's own validation warns about zones written into a template. */
    static final String FIXED_ZONES_WARNING = "CloudFormation-Validate::W3010";

    private final IVpc vpc;

    public NetworkStack(final Construct scope, final String id, final AppConfig config) {
        this(scope, id, config, Optional.of(config.appName()));
    }

    /**
     * @param budgetOf the app whose monthly budget this stack holds, named {@code <app>-monthly}; empty: another
     *                 stack of the same account holds it (a budget watches the whole account's spend, so one
     *                 per account is enough, and a second would email the same spend twice)
     */
    public NetworkStack(final Construct scope, final String id, final AppConfig config, final Optional<String> budgetOf) {
        super(scope, id, config, "network", config.network().existing()
                .map(existing -> "The budget of " + config.appName() + ", whose cluster uses the existing VPC "
                        + existing.id() + " (nothing of the network is created)")
                .orElse("VPC across " + config.availabilityZones().size()
                        + " availability zones for the EKS cluster and its pipeline (" + config.appName() + ")"));

        this.vpc = config.network().existing()
                .map(existing -> ExistingVpcImport.create(this, existing, config.availabilityZones()))
                .orElseGet(() -> ownVpc(config));
        config.network().existing().ifPresent(existing -> new VpcPreflight(this, "VpcPreflight", config, existing));

        // The budget lives in the stack deployed first and destroyed last, so it watches every other one.
        final BillingConfig billing = config.billing();
        budgetOf.ifPresent(app -> MonthlyBudget.orWarning(this, app, billing));
    }

    /** The app's own VPC: public and private subnets in every zone, NAT, flow logs, an S3 endpoint. */
    private Vpc ownVpc(final AppConfig config) {
        final LogGroup flowLogs = OwnedLogGroup.create(this, "FlowLogs");

        final int prefix = config.network().vpcCidr().prefix();
        final Vpc vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr(config.network().vpcCidr().toString()))
                .availabilityZones(config.availabilityZones())
                .natGateways(config.network().natGateways())
                .subnetConfiguration(List.of(
                        // Small: only load balancers and NAT gateways live here.
                        SubnetConfiguration.builder().name("Public").subnetType(SubnetType.PUBLIC)
                                .cidrMask(prefix + 8).mapPublicIpOnLaunch(false).build(),
                        // Large: every pod takes an address from these subnets.
                        SubnetConfiguration.builder().name("Private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(prefix + 3).build()))
                .gatewayEndpoints(Map.of("S3", GatewayVpcEndpointOptions.builder()
                        .service(GatewayVpcEndpointAwsService.S3).build()))
                .flowLogs(Map.of("All", FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                        .trafficType(FlowLogTrafficType.ALL)
                        .build()))
                .build();

        vpc.getPublicSubnets().forEach(subnet -> Tags.of(subnet).add(PUBLIC_ELB_TAG, "1"));
        vpc.getPrivateSubnets().forEach(subnet -> Tags.of(subnet).add(INTERNAL_ELB_TAG, "1"));
        // Zones fixed in config are the design: synth needs no lookup and gives the same template everywhere.
        Validations.of(vpc).acknowledge(Acknowledgment.builder().id(FIXED_ZONES_WARNING)
                .reason("availability zones are fixed in config so that synth needs no lookup").build());
        return vpc;
    }

    public IVpc getVpc() {
        return vpc;
    }
}
