"""scripts/e2e offline: the dry run's plan, every refusal before anything is created, and the teardown that
runs whatever happens (a failed step, Ctrl-C). AWS calls go to moto_server on 127.0.0.1 or nowhere.
Run: python3 -m unittest discover --start-directory tests"""
import contextlib
import datetime
import importlib.machinery
import importlib.util
import io
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

import botocore.exceptions

from moto_server import MotoServer, MotoTestCase
from project_fixture import project

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "e2e"
_loader = importlib.machinery.SourceFileLoader("e2e", str(SCRIPT))
_spec = importlib.util.spec_from_loader("e2e", _loader)
e2e = importlib.util.module_from_spec(_spec)
_loader.exec_module(e2e)
sys.path.insert(0, str(ROOT / "scripts"))
import synths  # noqa: E402
# The scripts' tests' configuration (src/test/resources/configurations.json), so that every test that
# synthesizes shares its one synth with the release, verify-destroyed and project tests.
APP = synths.configurations()["shop"]["appName"]
SHOP = [part for override in synths.overrides("shop") if not override.startswith("appName=") for part in ("-c", override)]


def without_credentials():
    """An environment in which boto3 finds no credentials and asks no metadata service."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_CONFIG_FILE="/nonexistent",
               AWS_EC2_METADATA_DISABLED="true")
    return env


def e2e_run(*args, env=None):
    return subprocess.run([str(SCRIPT), "--app-name", APP, *SHOP, *args], cwd=ROOT, env=env or without_credentials(),
                          capture_output=True, text=True, timeout=600, check=False)


class Recorder(e2e.DryRunner):
    """A dry runner that remembers what it would have run, and can fail or be interrupted at a step;
    verify-destroyed prints each of `verify_outputs` in turn (the last one again and again)."""

    def __init__(self, *verify_outputs):
        super().__init__("us-east-2")
        self.commands = []
        self.verify_outputs = list(verify_outputs or [""])
        self.now = 0

    def say(self, message):
        pass

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds

    def start(self, args):
        self.commands.append(" ".join([pathlib.Path(args[0]).name, *args[1:]]))
        return e2e.Finished()

    def command(self, args, timeout, capture=False):
        self.commands.append(" ".join([pathlib.Path(args[0]).name, *args[1:]]))
        if "verify-destroyed" not in args[0]:
            return ""
        out = self.verify_outputs.pop(0) if len(self.verify_outputs) > 1 else self.verify_outputs[0]
        if "LEFT" in out:
            # As the script does: exit 1 when something is left, its list on stdout.
            raise e2e.StepFailed("verify-destroyed exited 1", out)
        return out


OUTPUT = f"--output {e2e.ROOT}/target/e2e/{APP}/cdk.out"
DESTROYS = [f"cdk destroy {stack} --exclusively --force --no-notices {OUTPUT} -c appName={APP}"
            for stack in ("Pipeline", "Nodes", "Cluster", "Network")]


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
                    "aws s3 put_object", "to fail its smoke test and roll back", "cdk destroy Pipeline --exclusively",
                    "cdk destroy Nodes --exclusively", "cdk destroy Cluster --exclusively", "cdk destroy Network --exclusively",
                    "verify-destroyed -c appName=" + APP]
        positions = [out.find(line) for line in expected]
        self.assertNotIn(-1, positions, out)
        self.assertEqual(sorted(positions), positions, "in this order:\n" + out)
        # Every cdk call writes to the run's own folder: the project's cdk.out/project.json stays as it was.
        cdk_calls = [line for line in out.splitlines() if "would run: " in line and "/cdk " in line]
        self.assertEqual(8, len(cdk_calls), out)  # four deploys, four destroys
        for line in cdk_calls:
            self.assertIn(OUTPUT, line)
        self.assertIn("this run takes about 2.0 to 2.5 hours (from its phases)", out)
        written = json.loads(report.read_text())
        self.assertTrue(written["dryRun"])
        self.assertEqual(["synth and price", "preflight", "deploy", "staging", "approve and production",
                          "broken release rolls back", "destroy Pipeline", "destroy Nodes", "destroy Cluster", "destroy Network",
                          "verify destroyed"], [step["name"] for step in written["steps"]])
        self.assertEqual({"python", "cdk", "java"}, set(written["tools"]))


class KarpenterRunTest(unittest.TestCase):

    def test_with_autoscaler_karpenter_every_cdk_call_deploys_and_destroys_karpenter_then_verifies(self):
        result = e2e_run("--dry-run", "--autoscaler", "karpenter", "--report",
                         str(pathlib.Path(tempfile.mkdtemp()) / "report.json"))

        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        cdk_calls = [line for line in result.stdout.splitlines() if "would run: " in line and "/cdk " in line]
        self.assertEqual(8, len(cdk_calls), result.stdout)
        for line in cdk_calls:
            self.assertIn("-c autoscaler=karpenter", line)
        self.assertIn("verify-destroyed -c appName=" + APP, result.stdout)
        self.assertIn("-c autoscaler=karpenter", result.stdout[result.stdout.find("verify-destroyed"):])


class VariantsTest(unittest.TestCase):
    """The dry runs' synths with Karpenter and with stages are the variants the synth check synthesizes first
    (tests/variants.json): the same context, so the same folder of target/synth."""

    def context_of(self, *args):
        """The context scripts/e2e synthesizes with these arguments (its project is read from that synth)."""
        from unittest import mock

        asked = []

        def load(where):
            asked.append(list(where.context))
            raise KeyboardInterrupt  # nothing after the synth matters here
        with mock.patch.object(e2e.projects, "load", load), mock.patch("sys.argv", ["e2e", *args]), \
                self.assertRaises(KeyboardInterrupt):
            e2e.main()
        return asked[0]

    def test_the_dry_runs_synthesize_the_variants_the_synth_check_synthesizes(self):
        for variant, args in (("e2e-karpenter", [*SHOP, "--autoscaler", "karpenter"]), ("e2e-stages", ["--stages"])):
            context = self.context_of("--dry-run", "--app-name", APP, *args)
            self.assertEqual(synths.folder(synths.overrides(variant)), synths.folder(context), variant)
            self.assertIsNone(synths.name_of(context), "a variant is no configuration that every check runs over")
        self.assertEqual(set(), set(synths.variants()) & set(synths.configurations()), "a variant's name is its own")


class StagesRunTest(unittest.TestCase):
    """scripts/e2e --stages: the whole story on split stages, every stack deployed in order and destroyed the other
    way (pipeline, production, staging), preflight and verify-destroyed with the credentials for each account."""

    def test_the_dry_run_deploys_staging_then_production_then_the_pipeline_and_destroys_them_the_other_way(self):
        result = subprocess.run([str(SCRIPT), "--app-name", APP, "--stages", "--role", "eks-pipeline-inspect",
                                 "--dry-run", "--report", str(pathlib.Path(tempfile.mkdtemp()) / "report.json")],
                                cwd=ROOT, env=without_credentials(), capture_output=True, text=True, timeout=900,
                                check=False)

        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        runs = [line.split("would run: ", 1)[1] for line in result.stdout.splitlines() if "would run: " in line]
        stages = '-c stages={"staging":{"clusterName":"%s-staging"},"production":{"clusterName":"%s-production"}}' % (APP, APP)
        for line in runs:
            self.assertIn(stages, line)
        stacks = [f"{stage}{part}" for stage in ("Staging", "Production")
                  for part in ("Network", "Cluster", "Nodes", "DeployAccess")] + ["Pipeline"]
        self.assertEqual(stacks, [line.split()[2] for line in runs if "/cdk deploy " in line])
        self.assertEqual(stacks[::-1], [line.split()[2] for line in runs if "/cdk destroy " in line])
        tools = [line for line in runs if "/scripts/" in line]
        self.assertEqual(["preflight", "verify-destroyed"], [line.split()[0].rsplit("/", 1)[-1] for line in tools])
        for line in tools:
            self.assertTrue(line.endswith("--role eks-pipeline-inspect"), line)
        self.assertIn("this run takes about 3.0 to 3.8 hours (from its phases)", result.stdout)

    def test_own_vpc_and_stages_together_are_a_usage_error(self):
        result = e2e_run("--dry-run", "--own-vpc", "--stages")
        self.assertEqual(2, result.returncode)
        self.assertIn("argument --stages: not allowed with argument --own-vpc", result.stderr)


def two_accounts():
    """The two-accounts configuration's project.json as synth writes it: production in 222222222222, us-west-2."""
    return json.loads((pathlib.Path(synths.named("two-accounts")) / "project.json").read_text())


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
    def run_plan(self, plan, *verify_outputs):
        runner = Recorder(*verify_outputs)
        report = {"steps": [], "leftovers": [], "urls": {}, "images": {}, "stackSeconds": {}}
        with contextlib.redirect_stderr(io.StringIO()):  # "could not remove: ..." for each leftover
            status = e2e.run(runner, project(app=APP), [], report, plan=plan)
        return status, runner, report

    def test_ctrl_c_still_destroys_and_verifies(self):
        status, runner, report = self.run_plan(failing_at(1, KeyboardInterrupt()))
        self.assertEqual(1, status)
        self.assertEqual([*DESTROYS, "verify-destroyed -c appName=" + APP], runner.commands)
        self.assertEqual(["step 0", "interrupted", "destroy Pipeline", "destroy Nodes", "destroy Cluster", "destroy Network",
                          "verify destroyed"], [s["name"] for s in report["steps"]])

    def test_a_failed_step_stops_the_run_and_still_destroys(self):
        status, runner, report = self.run_plan(failing_at(2, e2e.StepFailed("staging answered 503")))
        self.assertEqual(1, status)
        self.assertEqual(["passed", "passed", "failed", "passed", "passed", "passed", "passed", "passed"],
                         [s["result"] for s in report["steps"]])
        self.assertEqual("staging answered 503", report["steps"][2]["detail"])
        self.assertEqual(5, len(runner.commands))

    def test_an_aws_or_network_error_in_a_step_is_that_steps_failure_and_the_teardown_runs(self):
        import urllib.error

        import botocore.exceptions

        expired = botocore.exceptions.ClientError(
            {"Error": {"Code": "ExpiredToken", "Message": "The security token included in the request is expired"}},
            "GetPipelineState")
        for error, detail in ((urllib.error.URLError("[Errno 111] Connection refused"),
                               "URLError: <urlopen error [Errno 111] Connection refused>"),
                              (expired, "ClientError: An error occurred (ExpiredToken) when calling the "
                                        "GetPipelineState operation: The security token included in the request is "
                                        "expired")):
            with self.subTest(type(error).__name__):
                status, runner, report = self.run_plan(failing_at(1, error))
                self.assertEqual(1, status)
                self.assertEqual(("step 1", "failed", detail),
                                 tuple(report["steps"][1].get(k) for k in ("name", "result", "detail")))
                self.assertEqual([*DESTROYS, "verify-destroyed -c appName=" + APP], runner.commands)

    def test_whatever_is_left_fails_the_run_and_is_reported(self):
        left = "LEFT  ebs volume             vol-0abc  (1 GiB, available, tagged for cluster e2e-offline)"
        status, runner, report = self.run_plan(failing_at(99, None), "Looking in ...\n" + left + "\n")
        self.assertEqual(1, status)
        self.assertEqual([left], report["leftovers"], "listed although verify-destroyed exits 1")
        self.assertEqual("failed", report["steps"][-1]["result"])
        # Asked again every minute over the verify window before it counts.
        self.assertEqual(1 + e2e.TIMEOUTS["verify"] // 60, runner.commands.count("verify-destroyed -c appName=" + APP))

    def test_what_goes_away_within_the_verify_window_is_not_a_leftover(self):
        ghost = "LEFT  network interface      eni-0abc  (in vpc-0abc, lambda, available)"
        status, runner, report = self.run_plan(failing_at(99, None), ghost, ghost, "Nothing left: ...\n")
        self.assertEqual(0, status, report)
        self.assertEqual([], report["leftovers"])
        self.assertEqual(3, runner.commands.count("verify-destroyed -c appName=" + APP))

    def test_a_failing_command_keeps_what_it_printed(self):
        runner = e2e.Runner("us-east-2")
        runner.say = lambda message: None
        with self.assertRaises(e2e.StepFailed) as failure, contextlib.redirect_stdout(io.StringIO()) as stdout:
            runner.command(["bash", "-c", "echo 'LEFT  stack  x'; echo gone >&2; exit 1"], 30, capture=True)
        self.assertEqual("LEFT  stack  x\n", stdout.getvalue(), "shown as it ran")
        self.assertEqual("LEFT  stack  x\n", failure.exception.output)
        self.assertIn("exited 1: gone", str(failure.exception))

    def test_a_clean_run_passes(self):
        status, _, report = self.run_plan(failing_at(99, None), "Nothing left: ...\n")
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

    def runs(self, *summaries):
        self.stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": list(summaries)},
                               {"pipelineName": APP, "maxResults": 5})

    def actions(self, execution, *failed):
        """ListActionExecutions for `execution`: each (stage, action, message) of `failed` failed."""
        details = [{"pipelineExecutionId": execution, "stageName": stage, "actionName": action, "status": "Failed",
                    "output": {"executionResult": {"externalExecutionId": "build:1", "externalExecutionSummary": "",
                                                   "errorDetails": {"code": "JobFailed", "message": message}}}}
                   for stage, action, message in failed]
        self.stub.add_response("list_action_executions", {"actionExecutionDetails": details},
                               {"pipelineName": APP, "filter": {"pipelineExecutionId": execution}})

    def test_a_rollback_counts_once_the_broken_release_failed_in_staging_and_the_rollback_to_the_good_one_succeeded(self):
        good, broken, back = GOOD, BROKEN, BACK
        rollback = {"pipelineExecutionId": back, "status": "InProgress", "executionType": "ROLLBACK",
                    "rollbackMetadata": {"rollbackTargetPipelineExecutionId": good}}
        failed = {"pipelineExecutionId": broken, "status": "Failed", "executionType": "STANDARD",
                  "statusSummary": "Stage Staging failed"}
        first = {"pipelineExecutionId": good, "status": "Succeeded", "executionType": "STANDARD"}
        self.runs(dict(failed, status="InProgress"), first)
        self.runs(rollback, failed, first)
        self.actions(broken, ("Staging", "SmokeTest", "the page lacks 'Hello from'"))
        self.runs(dict(rollback, status="Succeeded"), failed, first)
        self.actions(broken, ("Staging", "SmokeTest", "the page lacks 'Hello from'"))
        executions = {"good": good}
        self.assertIsNone(e2e.rolled_back(self.runner, APP, executions))
        self.assertIsNone(e2e.rolled_back(self.runner, APP, executions))
        self.assertTrue(e2e.rolled_back(self.runner, APP, executions))
        self.assertEqual({"good": good, "broken": broken, "rollback": back}, executions)
        self.stub.assert_no_pending_responses()

    def test_a_broken_release_that_fails_in_build_fails_the_step_at_once_with_the_reason(self):
        failed = {"pipelineExecutionId": BROKEN, "status": "Failed", "executionType": "STANDARD",
                  "statusSummary": "Stage Build failed"}
        self.runs(failed, {"pipelineExecutionId": GOOD, "status": "Succeeded", "executionType": "STANDARD"})
        self.actions(BROKEN, ("Build", "TestBuildPush", "Error while executing command: mvn verify. Reason: exit 1"))
        self.actions(BROKEN, ("Build", "TestBuildPush", "Error while executing command: mvn verify. Reason: exit 1"))
        with self.assertRaises(e2e.StepFailed) as failure:
            e2e.rolled_back(self.runner, APP, {"good": GOOD})
        self.assertEqual(f"the broken release did not fail in Staging's smoke test: pipeline execution {BROKEN} "
                         "Failed: Stage Build failed (Build/TestBuildPush: Error while executing command: mvn verify. "
                         "Reason: exit 1)", str(failure.exception))

    def test_a_rollback_to_another_execution_than_the_good_one_fails_the_step(self):
        other = "44444444-4444-4444-4444-444444444444"
        self.runs({"pipelineExecutionId": BACK, "status": "Succeeded", "executionType": "ROLLBACK",
                   "rollbackMetadata": {"rollbackTargetPipelineExecutionId": other}},
                  {"pipelineExecutionId": BROKEN, "status": "Failed", "executionType": "STANDARD"})
        self.actions(BROKEN, ("Staging", "SmokeTest", "the page lacks 'Hello from'"))
        with self.assertRaises(e2e.StepFailed) as failure:
            e2e.rolled_back(self.runner, APP, {"good": GOOD})
        self.assertIn(f"went back to {other}, not to the good release {GOOD}", str(failure.exception))

    def test_a_first_release_that_fails_in_build_fails_the_staging_wait_at_once_with_codepipelines_reason(self):
        self.runner.sleep = lambda seconds: self.fail("waited although the execution had failed")
        self.stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": [
            {"pipelineExecutionId": GOOD, "status": "Failed", "statusSummary": "Stage Build failed",
             "executionType": "STANDARD"}]}, {"pipelineName": APP, "maxResults": 1})
        self.actions(GOOD, ("Build", "TestBuildPush", "Error while executing command: mvn verify. Reason: exit 1"))
        report = {"urls": {}, "images": {}, "stackSeconds": {}, "steps": [], "leftovers": []}
        staging = dict(e2e.steps(self.runner, project(app=APP), [], report))["staging"]
        with self.assertRaises(e2e.StepFailed) as failure:
            staging()
        self.assertEqual(f"pipeline execution {GOOD} Failed: Stage Build failed (Build/TestBuildPush: Error while "
                         "executing command: mvn verify. Reason: exit 1)", str(failure.exception))
        self.stub.assert_no_pending_responses()

    def test_the_staging_wait_ends_with_the_execution_and_token_of_the_waiting_approval(self):
        for status in ("Abandoned", "Succeeded"):
            self.stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": [
                {"pipelineExecutionId": GOOD, "status": "InProgress", "executionType": "STANDARD"}]},
                {"pipelineName": APP, "maxResults": 1})
            self.stub.add_response("get_pipeline_state", self.state(status), {"name": APP})
        self.assertIsNone(e2e.waiting_for_approval(self.runner, APP), "an earlier approval, abandoned")
        self.assertIsNone(e2e.waiting_for_approval(self.runner, APP), "an earlier approval, given")
        self.stub.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": [
            {"pipelineExecutionId": GOOD, "status": "InProgress", "executionType": "STANDARD"}]},
            {"pipelineName": APP, "maxResults": 1})
        waiting = self.state("InProgress")
        self.stub.add_response("get_pipeline_state", waiting, {"name": APP})
        self.assertEqual((GOOD, "tok-1"), e2e.waiting_for_approval(self.runner, APP))
        self.stub.assert_no_pending_responses()

    def test_production_fails_at_once_when_the_execution_stops(self):
        self.stub.add_response("get_pipeline_execution", {"pipelineExecution": {
            "pipelineExecutionId": GOOD, "status": "Stopped", "statusSummary": "Stopped by someone"}},
            {"pipelineName": APP, "pipelineExecutionId": GOOD})
        self.actions(GOOD)
        with self.assertRaises(e2e.StepFailed) as failure:
            e2e.succeeded(self.runner, APP, GOOD)
        self.assertEqual(f"pipeline execution {GOOD} Stopped: Stopped by someone", str(failure.exception))


