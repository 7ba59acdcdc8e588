package com.ekspipeline.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.codepipeline.CfnPipeline;
import software.amazon.awscdk.services.codepipeline.Condition;
import software.amazon.awscdk.services.codepipeline.IStage;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.Conditions;
import software.amazon.awscdk.services.codepipeline.Result;
import software.amazon.awscdk.services.codepipeline.Rule;
import software.amazon.awscdk.services.codepipeline.RuleProps;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.iam.PolicyStatement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Production's before-entry condition: a release does not enter production while one of staging's alarms is
 * in ALARM: its deploy's, in the pipeline's account, and with observability its cluster's, read in staging's
 * account. A V2 stage condition with one CloudWatchAlarm rule per alarm: "if one rule fails in the condition,
 * then the condition fails", and its FAIL result fails the stage; CodePipeline checks it when an execution
 * reaches the stage (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html,
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-CloudWatchAlarm.html). In the
 * template: Stages[].BeforeEntry.Conditions[].{Result, Rules[].{Name, RuleTypeId, Configuration, Region,
 * RoleArn}}, as the AWS::CodePipeline::Pipeline schema names them; CDK's StageProps.beforeEntry writes that.
 */
final class ProductionEntry {

    static final String RULE_NAME = "StagingQuiet";
    /** A condition holds at most five rules (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_Condition.html). */
    static final int MAX_RULES = 5;

    /**
     * An alarm that keeps a release out of production while it is in ALARM.
     *
     * @param alarmName the alarm
     * @param region    the alarm's region when it is not the pipeline's
     * @param roleArn   the role the rule reads it as, in the alarm's account; empty: the pipeline's own role
     */
    record Watched(String alarmName, Optional<String> region, Optional<String> roleArn) {

        static Watched here(final String alarmName) {
            return new Watched(alarmName, Optional.empty(), Optional.empty());
        }
    }

    private ProductionEntry() {
    }

    /** One rule per alarm, in one condition: if any rule fails (its alarm is in ALARM), the stage is not entered. */
    static StageProps guarded(final StageProps stage, final List<Watched> alarms) {
        if (alarms.size() > MAX_RULES) {
            throw new IllegalStateException("Production's entry condition would hold " + alarms.size() + " rules, more "
                    + "than the " + MAX_RULES + " a CodePipeline condition may hold.");
        }
        final List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < alarms.size(); i++) {
            final Watched alarm = alarms.get(i);
            final RuleProps.Builder rule = RuleProps.builder()
                    .name(i == 0 ? RULE_NAME : alarm.alarmName())
                    .provider("CloudWatchAlarm")
                    .version("1")
                    .configuration(JsonNodeFactory.instance.objectNode()
                            .put("AlarmName", alarm.alarmName())
                            .put("AlarmStates", "ALARM"));
            alarm.region().ifPresent(rule::region);
            rules.add(new Rule(rule.build()));
        }
        return StageProps.builder()
                .stageName(stage.getStageName())
                .actions(stage.getActions())
                .onFailure(stage.getOnFailure())
                .beforeEntry(Conditions.builder().conditions(List.of(Condition.builder()
                        .result(Result.FAIL)
                        .rules(rules)
                        .build())).build())
                .build();
    }

    /**
     * The rules run as the pipeline's role, which reads the alarms in its own account (only these, as the
     * CloudWatchAlarm rule reads each by name) and assumes the role a rule names in another. CDK's Rule takes
     * a role made in the app only, so a rule's role in another account is written into the template here.
     */
    static void allowReading(final Pipeline pipeline, final List<Watched> alarms) {
        final int production = pipeline.getStages().stream().map(IStage::getStageName).toList().indexOf("Production");
        final CfnPipeline template = (CfnPipeline) pipeline.getNode().getDefaultChild();
        for (int i = 0; i < alarms.size(); i++) {
            final int rule = i;
            alarms.get(i).roleArn().ifPresent(arn -> template.addPropertyOverride("Stages." + production
                    + ".BeforeEntry.Conditions.0.Rules." + rule + ".RoleArn", arn));
        }
        final List<Watched> own = alarms.stream().filter(a -> a.roleArn().isEmpty()).toList();
        pipeline.getRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadStagingAlarm")
                .actions(List.of("cloudwatch:DescribeAlarms"))
                .resources(own.stream().map(alarm -> Stack.of(pipeline).formatArn(ArnComponents.builder()
                        .service("cloudwatch").resource("alarm").resourceName(alarm.alarmName())
                        .region(alarm.region().orElse(Stack.of(pipeline).getRegion()))
                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())).toList())
                .build());
        final List<String> roles = alarms.stream().flatMap(a -> a.roleArn().stream()).distinct().toList();
        if (!roles.isEmpty()) {
            pipeline.getRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .sid("ReadStagingAlarmsInItsAccount")
                    .actions(List.of("sts:AssumeRole"))
                    .resources(roles)
                    .build());
        }
    }
}
