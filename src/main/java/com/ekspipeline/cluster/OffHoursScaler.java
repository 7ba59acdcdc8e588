package com.ekspipeline.cluster;

import com.ekspipeline.config.OffHoursConfig;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.OwnedLogGroup;
import com.ekspipeline.core.PythonFunction;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.TimeZone;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.eks.CfnAccessEntry;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.scheduler.CronOptionsWithTimezone;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleGroup;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.constructs.Construct;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Off-hours scale-down: two schedules invoke {@code lambda/off_hours}, which at {@code scaleDownAt}
 * parks the cluster autoscaler and sets every node group to zero nodes, and at {@code scaleUpAt} on the
 * configured days restores the configured sizes and the autoscaler. With Karpenter it sets the NodePools'
 * limits to zero and deletes their NodeClaims, then restores the limits; the system group keeps running.
 *
 * <p>The autoscaler (or the NodePools' limits) must stop first, or nodes would come back for the pods the
 * scale-down leaves pending. The function reaches the Kubernetes API through the private endpoint, as a group
 * that RBAC allows only what {@link OffHoursTarget} lists.
 */
public final class OffHoursScaler extends Construct {

    /** The custom resource whose delete restores the nodes before the namespaces go. */
    static final String RESTORE_TYPE = "Custom::RestoreNodesBeforeDelete";

    /** The Kubernetes group the function's access entry maps it to. */
    static final String KUBERNETES_GROUP = "off-hours-scaler";

    /**
     * @param target     what the function parks and restores: node groups and the autoscaler, or NodePools
     * @param vpc        the function runs in its private subnets, to reach the cluster's private endpoint
     * @param hours      when the nodes stop and start
     * @param alarmNames the alarms parked nodes would set off, silent while the nodes are parked; may be empty
     * @param appName    names the function and the schedules' group, which the pipeline stack watches
     */
    public OffHoursScaler(final Construct scope, final String id, final ClusterInfo info,
                          final OffHoursTarget target, final IVpc vpc, final OffHoursConfig hours,
                          final List<String> alarmNames, final String appName) {
        super(scope, id);
        final Cluster cluster = info.cluster();
        final String clusterName = info.name();
        final Stack stack = Stack.of(this);
        final LogGroup logs = OwnedLogGroup.create(this, "Logs");
        final Role role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Off-hours scale-down of " + clusterName + ": " + target.parked())
                .managedPolicies(List.of(
                        ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole")))
                .build();
        logs.grantWrite(role);
        final String eks = "arn:" + stack.getPartition() + ":eks:" + stack.getRegion() + ":" + stack.getAccount();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadCluster")
                .actions(List.of("eks:DescribeCluster"))
                .resources(List.of(eks + ":cluster/" + clusterName))
                .build());
        if (!target.nodeGroupNames().isEmpty()) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("ResizeNodeGroups")
                    .actions(List.of("eks:DescribeNodegroup", "eks:UpdateNodegroupConfig"))
                    // A node group's ARN ends in an ID EKS assigns; the names are fixed by config.
                    .resources(target.nodeGroupNames().stream()
                            .map(name -> eks + ":nodegroup/" + clusterName + "/" + name + "/*").toList())
                    .build());
        }

        final Map<String, String> environment = new TreeMap<>(target.environment());
        environment.put("CLUSTER_NAME", clusterName);
        if (!alarmNames.isEmpty()) {
            // The alarms live in a later stack (the pipeline, or the stage's access stack): named, not referenced.
            environment.put("ALARM_NAMES", OffHoursTarget.json(alarmNames));
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("SilenceAlarmsWhileParked")
                    .actions(List.of("cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions",
                            "cloudwatch:SetAlarmState"))
                    .resources(alarmNames.stream().map(n -> "arn:" + stack.getPartition() + ":cloudwatch:"
                            + stack.getRegion() + ":" + stack.getAccount() + ":alarm:" + n).toList())
                    .build());
        }
        final SecurityGroup securityGroup = VpcFunctionSecurityGroup.create(this, "SecurityGroup", vpc,
                "Off-hours scaler of " + clusterName + ": HTTPS to the cluster private endpoint and AWS APIs");
        final Function function = PythonFunction.builder(this, "Function", "off_hours", "off_hours.handler")
                .functionName(OffHoursConfig.functionName(appName))
                .role(role)
                .description("Scales " + clusterName + "'s " + (target.nodeGroupNames().isEmpty() ? "NodePools"
                        : "node groups") + " to zero outside working hours and back")
                // Lambda's longest: a destroy waits in it for a node to become Ready (a few minutes).
                .timeout(Duration.minutes(15))
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .securityGroups(List.of(securityGroup))
                .environment(environment)
                .logGroup(logs)
                .build();
        VpcFunctionSecurityGroup.reachEndpoint(this, "ToEndpoint", securityGroup, cluster, function);

        final CfnAccessEntry access = CfnAccessEntry.Builder.create(this, "Access")
                .clusterName(cluster.getClusterName())
                .principalArn(role.getRoleArn())
                .type("STANDARD")
                .kubernetesGroups(List.of(KUBERNETES_GROUP))
                .build();
        @SuppressWarnings("unchecked")
        final KubernetesManifest rbac = info.addManifest("OffHoursRbac", target.rbac().toArray(Map[]::new));

        // A destroy while the nodes are parked: the namespaces are deleted after this, and its delete
        // starts the nodes and waits for a Ready one, so the controllers that release the namespaces'
        // load balancers and volumes have somewhere to run (with Karpenter it restores the NodePools' limits
        // and waits for nothing: the system group never stopped). CloudFormation sends it Create, Update and
        // Delete and waits up to an hour for the answer; the function answers within its 15 minutes.
        final CustomResource restore = CustomResource.Builder.create(this, "RestoreBeforeDelete")
                .serviceToken(function.getFunctionArn())
                .resourceType(RESTORE_TYPE)
                .build();
        restore.getNode().addDependency(access, rbac, role);
        info.order().deletedBeforeNamespaces(restore);

        final TimeZone zone = TimeZone.of(hours.timeZone().getId());
        final String everyDay = "*";
        // A group of their own: Scheduler counts the invocations it gave up on per group
        // (InvocationDroppedCount), and the pipeline stack alarms on this group's count.
        // https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html
        final ScheduleGroup group = ScheduleGroup.Builder.create(this, "Schedules")
                .scheduleGroupName(OffHoursConfig.scheduleGroupName(appName))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        final Schedule down = schedule(function, group, "ScaleDown", "stop", hours.scaleDownAt(), everyDay, zone,
                clusterName);
        final Schedule up = schedule(function, group, "ScaleUp", "start", hours.scaleUpAt(), days(hours.scaleUpDays()),
                zone, clusterName);
        down.getNode().addDependency(access);
        up.getNode().addDependency(access);

        Nag.suppress(role, "AwsSolutions-IAM4", "AWS's policy for a Lambda function in a VPC: its logs and the "
                + "network interfaces Lambda creates in the private subnets.",
                Nag.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole"));
        if (!target.nodeGroupNames().isEmpty()) {
            Nag.suppress(role, "AwsSolutions-IAM5", "A node group ARN ends in an ID EKS assigns at creation; the "
                    + "cluster and node group names before it are fixed by config.",
                    Nag.matching("^Resource::arn:aws:eks:.*:nodegroup/" + clusterName + "/[^/*]+/\\*$"));
        }
        Nag.suppress(Nag.childStartingWith(stack, "SchedulerRoleForTarget"), "AwsSolutions-IAM5", "The schedules' "
                + "role may invoke the off-hours function and its versions (the :* suffix), nothing else.",
                Nag.matching("^Resource::<OffHoursFunction[0-9A-F]+\\.Arn>:\\*$"));
        // What it scales must exist before it may act, and outlive its restore-before-delete.
        getNode().addDependency(target.prerequisite());
    }

    private Schedule schedule(final Function function, final ScheduleGroup group, final String id, final String action,
                              final LocalTime at, final String weekDays, final TimeZone zone, final String clusterName) {
        final Schedule schedule = Schedule.Builder.create(this, id)
                .scheduleGroup(group)
                .description((action.equals("stop") ? "Scales " + clusterName + "'s nodes to zero"
                        : "Starts " + clusterName + "'s nodes") + " at " + at + " " + zone.getTimezoneName())
                .schedule(ScheduleExpression.cron(CronOptionsWithTimezone.builder()
                        .minute(String.valueOf(at.getMinute()))
                        .hour(String.valueOf(at.getHour()))
                        .weekDay(weekDays)
                        .timeZone(zone)
                        .build()))
                .target(LambdaInvoke.Builder.create(function)
                        .input(ScheduleTargetInput.fromObject(Map.of("action", action)))
                        .retryAttempts(2)
                        .maxEventAge(Duration.hours(1))
                        .build())
                .build();
        // CDK writes the group's literal name, which orders nothing: created after it, deleted before it.
        schedule.getNode().addDependency(group);
        return schedule;
    }

    /** Scheduler's cron day list, e.g. MON,TUE,WED,THU,FRI. */
    private static String days(final List<DayOfWeek> days) {
        return days.stream().map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ROOT).toUpperCase(Locale.ROOT))
                .collect(Collectors.joining(","));
    }
}