GOOD, BROKEN, BACK = ("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222",
                      "33333333-3333-3333-3333-333333333333")


class Process:
    """A `cdk destroy` as Popen shows it: running until `runs_for` polls have passed."""

    def __init__(self, runs_for=0, returncode=0):
        self.polls, self.runs_for, self.returncode, self.killed = 0, runs_for, returncode, False

    def poll(self):
        self.polls += 1
        return self.returncode if self.polls > self.runs_for else None

    def wait(self, timeout=None):
        return self.returncode

    def kill(self):
        self.killed = True

    terminate = kill


class Account(e2e.Runner):
    """A real runner whose CloudFormation is a Stubber, whose commands are recorded, and whose clock moves
    only when it sleeps."""

    def __init__(self, test):
        import boto3
        from botocore.stub import Stubber

        super().__init__("us-east-2")
        self.now, self.lines, self.started_commands, self.processes = 0, [], [], []
        self.verify_output = "Nothing left: ...\n"
        for service in ("cloudformation", "codepipeline", "sts"):
            client = boto3.client(service, region_name="us-east-2", aws_access_key_id="testing",
                                  aws_secret_access_key="testing")
            stub = Stubber(client)
            stub.activate()
            test.addCleanup(stub.deactivate)
            self._clients[service] = client
            setattr(self, service, stub)

    def say(self, message):
        self.lines.append(message)

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds

    def start(self, args):
        self.started_commands.append(" ".join([pathlib.Path(args[0]).name, *args[1:]]))
        return self.processes.pop(0)

    def command(self, args, timeout, capture=False):
        self.started_commands.append(" ".join([pathlib.Path(args[0]).name, *args[1:]]))
        return self.verify_output

    def status(self, name, *statuses):
        for status in statuses:
            if status == "gone":
                self.cloudformation.add_client_error(
                    "describe_stacks", "ValidationError", f"Stack with id {name} does not exist", 400,
                    expected_params={"StackName": name})
            else:
                self.cloudformation.add_response("describe_stacks", {"Stacks": [
                    {"StackName": name, "StackStatus": status, "CreationTime": datetime.datetime(2026, 12, 1)}]},
                    {"StackName": name})


