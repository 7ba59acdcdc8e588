package com.ekspipeline.core;

import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * A Lambda function's own role and its own log group, which only that role may write: the start of
 * every function of the app that needs no more than its logs and the grants its caller adds.
 *
 * @param logs the group the function logs to, deleted with its stack ({@link OwnedLogGroup})
 * @param role the function's role, allowed to write to {@code logs} and nothing else yet
 */
public record FunctionIdentity(LogGroup logs, Role role) {

    /** Construct IDs are the caller's, so that resources built before keep their logical IDs. */
    public static FunctionIdentity create(final Construct scope, final String logsId, final String roleId,
                                          final String description) {
        final LogGroup logs = OwnedLogGroup.create(scope, logsId);
        final Role role = Role.Builder.create(scope, roleId)
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(description)
                .build();
        logs.grantWrite(role);
        return new FunctionIdentity(logs, role);
    }
}
