package com.ekspipeline.pipeline;

import com.ekspipeline.core.FunctionIdentity;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.PythonFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether production answers, seen from outside: every five minutes {@code lambda/smoke_test}'s
 * {@code probe_handler} finds the URL the last successful production deploy exported, GETs the page once
 * and publishes {@code EksPipeline/ServiceReachable} (1 or 0). Before the first release it publishes
 * nothing, which is what lets the "service unreachable" alarm exist from the first deploy without
 * alarming while nothing is deployed.
 */
final class ServiceProbe extends Construct {

    static final String NAMESPACE = "EksPipeline";
    static final String METRIC = "ServiceReachable";

    private final Metric reachable;

    ServiceProbe(final Construct scope, final String id, final String appName, final String pipelineName) {
        super(scope, id);
        final Stack stack = Stack.of(this);
        final FunctionIdentity identity = FunctionIdentity.create(this, "Logs", "Role",
                "The service probe: reads the pipeline's deploys and publishes one metric");
        final Role role = identity.role();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("codepipeline:ListActionExecutions"))
                .resources(List.of("arn:" + stack.getPartition() + ":codepipeline:" + stack.getRegion() + ":"
                        + stack.getAccount() + ":" + pipelineName))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("cloudwatch:PutMetricData"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", NAMESPACE)))
                .build());
        Nag.suppress(role, "AwsSolutions-IAM5", "cloudwatch:PutMetricData has no resource type, so IAM takes only "
                + "Resource \"*\"; the condition limits it to the EksPipeline namespace.", "Resource::*");
        final Function function = PythonFunction.builder(this, "Function", "smoke_test", "smoke_test.probe_handler")
                .role(role)
                .description("Checks every five minutes that " + appName + "'s production service answers")
                .timeout(Duration.seconds(30))
                .environment(new TreeMap<>(Map.of("PIPELINE_NAME", pipelineName, "APP_NAME", appName,
                        "EXPECT", SmokeTestFunction.EXPECTS)))
                .logGroup(identity.logs())
                .build();
        Rule.Builder.create(this, "Schedule")
                .description("Runs the service probe of " + appName)
                .schedule(Schedule.rate(Duration.minutes(5)))
                .targets(List.of(new LambdaFunction(function)))
                .build();
        reachable = Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(METRIC)
                .dimensionsMap(new TreeMap<>(Map.of("App", appName, "Stage", "production")))
                .statistic("Minimum")
                .period(Duration.minutes(5))
                .build();
    }

    Metric reachable() {
        return reachable;
    }
}
