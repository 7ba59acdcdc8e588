package com.ekspipeline.cluster;

import com.ekspipeline.core.Nag;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * Karpenter's interruption queue: EventBridge forwards spot interruption warnings, rebalance recommendations,
 * scheduled health events, instance state changes and capacity reservation interruptions, and Karpenter drains
 * and replaces the affected nodes before EC2 takes them. Queue and rules as Karpenter's getting-started
 * CloudFormation publishes them (KarpenterInterruptionQueue, ScheduledChangeRule, SpotInterruptionRule,
 * RebalanceRule, InstanceStateChangeRule, CapacityReservationInterruptionRule; karpenter.sh/docs/concepts/disruption,
 * "Interruption"): SQS-managed encryption, five minutes' retention. Narrower than published: the queue policy
 * CDK writes admits events.amazonaws.com only from these rules (aws:SourceArn), not any rule nor sqs.amazonaws.com.
 */
final class InterruptionQueue extends Construct {

    /** Each rule's construct ID and the detail-type it forwards, by source. */
    static final Map<String, List<String>> RULES = Map.of(
            "ScheduledChangeRule", List.of("aws.health", "AWS Health Event"),
            "SpotInterruptionRule", List.of("aws.ec2", "EC2 Spot Instance Interruption Warning"),
            "RebalanceRule", List.of("aws.ec2", "EC2 Instance Rebalance Recommendation"),
            "InstanceStateChangeRule", List.of("aws.ec2", "EC2 Instance State-change Notification"),
            "CapacityReservationInterruptionRule", List.of("aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"));

    private final Queue queue;

    InterruptionQueue(final Construct scope, final String id, final ClusterInfo info) {
        super(scope, id);
        queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.minutes(5))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        RULES.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(rule -> Rule.Builder.create(this, rule.getKey())
                .description("Forwards " + rule.getValue().get(1) + " events to Karpenter of " + info.name())
                .eventPattern(EventPattern.builder().source(List.of(rule.getValue().get(0)))
                        .detailType(List.of(rule.getValue().get(1))).build())
                .targets(List.of(new SqsQueue(queue)))
                .build());
        Nag.suppress(queue, "AwsSolutions-SQS3", "Interruption notices are useful for minutes only (five minutes' "
                + "retention, as Karpenter publishes); one Karpenter failed to handle is superseded by the next, so a "
                + "dead-letter queue would hold nothing anyone acts on.");
    }

    Queue queue() {
        return queue;
    }
}