def teardown_report():
    return {"steps": [], "leftovers": [], "urls": {}, "images": {}, "stackSeconds": {}}


class StackByStackTeardownTest(unittest.TestCase):
    def test_each_stack_is_destroyed_on_its_own_watched_in_cloudformation_and_a_failed_network_stack_retried_once(self):
        runner = Account(self)
        runner.processes = [Process(runs_for=2), Process(), Process(), Process(runs_for=1), Process()]
        runner.status(f"{APP}-pipeline", "DELETE_IN_PROGRESS", "DELETE_IN_PROGRESS", "gone")
        runner.status(f"{APP}-nodes", "gone")
        runner.status(f"{APP}-cluster", "gone")
        runner.status(f"{APP}-network", "DELETE_IN_PROGRESS", "DELETE_FAILED")
        runner.cloudformation.add_response("describe_stack_events", {"StackEvents": [
            {"StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/x/1", "EventId": "1",
             "StackName": f"{APP}-network", "LogicalResourceId": "VpcPrivateSubnet1Subnet536B997A",
             "ResourceStatus": "DELETE_FAILED", "Timestamp": datetime.datetime(2026, 12, 1),
             "ResourceStatusReason": "The subnet 'subnet-0abc' has dependencies and cannot be deleted."}]},
            {"StackName": f"{APP}-network"})
        runner.status(f"{APP}-network", "DELETE_IN_PROGRESS", "gone")
        report = teardown_report()

        e2e.teardown(runner, project(app=APP), [], report, output="/out")

        runner.cloudformation.assert_no_pending_responses()
        destroy = "cdk destroy {} --exclusively --force --no-notices --output /out -c appName=" + APP
        self.assertEqual([destroy.format("Pipeline"), destroy.format("Nodes"), destroy.format("Cluster"),
                          destroy.format("Network"), destroy.format("Network"), "verify-destroyed -c appName=" + APP],
                         runner.started_commands)
        self.assertEqual(["passed"] * 5, [step["result"] for step in report["steps"]], report)
        said = "\n".join(runner.lines)
        self.assertIn(f"{APP}-network: DELETE_IN_PROGRESS after 0 min (up to 60); a VPC function's network "
                      "interfaces take 20 to 40 minutes to be released", said)
        self.assertIn(f"{APP}-network ended DELETE_FAILED (VpcPrivateSubnet1Subnet536B997A: The subnet 'subnet-0abc' "
                      f"has dependencies and cannot be deleted.); retrying the destroy of {APP}-network once. The "
                      "Network stack usually fails because Lambda had not yet released its network interfaces", said)

    def test_a_stack_still_deleting_at_its_deadline_is_left_to_cloudformation_and_the_cli_is_not_killed(self):
        runner = Account(self)
        stuck = Process(runs_for=10 ** 6)
        runner.processes = [stuck]
        deadline_polls = 1 + e2e.DESTROY_MINUTES["Pipeline"] * 2
        runner.status(f"{APP}-pipeline", *["DELETE_IN_PROGRESS"] * deadline_polls)
        report = teardown_report()

        e2e.teardown(runner, project(app=APP), [], report, output="/out")

        runner.cloudformation.assert_no_pending_responses()
        self.assertFalse(stuck.killed)
        self.assertEqual(["destroy Pipeline", "verify destroyed"], [step["name"] for step in report["steps"]])
        self.assertEqual(f"{APP}-pipeline is still DELETE_IN_PROGRESS after 30 minutes; CloudFormation carries on "
                         "deleting it: run scripts/verify-destroyed later", report["steps"][0]["detail"])
        self.assertIn(f"stopping the destroy: the stacks before {APP}-pipeline are needed by it", runner.lines)

    def test_a_second_ctrl_c_or_sigterm_during_the_teardown_does_not_stop_it(self):
        import signal

        runner = Account(self)
        runner.processes = [Process(runs_for=1), Process(), Process(), Process()]
        runner.status(f"{APP}-pipeline", "DELETE_IN_PROGRESS", "gone")
        runner.status(f"{APP}-nodes", "gone")
        runner.status(f"{APP}-cluster", "gone")
        runner.status(f"{APP}-network", "gone")
        sleep = runner.sleep

        def interrupted_sleep(seconds):
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGTERM)
            sleep(seconds)
        runner.sleep = interrupted_sleep
        before = signal.getsignal(signal.SIGINT)
        report = teardown_report()

        e2e.teardown(runner, project(app=APP), [], report, output="/out")

        self.assertEqual(["passed"] * 5, [step["result"] for step in report["steps"]])
        self.assertIn("the teardown goes on: stopping it would leave stacks that bill. It ends by itself.", runner.lines)
        self.assertIs(before, signal.getsignal(signal.SIGINT), "the handlers are put back afterwards")

    def test_a_stage_in_another_account_is_followed_through_its_cdk_destroy_and_the_rest_in_cloudformation(self):
        described = two_accounts()
        runner = Account(self)
        runner.accounts = ["--role", "eks-pipeline-inspect"]
        # The pipeline, then production's four stacks (one still deleting at the first look), then staging's.
        runner.processes = [Process(), Process(runs_for=2), Process(), Process(), Process(),
                            Process(), Process(), Process(), Process()]
        for name in ("pipeline", "staging-deploy-access", "staging-nodes", "staging-cluster", "staging-network"):
            runner.status(f"eks-pipeline-{name}", "gone")
        report = teardown_report()

        e2e.teardown(runner, described, [], report, output="/out")

        runner.cloudformation.assert_no_pending_responses()  # nothing asked of production's stacks here
        destroy = "cdk destroy {} --exclusively --force --no-notices --output /out -c appName=eks-pipeline"
        order = ["Pipeline"] + [f"{stage}{part}" for stage in ("Production", "Staging")
                                for part in ("DeployAccess", "Nodes", "Cluster", "Network")]
        self.assertEqual([destroy.format(stack) for stack in order]
                         + ["verify-destroyed -c appName=eks-pipeline --role eks-pipeline-inspect"],
                         runner.started_commands)
        self.assertEqual(["passed"] * 10, [step["result"] for step in report["steps"]], report)
        self.assertIn("eks-pipeline-production-deploy-access: cdk destroy still running after 0 min (up to 60; in another "
                      "account, followed through the CLI)", runner.lines)

    def test_a_stage_in_another_account_whose_destroy_fails_twice_stops_the_destroy_before_staging(self):
        runner = Account(self)
        runner.processes = [Process(), Process(returncode=1), Process(returncode=1)]
        runner.status("eks-pipeline-pipeline", "gone")
        report = teardown_report()

        e2e.teardown(runner, two_accounts(), [], report, output="/out")

        runner.cloudformation.assert_no_pending_responses()
        self.assertEqual(["destroy Pipeline", "destroy ProductionDeployAccess", "verify destroyed"],
                         [step["name"] for step in report["steps"]])
        self.assertEqual("eks-pipeline-production-deploy-access ended FAILED (cdk exited 1)", report["steps"][1]["detail"])
        self.assertIn("stopping the destroy: the stacks before eks-pipeline-production-deploy-access are needed by it",
                      runner.lines)

    def test_the_destroy_runs_in_a_session_of_its_own_so_the_terminals_ctrl_c_does_not_reach_it(self):
        import os

        runner = e2e.Runner("us-east-2")
        runner.say = lambda message: None
        process = runner.start(["sleep", "2"])
        try:
            self.assertEqual(process.pid, os.getsid(process.pid))
        finally:
            process.wait()


