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


def codepipeline():
    client = boto3.client("codepipeline", region_name="us-east-2", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    return client, Stubber(client)


def summary(number, when):
    return {"pipelineExecutionId": f"{number:08d}-1111-1111-1111-111111111111", "status": "Succeeded",
            "startTime": when, "executionType": "STANDARD"}


class RealAnswersTest(unittest.TestCase):
    def test_times_are_printed_in_utc_whatever_zone_botocore_gives_them_in(self):
        client, stub = codepipeline()
        # botocore parses timestamps into the machine's zone (tzlocal); here, two hours east of UTC.
        local = datetime.datetime(2026, 11, 25, 11, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
        stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": [summary(1, local)]},
                          {"pipelineName": "eks-pipeline", "maxResults": 1})
        stub.add_response("list_action_executions", {"actionExecutionDetails": []},
                          {"pipelineName": "eks-pipeline", "filter": {"pipelineExecutionId": summary(1, local)[
                              "pipelineExecutionId"]}})
        with stub:
            lines = release.status(client, "eks-pipeline", 1)
        self.assertEqual(["2026-11-25", "09:05"], lines[1].split()[:2])

    def test_more_than_a_hundred_executions_are_read_a_hundred_at_a_time(self):
        client, stub = codepipeline()
        runs = [summary(n, started(0)) for n in range(150)]
        stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": runs[:100], "nextToken": "page-2"},
                          {"pipelineName": "eks-pipeline", "maxResults": 100})
        stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": runs[100:], "nextToken": "page-3"},
                          {"pipelineName": "eks-pipeline", "maxResults": 50, "nextToken": "page-2"})
        with stub:
            found = release.executions(client, "eks-pipeline", 150)
        stub.assert_no_pending_responses()
        self.assertEqual(runs, found)

    def test_fewer_executions_than_asked_for_end_at_the_last_page(self):
        client, stub = codepipeline()
        runs = [summary(n, started(0)) for n in range(3)]
        stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": runs},
                          {"pipelineName": "eks-pipeline", "maxResults": 100})
        with stub:
            self.assertEqual(runs, release.executions(client, "eks-pipeline", 500))
        stub.assert_no_pending_responses()

    def test_status_zero_is_refused_before_anything_is_read_or_uploaded(self):
        import subprocess

        from project_fixture import assembly

        for count in ("0", "-3", "ten"):
            with self.subTest(count):
                result = subprocess.run([str(ROOT / "scripts" / "release"), "--assembly", assembly(self), "--status",
                                         count], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
                self.assertEqual(2, result.returncode, result.stdout + result.stderr)
                self.assertIn(f"argument --status: {count!r} is not a number of executions: give a whole number "
                              "from 1", result.stderr)


if __name__ == "__main__":
    unittest.main()
