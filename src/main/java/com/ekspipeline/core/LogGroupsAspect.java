package com.ekspipeline.core;

import com.ekspipeline.catalog.LogRetention;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.util.Map;

/**
 * Every log group of the app keeps logs for the configured days and is deleted by {@code cdk destroy}.
 *
 * <p>That includes the groups of CDK's own Lambda functions. Most create their group in the template,
 * but the handlers of CDK's custom resource providers (VPC default security group, S3 auto-delete,
 * bucket notifications, CfnJson) would let Lambda create {@code /aws/lambda/<name>} on first run, with no
 * retention and outside any stack, so it would outlive the app. Those are pointed at a group of their own.
 */
public final class LogGroupsAspect implements IAspect {

    private static final String FUNCTION = "AWS::Lambda::Function";

    private final int days;

    public LogGroupsAspect(final int days) {
        this.days = days;
    }

    @Override
    public void visit(final IConstruct node) {
        if (node instanceof CfnLogGroup group) {
            group.setRetentionInDays(days);
        } else if (node instanceof CfnResource function && FUNCTION.equals(function.getCfnResourceType())
                && !logsToAGroupOfItsOwn(function)) {
            final LogGroup group = LogGroup.Builder.create((Construct) function.getNode().getScope(),
                            function.getNode().getId() + "LogGroup")
                    .retention(LogRetention.of(days))
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            function.addPropertyOverride("LoggingConfig.LogGroup", group.getLogGroupName());
            function.addDependency((CfnResource) group.getNode().getDefaultChild());
        }
    }

    /** A group set in its logging config, the managed {@code LogGroup} CDK puts beside a Function, or ours. */
    private static boolean logsToAGroupOfItsOwn(final CfnResource function) {
        if (function instanceof CfnFunction cfn && cfn.getLoggingConfig() != null) {
            final Object config = Stack.of(cfn).resolve(cfn.getLoggingConfig());
            if (config instanceof Map<?, ?> map && (map.get("logGroup") != null || map.get("LogGroup") != null)) {
                return true;
            }
        }
        final var siblings = function.getNode().getScope().getNode();
        // The second check keeps the aspect idempotent when the app is synthesized more than once.
        return siblings.tryFindChild("LogGroup") instanceof ILogGroup
                || siblings.tryFindChild(function.getNode().getId() + "LogGroup") instanceof ILogGroup;
    }
}