class RefusalInTheAccountTest(unittest.TestCase):
    arguments = type("Arguments", (), {"dry_run": False, "confirm": True})()

    def test_only_a_stack_that_does_not_exist_counts_as_not_deployed(self):
        for code, message, status in (("AccessDenied", "User is not authorized to perform: cloudformation:DescribeStacks",
                                       403),
                                      ("Throttling", "Rate exceeded", 400),
                                      ("ExpiredToken", "The security token included in the request is expired", 400)):
            with self.subTest(code):
                runner = Account(self)
                runner.sts.add_response("get_caller_identity", {"Account": "123456789012", "UserId": "AIDAEXAMPLE",
                                                                "Arn": "arn:aws:iam::123456789012:user/ci"}, {})
                runner.cloudformation.add_client_error("describe_stacks", code, message, status,
                                                       expected_params={"StackName": f"{APP}-network"})
                refused = e2e.refusal(self.arguments, project(app=APP), runner)
                self.assertEqual(f"Cannot tell whether appName {APP} is deployed (stack {APP}-network: {code}); "
                                 "nothing was created.", refused)

    def test_stacks_that_do_not_exist_let_the_run_go_on(self):
        runner = Account(self)
        runner.sts.add_response("get_caller_identity", {"Account": "123456789012", "UserId": "AIDAEXAMPLE",
                                                        "Arn": "arn:aws:iam::123456789012:user/ci"}, {})
        for stack in ("network", "cluster", "nodes", "pipeline"):
            runner.status(f"{APP}-{stack}", "gone")
        self.assertIsNone(e2e.refusal(self.arguments, project(app=APP), runner))
        runner.cloudformation.assert_no_pending_responses()


