"""scripts/release --status: the last executions with their kind, result and image, read from CodePipeline's
API as botocore describes it (a Stubber checks every request and response against the service model).
Run: python3 -m unittest discover --start-directory tests"""
import datetime
import importlib.machinery
import importlib.util
import pathlib
import unittest

import boto3
from botocore.stub import Stubber

ROOT = pathlib.Path(__file__).resolve().parent.parent
_loader = importlib.machinery.SourceFileLoader("release", str(ROOT / "scripts" / "release"))
_spec = importlib.util.spec_from_loader("release", _loader)
release = importlib.util.module_from_spec(_spec)
_loader.exec_module(release)

GOOD, BAD, BACK = ("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222",
                   "33333333-3333-3333-3333-333333333333")
REPOSITORY = "123456789012.dkr.ecr.us-east-2.amazonaws.com/eks-pipeline/hello"


def started(minute):
    return datetime.datetime(2026, 11, 25, 9, minute, tzinfo=datetime.timezone.utc)


def build(execution, image):
    return {"actionExecutionDetails": [
        {"pipelineExecutionId": execution, "stageName": "Staging", "actionName": "Deploy", "status": "Succeeded"},
        {"pipelineExecutionId": execution, "stageName": "Build", "actionName": "TestBuildPush", "status": "Succeeded",
         "output": {"outputVariables": {"IMAGE_URI": image}}}]}


class StatusTest(unittest.TestCase):
    def test_a_rollback_shows_the_image_of_the_release_it_returned_to(self):
        client = boto3.client("codepipeline", region_name="us-east-2", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        stub = Stubber(client)
        stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": [
            {"pipelineExecutionId": BACK, "status": "Succeeded", "startTime": started(40), "executionType": "ROLLBACK",
             "rollbackMetadata": {"rollbackTargetPipelineExecutionId": GOOD}},
            {"pipelineExecutionId": BAD, "status": "Failed", "startTime": started(20), "executionType": "STANDARD"},
            {"pipelineExecutionId": GOOD, "status": "Succeeded", "startTime": started(0), "executionType": "STANDARD"},
        ]}, {"pipelineName": "eks-pipeline", "maxResults": 3})
        for execution, image in ((GOOD, f"{REPOSITORY}:{GOOD}"), (BAD, f"{REPOSITORY}:{BAD}"),
                                 (GOOD, f"{REPOSITORY}:{GOOD}")):
            stub.add_response("list_action_executions", build(execution, image),
                              {"pipelineName": "eks-pipeline", "filter": {"pipelineExecutionId": execution}})
        with stub:
            lines = release.status(client, "eks-pipeline", 3)
        stub.assert_no_pending_responses()

        self.assertEqual(4, len(lines), lines)
        self.assertTrue(lines[0].startswith("started (UTC)"))
        rollback, bad, good = lines[1:]
        self.assertIn(f"rollback to {GOOD}", rollback)
        self.assertIn("Succeeded", rollback)
        self.assertTrue(rollback.endswith(f"{REPOSITORY}:{GOOD}"), "the image the rollback put back: " + rollback)
        self.assertIn("release", bad)
        self.assertIn("Failed", bad)
        self.assertTrue(bad.endswith(f"{REPOSITORY}:{BAD}"))
        self.assertEqual(["2026-11-25", "09:00", GOOD, "release", "Succeeded"], good.split()[:5])


if __name__ == "__main__":
    unittest.main()
