package com.ekspipeline.pipeline;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An encrypted SNS topic that the app's CloudWatch alarms publish to. The pipeline's notification topic is
 * one; with {@code stages}, each stage's account has one more for the alarms there, as an alarm's actions
 * name topics of its own account.
 */
final class AlarmTopic {

    private AlarmTopic() {
    }

    /**
     * A topic of its own for the alarms named {@code <name>-...} in {@code scope}'s account, which {@code email}
     * subscribes to.
     */
    static Topic create(final Construct scope, final String name, final Optional<String> email) {
        final Key key = Key.Builder.create(scope, "AlarmsKey")
                .description("Encrypts " + name + "'s alarm notifications")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        final Topic topic = Topic.Builder.create(scope, "Alarms")
                .displayName(name + " alarms")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        email.ifPresent(address -> topic.addSubscription(new EmailSubscription(address)));
        admit(key, topic, name + "-");
        return topic;
    }

    /**
     * Lets CloudWatch alarms of the topic's account named {@code alarmNamePrefix*} publish to it: the topic's
     * policy admits CloudWatch for them, and the key's lets CloudWatch encrypt what it sends.
     * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
     */
    static void admit(final Key key, final Topic topic, final String alarmNamePrefix) {
        final Stack stack = Stack.of(topic);
        final ServicePrincipal cloudwatch = new ServicePrincipal("cloudwatch.amazonaws.com");
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarms")
                .principals(List.of(cloudwatch))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .build());
        topic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarms")
                .principals(List.of(cloudwatch))
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(Map.of(
                        "ArnLike", Map.of("aws:SourceArn", "arn:" + stack.getPartition() + ":cloudwatch:"
                                + stack.getRegion() + ":" + stack.getAccount() + ":alarm:" + alarmNamePrefix + "*"),
                        "StringEquals", Map.of("aws:SourceAccount", stack.getAccount())))
                .build());
    }
}