class PageTest(unittest.TestCase):
    def runner(self, *answers):
        runner = Account(self)
        answers = list(answers)

        def get(url):
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
            if isinstance(answer, Exception):
                raise answer
            return answer
        runner.get = get
        return runner

    def test_a_page_that_answers_within_a_minute_passes(self):
        import urllib.error

        runner = self.runner(urllib.error.URLError("[Errno 111] Connection refused"), (503, "Service Unavailable"),
                             (200, "Hello from hello-0"))
        report = {"urls": {}}
        self.assertEqual("Hello from hello-0", e2e.check_page(runner, "http://staging", report, "staging"))
        self.assertEqual(20, runner.now)

    def test_a_page_that_never_answers_fails_after_a_minute_with_the_last_answer(self):
        import urllib.error

        runner = self.runner(urllib.error.URLError("[Errno 111] Connection refused"))
        with self.assertRaises(e2e.StepFailed) as failure:
            e2e.check_page(runner, "http://staging", {"urls": {}}, "staging")
        self.assertEqual("http://staging failed: <urlopen error [Errno 111] Connection refused>, for 60 s",
                         str(failure.exception))
        self.assertEqual(60, runner.now)


class SessionTest(unittest.TestCase):
    def test_every_client_of_a_run_comes_from_one_session_that_shares_the_clis_credential_cache(self):
        from botocore.utils import JSONFileCache

        runner = e2e.Runner("us-east-2")
        sts, cloudformation = runner.client("sts"), runner.client("cloudformation")
        self.assertIsNot(sts, cloudformation)
        self.assertIs(sts, runner.client("sts"))
        provider = runner._session._session.get_component("credential_provider").get_provider("assume-role")
        self.assertIsInstance(provider.cache, JSONFileCache)
        self.assertEqual(str(pathlib.Path.home() / ".aws" / "cli" / "cache"), provider.cache._working_dir)
        self.assertEqual("standard", cloudformation.meta.config.retries["mode"])


