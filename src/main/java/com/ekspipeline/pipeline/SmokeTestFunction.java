package com.ekspipeline.pipeline;

import com.ekspipeline.core.FunctionIdentity;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.PythonFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Function;

/**
 * {@code lambda/smoke_test}: after each deploy, the pipeline invokes it with the stage's URL; it retries
 * the page until it answers with the expected text or the time budget runs out, and reports the result
 * to CodePipeline. Created in the stack's own scope, so the logical IDs stay as deployed.
 */
final class SmokeTestFunction {

    /** The text the sample service's page starts with. */
    static final String EXPECTS = "Hello from";

    private SmokeTestFunction() {
    }

    /** @param budgetSeconds how long it keeps retrying; Lambda's timeout leaves a minute beyond that */
    static Function create(final Stack scope, final int budgetSeconds) {
        // Its own role instead of AWSLambdaBasicExecutionRole: it writes only to its own log group.
        final FunctionIdentity identity = FunctionIdentity.create(scope, "SmokeTestLogs", "SmokeTestRole",
                "The smoke-test Lambda: its own logs, and reporting to CodePipeline");
        final Role role = identity.role();
        Nag.suppress(role, "AwsSolutions-IAM5", "codepipeline:PutJobSuccessResult and PutJobFailureResult "
                + "take no resource (CodePipeline has no job ARNs).", "Resource::*");
        return PythonFunction.builder(scope, "SmokeTest", "smoke_test", "smoke_test.handler")
                .role(role)
                .description("Smoke-tests a stage's service for the pipeline")
                .timeout(Duration.seconds(budgetSeconds + 60L))
                .logGroup(identity.logs())
                .build();
    }
}
