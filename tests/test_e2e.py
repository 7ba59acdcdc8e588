"""scripts/e2e offline: the dry run's plan, every refusal before anything is created, and the teardown that
runs whatever happens (a failed step, Ctrl-C). AWS calls go to moto_server on 127.0.0.1 or nowhere.
Run: python3 -m unittest discover --start-directory tests"""
import importlib.machinery
import importlib.util
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

from moto_server import MotoServer
from project_fixture import project

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "e2e"
_loader = importlib.machinery.SourceFileLoader("e2e", str(SCRIPT))
_spec = importlib.util.spec_from_loader("e2e", _loader)
e2e = importlib.util.module_from_spec(_spec)
_loader.exec_module(e2e)
# One app name for every test that synthesizes, so they share one synth.
APP = "e2e-offline"


def without_credentials():
    """An environment in which boto3 finds no credentials and asks no metadata service."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_CONFIG_FILE="/nonexistent",
               AWS_EC2_METADATA_DISABLED="true")
    return env


def e2e_run(*args, env=None):
    return subprocess.run([str(SCRIPT), "--app-name", APP, *args], cwd=ROOT, env=env or without_credentials(),
                          capture_output=True, text=True, timeout=600, check=False)


class Recorder(e2e.DryRunner):
    """A dry runner that remembers what it would have run, and can fail or be interrupted at a step."""

    def __init__(self, verify_output=""):
        super().__init__("us-east-2")
        self.commands = []
        self.verify_output = verify_output

    def say(self, message):
        pass

    def command(self, args, timeout, capture=False):
        self.commands.append(" ".join([pathlib.Path(args[0]).name, *args[1:]]))
        if "verify-destroyed" in args[0] and "LEFT" in self.verify_output:
            # As the script does: exit 1 when something is left, its list on stdout.
            raise e2e.StepFailed("verify-destroyed exited 1", self.verify_output)
        return self.verify_output if "verify-destroyed" in args[0] else ""


def failing_at(position, error):
    """A plan whose step at `position` raises `error`; the steps before it pass."""
    def plan(runner, project_, overrides, report):
        def fail():
            raise error
        return [(f"step {i}", (fail if i == position else (lambda: None))) for i in range(4)]
    return plan


class PlanTest(unittest.TestCase):
    def test_the_dry_run_prints_the_whole_plan_in_order_and_calls_nothing(self):
        report = pathlib.Path(tempfile.mkdtemp()) / "report.json"
        result = e2e_run("--dry-run", "--report", str(report))

        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        out = result.stdout
        expected = ["the app costs $", "preflight -c appName=" + APP, "cdk deploy Network", "cdk deploy Cluster",
                    "cdk deploy Nodes", "cdk deploy Pipeline",
                    "for the seeded release to reach the production approval", "would GET http://staging",
                    "put_approval_result", "for Production to succeed", "would GET http://production",
                    "aws s3 put_object", "to fail its smoke test and roll back", "cdk destroy --all --force",
                    "verify-destroyed -c appName=" + APP]
        positions = [out.find(line) for line in expected]
        self.assertNotIn(-1, positions, out)
        self.assertEqual(sorted(positions), positions, "in this order:\n" + out)
        written = json.loads(report.read_text())
        self.assertTrue(written["dryRun"])
        self.assertEqual(["synth and price", "preflight", "deploy", "staging", "approve and production", "broken release rolls back",
                          "destroy", "verify destroyed"], [step["name"] for step in written["steps"]])
        self.assertEqual({"python", "cdk", "java"}, set(written["tools"]))


class BrokenReleaseTest(unittest.TestCase):
    def test_the_broken_bundle_is_the_service_with_a_page_the_smoke_test_refuses(self):
        import io
        import zipfile

        bundle = zipfile.ZipFile(io.BytesIO(e2e.broken_bundle()))
        names = bundle.namelist()
        self.assertIn("app/pom.xml", names)
        self.assertIn("k8s/overlays/production/kustomization.yaml", names)
        self.assertFalse([n for n in names if "/target/" in n])
        page = bundle.read("app/src/main/java/com/ekspipeline/hello/HelloServer.java").decode()
        self.assertNotIn(e2e.EXPECTED_PAGE, page, "the smoke test looks for this text")
        self.assertIn(e2e.BROKEN_PAGE, page)
        # The service's own test changes with it, so the build passes and the release reaches Staging.
        test = bundle.read("app/src/test/java/com/ekspipeline/hello/HelloServerTest.java").decode()
        self.assertNotIn(e2e.EXPECTED_PAGE, test)
        self.assertIn(e2e.BROKEN_PAGE, test)

    def test_the_broken_service_still_passes_its_own_tests(self):
        import io
        import zipfile

        folder = pathlib.Path(tempfile.mkdtemp())
        zipfile.ZipFile(io.BytesIO(e2e.broken_bundle())).extractall(folder)
        java21 = subprocess.run([str(ROOT / "scripts" / "java21-home")], capture_output=True, text=True,
                                check=True).stdout.strip()
        result = subprocess.run([str(ROOT / "mvnw"), "-B", "-q", "--no-transfer-progress", "-f",
                                 str(folder / "app" / "pom.xml"), "-Dtest=HelloServerTest", "test"],
                                cwd=ROOT, env=dict(os.environ, JAVA_HOME=java21), capture_output=True, text=True,
                                timeout=600, check=False)
        self.assertEqual(0, result.returncode, result.stdout[-3000:])


class RefusalTest(unittest.TestCase):
    def test_without_the_confirmation_it_refuses_in_one_line(self):
        result = e2e_run()
        self.assertEqual(2, result.returncode)
        self.assertEqual(1, len(result.stderr.strip().splitlines()), result.stderr)
        self.assertIn("costs money: run it with --i-understand-this-costs-money", result.stderr)

    def test_without_credentials_it_refuses_in_one_line(self):
        result = e2e_run("--i-understand-this-costs-money")
        self.assertEqual(2, result.returncode, result.stdout)
        self.assertEqual(["No AWS credentials work in us-east-2 (NoCredentialsError); nothing was created."],
                         result.stderr.strip().splitlines())

    def test_an_app_name_already_deployed_is_refused(self):
        with MotoServer() as moto:
            moto.client("cloudformation").create_stack(StackName=f"{APP}-network", TemplateBody=json.dumps(
                {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))
            result = e2e_run("--i-understand-this-costs-money", env=moto.environment())
        self.assertEqual(2, result.returncode, result.stdout)
        self.assertEqual([f"appName {APP} is already deployed (stack {APP}-network exists); choose another "
                          "--app-name, nothing was created."], result.stderr.strip().splitlines())

    def test_a_region_without_prices_is_refused_before_anything_exists(self):
        result = e2e_run("--dry-run", "-c", "region=ap-south-1")
        self.assertEqual(2, result.returncode)
        self.assertIn('region is "ap-south-1" but must be a region whose prices', result.stderr)
        self.assertNotIn("would run", result.stdout)


class TeardownTest(unittest.TestCase):
    def run_plan(self, plan, verify_output=""):
        runner = Recorder(verify_output)
        report = {"steps": [], "leftovers": [], "urls": {}, "images": {}, "stackSeconds": {}}
        status = e2e.run(runner, project(app=APP), [], report, plan=plan)
        return status, runner, report

    def test_ctrl_c_still_destroys_and_verifies(self):
        status, runner, report = self.run_plan(failing_at(1, KeyboardInterrupt()))
        self.assertEqual(1, status)
        self.assertEqual(["cdk destroy --all --force --no-notices -c appName=" + APP,
                          "verify-destroyed -c appName=" + APP], runner.commands)
        self.assertEqual(["step 0", "interrupted", "destroy", "verify destroyed"], [s["name"] for s in report["steps"]])

    def test_a_failed_step_stops_the_run_and_still_destroys(self):
        status, runner, report = self.run_plan(failing_at(2, e2e.StepFailed("staging answered 503")))
        self.assertEqual(1, status)
        self.assertEqual(["passed", "passed", "failed", "passed", "passed"], [s["result"] for s in report["steps"]])
        self.assertEqual("staging answered 503", report["steps"][2]["detail"])
        self.assertEqual(2, len(runner.commands))

    def test_whatever_is_left_fails_the_run_and_is_reported(self):
        left = "LEFT  ebs volume             vol-0abc  (1 GiB, available, tagged for cluster e2e-offline)"
        status, _, report = self.run_plan(failing_at(99, None), verify_output="Looking in ...\n" + left + "\n")
        self.assertEqual(1, status)
        self.assertEqual([left], report["leftovers"], "listed although verify-destroyed exits 1")
        self.assertEqual("failed", report["steps"][-1]["result"])

    def test_a_failing_command_keeps_what_it_printed(self):
        runner = e2e.Runner("us-east-2")
        runner.say = lambda message: None
        with self.assertRaises(e2e.StepFailed) as failure:
            runner.command(["bash", "-c", "echo 'LEFT  stack  x'; echo gone >&2; exit 1"], 30, capture=True)
        self.assertEqual("LEFT  stack  x\n", failure.exception.output)
        self.assertIn("exited 1: gone", str(failure.exception))

    def test_a_clean_run_passes(self):
        status, _, report = self.run_plan(failing_at(99, None), verify_output="Nothing left: ...\n")
        self.assertEqual(0, status)
        self.assertEqual([], report["leftovers"])


if __name__ == "__main__":
    unittest.main()


class PipelineCallsTest(unittest.TestCase):
    """The CodePipeline reads scripts/e2e waits on, against CodePipeline's API model (botocore Stubber)."""

    def setUp(self):
        import boto3
        from botocore.stub import Stubber

        self.runner = e2e.Runner("us-east-2")
        self.runner.say = lambda message: None
        client = boto3.client("codepipeline", region_name="us-east-2", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        self.stub = Stubber(client)
        self.stub.activate()
        self.addCleanup(self.stub.deactivate)
        self.runner._clients["codepipeline"] = client

    def state(self, approve_status):
        return {"pipelineName": APP, "stageStates": [
            {"stageName": "Staging", "latestExecution": {"pipelineExecutionId": "11111111-1111-1111-1111-111111111111",
                                                          "status": "Succeeded"}},
            {"stageName": "Production", "actionStates": [
                {"actionName": "Approve", "latestExecution": {"status": approve_status, "token": "tok-1"}}],
             "latestExecution": {"pipelineExecutionId": "11111111-1111-1111-1111-111111111111", "status": "InProgress"}}]}

    def test_the_approval_token_is_there_only_while_the_approval_waits(self):
        self.stub.add_response("get_pipeline_state", self.state("Succeeded"), {"name": APP})
        self.stub.add_response("get_pipeline_state", self.state("InProgress"), {"name": APP})
        self.assertIsNone(e2e.approval_token(self.runner, APP))
        self.assertEqual("tok-1", e2e.approval_token(self.runner, APP))
        self.stub.assert_no_pending_responses()

    def test_the_staging_url_is_the_deploy_actions_exported_variable(self):
        execution = "22222222-2222-2222-2222-222222222222"
        self.stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": [
            {"pipelineExecutionId": execution, "status": "InProgress"}]}, {"pipelineName": APP, "maxResults": 1})
        self.stub.add_response("list_action_executions", {"actionExecutionDetails": [
            {"stageName": "Staging", "actionName": "Deploy",
             "output": {"outputVariables": {"SERVICE_URL": "http://k8s-staging-hello.elb.us-east-2.amazonaws.com"}}}]},
            {"pipelineName": APP, "filter": {"pipelineExecutionId": execution}})
        self.assertEqual("http://k8s-staging-hello.elb.us-east-2.amazonaws.com",
                         e2e.output_variable(self.runner, APP, "Staging", "Deploy", "SERVICE_URL"))

    def test_a_rollback_counts_once_a_rollback_execution_has_succeeded(self):
        running = {"pipelineExecutionSummaries": [
            {"pipelineExecutionId": "33333333-3333-3333-3333-333333333333", "status": "InProgress",
             "executionType": "ROLLBACK"},
            {"pipelineExecutionId": "22222222-2222-2222-2222-222222222222", "status": "Failed",
             "executionType": "STANDARD"}]}
        done = {"pipelineExecutionSummaries": [dict(running["pipelineExecutionSummaries"][0], status="Succeeded")]}
        self.stub.add_response("list_pipeline_executions", running, {"pipelineName": APP, "maxResults": 5})
        self.stub.add_response("list_pipeline_executions", done, {"pipelineName": APP, "maxResults": 5})
        self.assertFalse(e2e.rolled_back(self.runner, APP))
        self.assertTrue(e2e.rolled_back(self.runner, APP))