class CostTest(unittest.TestCase):
    def test_the_run_is_priced_from_its_phases(self):
        self.assertEqual(sum(low for low, _ in e2e.PHASE_MINUTES.values()) / 60, e2e.EXPECTED_HOURS[0])
        self.assertEqual(sum(high for _, high in e2e.PHASE_MINUTES.values()) / 60, e2e.EXPECTED_HOURS[1])
        self.assertEqual((2.0, 2.5), e2e.EXPECTED_HOURS)

    def test_or_from_a_measured_report(self):
        path = pathlib.Path(tempfile.mkdtemp()) / "report.json"
        path.write_text(json.dumps({"dryRun": False, "steps": [{"seconds": 5400}, {"seconds": 3600}]}))
        self.assertEqual((2.5, 2.5), e2e.hours_measured(path))
        path.write_text(json.dumps({"dryRun": True, "steps": [{"seconds": 1}]}))
        with self.assertRaises(ValueError):
            e2e.hours_measured(path)


class StoredContextTest(unittest.TestCase):
    """scripts/project.py synthesizes again when the project file was written with other settings than
    those asked for: `cdk synth -c appName=x` into cdk.out/ must not make the scripts act on x."""

    def setUp(self):
        import argparse
        import sys

        sys.path.insert(0, str(ROOT / "scripts"))
        import project as projects

        self.projects, self.argparse = projects, argparse
        self.synthesized = []
        original = projects.synthesize
        projects.synthesize = lambda output, context=(), extra=(): self.synthesized.append(list(context))
        self.addCleanup(setattr, projects, "synthesize", original)

    def project_file(self, stored_context):
        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(lambda: (folder / "project.json").unlink(missing_ok=True))
        (folder / "project.json").write_text(json.dumps({"context": stored_context}))
        return folder / "project.json"

    def test_a_project_file_of_other_settings_is_synthesized_again(self):
        # cdk.out/ written by `cdk synth -c appName=someone-else` is not what cdk.json asks for
        stored = self.project_file(dict(self.projects.asked([]), appName="someone-else"))
        self.assertFalse(self.projects.same_settings(stored, []))

    def test_a_project_file_of_the_same_settings_is_read_as_it_is(self):
        stored = self.project_file(self.projects.asked([]))
        self.assertTrue(self.projects.same_settings(stored, []))

    def test_overrides_are_read_from_the_shared_synth_of_exactly_those_overrides(self):
        asked = []
        original = self.projects.shared
        self.projects.shared = lambda context: asked.append(list(context)) or pathlib.Path("/shared")
        self.addCleanup(setattr, self.projects, "shared", original)
        overrides = ["appName=stored-context-test", "natGateways=3"]
        self.assertEqual(pathlib.Path("/shared"),
                         self.projects.assembly(self.argparse.Namespace(context=overrides, assembly=None)))
        self.assertEqual([overrides], asked)
        self.assertEqual([], self.synthesized, "cdk.out/ is left as it was")


