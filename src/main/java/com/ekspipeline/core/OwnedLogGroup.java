package com.ekspipeline.core;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * A log group owned by its stack, so that {@code cdk destroy} deletes it; {@link LogGroupsAspect} gives it
 * the configured retention. Without one, a Lambda function or CodeBuild project creates its group on
 * first run, outside any stack, with no retention.
 */
public final class OwnedLogGroup {

    private OwnedLogGroup() {
    }

    public static LogGroup create(final Construct scope, final String id) {
        return LogGroup.Builder.create(scope, id).removalPolicy(RemovalPolicy.DESTROY).build();
    }
}
