package com.ekspipeline.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codepipeline.Condition;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.Conditions;
import software.amazon.awscdk.services.codepipeline.Result;
import software.amazon.awscdk.services.codepipeline.Rule;
import software.amazon.awscdk.services.codepipeline.RuleProps;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.iam.PolicyStatement;

import java.util.List;

/**
 * Production's before-entry condition: a release does not enter production while staging's alarm is in
 * ALARM. A V2 stage condition whose CloudWatchAlarm rule fails the stage; CodePipeline checks it when an
 * execution reaches the stage (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html,
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-CloudWatchAlarm.html). In the
 * template: Stages[].BeforeEntry.Conditions[].{Result, Rules[].{Name, RuleTypeId, Configuration}}, as
 * the AWS::CodePipeline::Pipeline schema names them; CDK's StageProps.beforeEntry writes exactly that.
 */
final class ProductionEntry {

    static final String RULE_NAME = "StagingQuiet";

    private ProductionEntry() {
    }

    static StageProps guarded(final StageProps stage, final String alarmName) {
        return StageProps.builder()
                .stageName(stage.getStageName())
                .actions(stage.getActions())
                .onFailure(stage.getOnFailure())
                .beforeEntry(Conditions.builder().conditions(List.of(Condition.builder()
                        .result(Result.FAIL)
                        .rules(List.of(new Rule(RuleProps.builder()
                                .name(RULE_NAME)
                                .provider("CloudWatchAlarm")
                                .version("1")
                                .configuration(JsonNodeFactory.instance.objectNode()
                                        .put("AlarmName", alarmName)
                                        .put("AlarmStates", "ALARM"))
                                .build())))
                        .build())).build())
                .build();
    }

    /**
     * The rule runs as the pipeline's role (the rule declares no RoleArn), which reads the alarm's state: only
     * this alarm's, as the CloudWatchAlarm rule reads it by name.
     */
    static void allowReading(final Pipeline pipeline, final String alarmName) {
        pipeline.getRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadStagingAlarm")
                .actions(List.of("cloudwatch:DescribeAlarms"))
                .resources(List.of(Stack.of(pipeline).formatArn(ArnComponents.builder()
                        .service("cloudwatch").resource("alarm").resourceName(alarmName)
                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())))
                .build());
    }
}