class ReportTest(unittest.TestCase):
    def test_the_report_is_written_whatever_ends_the_run(self):
        import signal
        from unittest import mock

        self.addCleanup(signal.signal, signal.SIGTERM, signal.getsignal(signal.SIGTERM))  # main() sets its own

        folder = pathlib.Path(tempfile.mkdtemp())
        (folder / "cost-estimate.json").write_text(json.dumps({"total": {"hourly": "0.25"}}))
        report = folder / "report.json"

        def broken_run(runner, project_, overrides, report_, output=None):
            report_["steps"].append({"name": "deploy", "seconds": 1, "result": "passed"})
            raise RuntimeError("something nobody expected")

        with mock.patch.object(e2e.projects, "load", return_value=project(app=APP)), \
                mock.patch.object(e2e.projects, "assembly", return_value=folder), \
                mock.patch.object(e2e, "tool_versions", return_value={}), \
                mock.patch.object(e2e, "run", broken_run), \
                mock.patch("sys.argv", ["e2e", "--dry-run", "--app-name", APP, "--report", str(report)]), \
                contextlib.redirect_stdout(io.StringIO()):
            with self.assertRaises(RuntimeError):
                e2e.main()
        written = json.loads(report.read_text())
        self.assertEqual(["synth and price", "deploy"], [step["name"] for step in written["steps"]])
        self.assertEqual([0.5, 0.62], written["estimatedRunUsd"])


class Borrower(e2e.Runner):
    """A real runner whose AWS is a moto_server on 127.0.0.1, whose commands are recorded (deploys and destroys
    do nothing), and whose waits poll without sleeping. `during` runs between the borrowing and the giving
    back: what the app would have done to the VPC."""

    def __init__(self, moto):
        super().__init__("us-east-2")
        self.moto, self.commands, self.calls, self.deleted = moto, [], [], set()

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = self.moto.client(service)
        return self._clients[service]

    def call(self, service, operation, **parameters):
        self.calls.append((service, operation, parameters))
        # moto's DeleteStack refuses this VPC's stack (DependencyViolation: it leaves the gateway attachment
        # and the NAT gateway, which CloudFormation deletes first by its dependency graph), so the delete is
        # answered here as CloudFormation answers once it is done: the stack no longer exists.
        if (service, operation) == ("cloudformation", "delete_stack"):
            self.deleted.add(parameters["StackName"])
            return {}
        if (service, operation) == ("cloudformation", "describe_stacks") and parameters.get("StackName") in self.deleted:
            raise botocore.exceptions.ClientError({"Error": {"Code": "ValidationError", "Message": (
                f"Stack with id {parameters['StackName']} does not exist")}}, "DescribeStacks")
        return super().call(service, operation, **parameters)

    def say(self, message):
        pass

    def sleep(self, seconds):
        pass

    def command(self, args, timeout, capture=False):
        self.commands.append(" ".join([pathlib.Path(args[0]).name, *args[1:]]))
        return "Nothing left: ...\n" if "verify-destroyed" in args[0] else ""

    def start(self, args):
        self.commands.append(" ".join([pathlib.Path(args[0]).name, *args[1:]]))
        return e2e.Finished()


def zoned():
    """The project as synth writes it for the default zones."""
    described = project()
    described["context"]["availabilityZones"] = ["us-east-2a", "us-east-2b", "us-east-2c"]
    return described


def nothing_to_do(runner, project_, overrides, report):
    return [("deploy", lambda: None)]


