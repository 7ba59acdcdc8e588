"""What a pipeline execution's actions exported, as CodePipeline's ListActionExecutions reports it.
Shared by scripts/release (the image each execution deployed) and scripts/e2e (the stages' URLs).
https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html
"""


def exported(details, stage_name, action_name, variable):
    """The `variable` that the action `action_name` of stage `stage_name` exported, in a
    ListActionExecutions answer; None when that action has not run or exported no such variable."""
    for detail in details.get("actionExecutionDetails", []):
        if (detail.get("stageName"), detail.get("actionName")) == (stage_name, action_name):
            return detail.get("output", {}).get("outputVariables", {}).get(variable)
    return None
