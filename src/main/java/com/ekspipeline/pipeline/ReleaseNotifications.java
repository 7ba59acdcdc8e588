package com.ekspipeline.pipeline;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.PipelineNotificationEvents;
import software.amazon.awscdk.services.codepipeline.PipelineNotifyOnOptions;
import software.amazon.awscdk.services.codestarnotifications.DetailType;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;

import java.util.List;
import java.util.Optional;

/**
 * Tells a person what the pipeline did: a CodeStar Notifications rule sends failed and succeeded
 * executions, failed stages (each of which rolls back) and approvals waiting to an encrypted SNS topic,
 * which {@code notificationEmail} subscribes to. The topic's key is the app's own: CodeStar Notifications
 * cannot use the AWS-managed SNS key, whose policy cannot let it in.
 * https://docs.aws.amazon.com/dtconsole/latest/userguide/set-up-sns.html
 */
final class ReleaseNotifications {

    /** What the rule sends; a rollback runs as an execution of its own and reports as one. */
    static final List<PipelineNotificationEvents> EVENTS = List.of(
            PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
            PipelineNotificationEvents.PIPELINE_EXECUTION_SUCCEEDED,
            PipelineNotificationEvents.STAGE_EXECUTION_FAILED,
            PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED);

    /**
     * @param appName names the topic and the notification rule
     * @param email   who is emailed; empty: nobody, and synth warns
     * @param alarms  whether the app's alarms publish here too (observability on)
     */
    record Props(String appName, Optional<String> email, boolean alarms) {
    }

    private final Topic topic;
    private final Key key;
    private boolean alarmsAdmitted;

    ReleaseNotifications(final Stack scope, final Props props, final Pipeline pipeline) {
        key = Key.Builder.create(scope, "NotificationsKey")
                .description("Encrypts " + props.appName() + "'s pipeline notifications")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        topic = Topic.Builder.create(scope, "Notifications")
                .displayName(props.appName() + " pipeline")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        props.email().ifPresentOrElse(email -> topic.addSubscription(new EmailSubscription(email)),
                () -> Annotations.of(scope).addWarningV2("eks-pipeline:noNotificationEmail", "No one is told when "
                        + "a release fails, rolls back or waits for approval" + (props.alarms() ? ", or when an alarm "
                        + "fires" : "") + ": set notificationEmail to subscribe an address to the pipeline's "
                        + "notification topic."));
        // Making the topic the rule's target lets the notifications service publish to it (topic policy)
        // and use its key (key policy). Rule names are unique in the account, so it is named for the app:
        // CDK's default, from the construct path, is the same in every app.
        // https://docs.aws.amazon.com/codestar-notifications/latest/APIReference/API_CreateNotificationRule.html
        pipeline.notifyOn("ReleaseEvents", topic, PipelineNotifyOnOptions.builder()
                .notificationRuleName(ruleName(props.appName()))
                .events(EVENTS)
                .detailType(DetailType.FULL)
                .build());
    }

    /** The notification rule's name, unique in the account as long as the app's name is. */
    static String ruleName(final String appName) {
        return appName + "-releases";
    }

    String topicArn() {
        return topic.getTopicArn();
    }

    /**
     * Lets the app's CloudWatch alarms publish here: the topic's policy admits CloudWatch for alarms of
     * this account named {@code alarmNamePrefix*}, and the key's lets CloudWatch encrypt what it sends.
     * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
     * Called by each part that alarms here; the statements are added once.
     */
    Topic admitAlarms(final String alarmNamePrefix) {
        if (alarmsAdmitted) {
            return topic;
        }
        alarmsAdmitted = true;
        AlarmTopic.admit(key, topic, alarmNamePrefix);
        return topic;
    }
}
