package com.ekspipeline.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import software.amazon.awscdk.services.codepipeline.Condition;
import software.amazon.awscdk.services.codepipeline.Conditions;
import software.amazon.awscdk.services.codepipeline.Result;
import software.amazon.awscdk.services.codepipeline.Rule;
import software.amazon.awscdk.services.codepipeline.RuleProps;
import software.amazon.awscdk.services.codepipeline.StageProps;

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
}
