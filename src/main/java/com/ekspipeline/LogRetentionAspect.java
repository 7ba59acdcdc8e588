package com.ekspipeline;

import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.constructs.IConstruct;

/**
 * Gives every log group of the app the configured retention, including the groups CDK creates for its
 * own Lambda functions (which default to two years).
 */
final class LogRetentionAspect implements IAspect {

    private final int days;

    LogRetentionAspect(final int days) {
        this.days = days;
    }

    @Override
    public void visit(final IConstruct node) {
        if (node instanceof CfnLogGroup group) {
            group.setRetentionInDays(days);
        }
    }
}