class OwnVpcTest(MotoTestCase):
    """scripts/e2e --own-vpc: the VPC is created with plain CloudFormation before the app, handed to it through
    `vpc`, compared after the destroy with what it was, and deleted; against moto_server on 127.0.0.1."""

    def setUp(self):
        super().setUp()
        self.runner = Borrower(self.moto)
        self.report = teardown_report()
        self.loaded = []

    def load(self, overrides):
        self.loaded.append(overrides)
        return zoned()

    def story(self, during=lambda outputs: None):
        described, overrides, outputs, before = e2e.borrow_vpc(self.runner, zoned(), [], self.report, self.load)
        e2e.run(self.runner, described, overrides, self.report, plan=nothing_to_do)
        during(outputs)
        e2e.give_back_vpc(self.runner, described, outputs, before, self.report)
        return outputs

    def test_the_vpc_is_made_first_lent_through_the_vpc_key_and_deleted_after_the_apps_destroy(self):
        outputs = self.story()

        self.assertEqual([["vpc=" + json.dumps(json.loads(self.loaded[0][0][4:]), separators=(",", ":")),
                           "vpcCidr=", "natGateways="]], self.loaded)
        lent = json.loads(self.loaded[0][0][4:])
        self.assertEqual(outputs["VpcId"], lent["id"])
        self.assertTrue(lent["tagSubnets"])
        self.assertEqual([outputs[f"PrivateSubnet{i}"] for i in range(3)], [s["id"] for s in lent["privateSubnets"]])
        self.assertEqual(["us-east-2a", "us-east-2b", "us-east-2c"], [s["zone"] for s in lent["publicSubnets"]])
        created = next(p for s, o, p in self.runner.calls if o == "create_stack")
        self.assertEqual("arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-2",
                         created["RoleARN"], "the CDK bootstrap's execution role makes the VPC, as it makes the app")
        self.assertEqual(["create the borrowed VPC", "deploy", "destroy Pipeline", "destroy Nodes", "destroy Cluster",
                          "destroy Network", "verify destroyed", "the borrowed VPC as it was found",
                          "delete the borrowed VPC"], [step["name"] for step in self.report["steps"]])
        self.assertEqual({"passed"}, {step["result"] for step in self.report["steps"]}, self.report)
        self.assertEqual([], self.report["borrowedVpc"]["differences"])
        self.assertEqual({"eks-pipeline-borrowed-vpc"}, self.runner.deleted)
        operations = [o for _, o, _ in self.runner.calls]
        self.assertEqual(2, operations.count("describe_subnets"), "the VPC is read before the app and after its destroy")

    def test_a_tag_the_app_left_on_a_subnet_or_a_route_it_added_fails_the_run_naming_each(self):
        ec2 = self.moto.client("ec2")

        def leave_traces(outputs):
            ec2.create_tags(Resources=[outputs["PrivateSubnet1"]],
                            Tags=[{"Key": "kubernetes.io/role/internal-elb", "Value": "1"}])
            ec2.delete_tags(Resources=[outputs["PublicSubnet2"]], Tags=[{"Key": "kubernetes.io/role/elb"}])
            ec2.create_route(RouteTableId=outputs["PrivateRouteTable"], DestinationCidrBlock="192.168.0.0/16",
                             GatewayId=ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"])
        outputs = self.story(leave_traces)

        step = next(s for s in self.report["steps"] if s["name"] == "the borrowed VPC as it was found")
        self.assertEqual("failed", step["result"])
        found = self.report["borrowedVpc"]["differences"]
        self.assertEqual(3, len(found), found)
        self.assertIn(f"{outputs['PrivateSubnet1']} tags: added ['kubernetes.io/role/internal-elb=1'], removed []", found)
        self.assertIn(f"{outputs['PublicSubnet2']} tags: added [], removed ['kubernetes.io/role/elb=1']", found)
        self.assertTrue(any(line.startswith(f"{outputs['PrivateRouteTable']} routes: added [") and "192.168.0.0/16" in line
                            for line in found), found)

    def test_a_vpc_that_cannot_be_created_fails_before_the_app_and_its_stack_is_deleted(self):
        def refuse(what, check, timeout, every=30):
            raise e2e.borrowed_vpc.Failed("the borrowed VPC's stack eks-pipeline-borrowed-vpc is ROLLBACK_COMPLETE: "
                                          "The maximum number of VPCs has been reached.")
        self.runner.wait = refuse

        with self.assertRaises(e2e.borrowed_vpc.Failed):
            e2e.borrow_vpc(self.runner, zoned(), [], self.report, self.load)

        self.assertEqual([], self.loaded, "the app is never synthesized for it, let alone deployed")
        self.assertEqual(["create the borrowed VPC", "delete the borrowed VPC"], [s["name"] for s in self.report["steps"]])
        self.assertIn("The maximum number of VPCs has been reached.", self.report["steps"][0]["detail"])
        self.assertIn(("cloudformation", "delete_stack", {"StackName": "eks-pipeline-borrowed-vpc"}),
                      self.runner.calls)
        self.assertEqual([], self.runner.commands)

    def test_the_vpc_template_lints_clean_and_the_app_accepts_what_it_lends(self):
        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in folder.iterdir()] and None or folder.rmdir())
        path = folder / "borrowed-vpc.template.json"
        path.write_text(json.dumps(e2e.borrowed_vpc.template()))
        lint = subprocess.run(["cfn-lint", "--", str(path)], capture_output=True, text=True, timeout=300, check=False)
        self.assertEqual(0, lint.returncode, lint.stdout + lint.stderr)
        # The subnets the app is handed are those of the own-vpc configuration, which the app's rules accept.
        configured = synths.configurations()["own-vpc"]["vpc"]
        lent = json.loads(e2e.borrowed_vpc.overrides(e2e.borrowed_vpc.DRY_OUTPUTS, ["us-east-2a", "us-east-2b",
                                                                                    "us-east-2c"])[0][4:])
        shape = lambda vpc: (vpc["cidr"], [(s["zone"], s["cidr"]) for s in vpc["privateSubnets"] + vpc["publicSubnets"]])  # noqa: E731
        self.assertEqual(shape(configured), shape(lent))
