"""scripts/deploy-plan and .github/workflows/deploy.yml: the plan gated by scripts/review's own classification,
the deploy of exactly the planned assembly stack by stack, the deployed commit read and written against
moto_server's CloudFormation on 127.0.0.1, the cost delta against hand-worked figures, the review against
CloudFormation's templates when the deployed commit is no ancestor, the health check and nightly drift
against botocore Stubbers. Schema validity of the workflow is checked by action-validator in scripts/test.
Run: python3 -m unittest discover --start-directory tests -p 'test_deploy_plan.py'"""
import argparse
import base64
import contextlib
import datetime
import decimal
import importlib.machinery
import importlib.util
import io
import json
import pathlib
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

import boto3
import yaml
from botocore.stub import Stubber

import project_fixture
from moto_server import MotoServer
from test_review import SNAPSHOTS, at_version, raise_max_size, renamed_cluster

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"
SCRIPT = ROOT / "scripts" / "deploy-plan"


def load_script():
    loader = importlib.machinery.SourceFileLoader("deploy_plan", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("deploy_plan", loader))
    loader.exec_module(module)
    return module


plan_script = load_script()


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def client(service):
    """A client for botocore Stubbers: never sends a request (no endpoint is reached)."""
    return boto3.client(service, region_name="us-east-2", aws_access_key_id="testing", aws_secret_access_key="testing")


class DeployWorkflowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = WORKFLOW.read_text()
        cls.workflow = yaml.safe_load(cls.text)
        cls.jobs = cls.workflow["jobs"]

    def runs(self, job):
        return [step.get("run", "") for step in self.jobs[job]["steps"]]

    def step(self, job, text):
        return next(s for s in self.jobs[job]["steps"] if text in s.get("run", "") or text in s.get("uses", ""))

    def test_plans_on_push_to_main_and_by_hand_and_checks_drift_nightly(self):
        self.assertEqual({"branches": ["main"]}, self.workflow["on"]["push"])
        self.assertIn("approve", self.workflow["on"]["workflow_dispatch"]["inputs"])
        self.assertRegex(self.workflow["on"]["schedule"][0]["cron"], r"^\d+ \d+ \* \* \*$", "every night")
        self.assertIn("github.event_name != 'schedule'", self.jobs["plan"]["if"])
        self.assertIn("github.event_name == 'schedule'", self.jobs["drift"]["if"])
        self.assertEqual(["scripts/deploy-plan drift --bootstrap-roles"],
                         [r for r in self.runs("drift") if "deploy-plan" in r])

    def test_plan_runs_the_test_command_then_plans_shows_the_summary_and_uploads_one_artifact(self):
        runs = self.runs("plan")
        test = runs.index("scripts/test")
        planned = next(i for i, r in enumerate(runs) if r.startswith("scripts/deploy-plan plan "))
        self.assertLess(test, planned)
        self.assertIn("--out target/deploy/plan", runs[planned])
        self.assertIn('cat target/deploy/plan/summary.md >> "$GITHUB_STEP_SUMMARY"', runs)
        upload = self.step("plan", "actions/upload-artifact@")
        self.assertEqual(("infrastructure-plan", "target/deploy/plan"), (upload["with"]["name"], upload["with"]["path"]))
        self.assertEqual(0, self.jobs["plan"]["steps"][0]["with"]["fetch-depth"], "the deployed commit's snapshots")

    def test_deploy_consumes_the_uploaded_artifact_and_never_synthesizes(self):
        job = self.jobs["deploy"]
        self.assertEqual("plan", job["needs"])
        download = self.step("deploy", "actions/download-artifact@")
        self.assertEqual(("infrastructure-plan", "plan"), (download["with"]["name"], download["with"]["path"]))
        text = yaml.safe_dump(job)
        for synthesizing in ("synth", "scripts/test", "mvnw", "setup-java", "scripts/review", "deploy-plan plan"):
            self.assertNotIn(synthesizing, text)
        runs = self.runs("deploy")
        deploy = runs.index('scripts/deploy-plan deploy --plan plan --approve "$APPROVE"')
        health = runs.index("scripts/deploy-plan health --plan plan --bootstrap-roles")
        record = runs.index("scripts/deploy-plan record --plan plan --bootstrap-roles")
        self.assertLess(runs.index(next(r for r in runs if "npm ci" in r)), deploy)
        self.assertEqual([deploy, health, record], sorted([deploy, health, record]), "record only after the health check")
        self.assertEqual("${{ inputs.approve }}", self.step("deploy", "deploy-plan deploy")["env"]["APPROVE"])

    def test_nothing_in_cdk_json_runs_before_a_deploy_of_an_assembly(self):
        # The CLI runs cdk.json's "build" even when --app names an assembly directory (lib/cxapp/exec.js).
        self.assertNotIn("build", json.loads((ROOT / "cdk.json").read_text()))

    def test_deploy_waits_for_the_environments_reviewers_one_at_a_time_per_app(self):
        job = self.jobs["deploy"]
        self.assertEqual("infrastructure", job["environment"])
        self.assertEqual(False, job["concurrency"]["cancel-in-progress"])
        self.assertIn("vars.APP_NAME", job["concurrency"]["group"])

    def test_every_job_assumes_the_deploy_role_through_oidc_with_no_long_lived_keys(self):
        self.assertEqual("write", self.workflow["permissions"]["id-token"])
        self.assertEqual("read", self.workflow["permissions"]["contents"])
        self.assertNotIn("secrets.", self.text)
        for job in ("plan", "deploy", "drift"):
            credentials = self.step(job, "aws-actions/configure-aws-credentials@")
            self.assertEqual("${{ vars.DEPLOY_ROLE_ARN }}", credentials["with"]["role-to-assume"])
            self.assertFalse([k for k in credentials["with"] if "access-key" in k])

    def test_the_deploy_role_may_only_assume_the_cdk_bootstrap_roles_and_trusts_main_and_its_environment(self):
        role = json.loads((ROOT / "docs" / "deploy-role.json").read_text())
        trust = role["trustPolicy"]["Statement"][0]
        self.assertEqual("sts:AssumeRoleWithWebIdentity", trust["Action"])
        equals = trust["Condition"]["StringEquals"]
        self.assertEqual("sts.amazonaws.com", equals["token.actions.githubusercontent.com:aud"])
        environment = self.jobs["deploy"]["environment"]
        self.assertEqual(["repo:OWNER/REPO:ref:refs/heads/main", f"repo:OWNER/REPO:environment:{environment}"],
                         equals["token.actions.githubusercontent.com:sub"])
        statements = role["permissionsPolicy"]["Statement"]
        self.assertEqual(["sts:AssumeRole"], sorted({s["Action"] for s in statements}))
        roles = sorted(r.split("/")[1].split("-role-")[0] for s in statements for r in s["Resource"])
        self.assertEqual(["cdk-hnb659fds-deploy", "cdk-hnb659fds-file-publishing", "cdk-hnb659fds-image-publishing",
                          "cdk-hnb659fds-lookup"], roles)
        qualifier = plan_script.QUALIFIER
        self.assertTrue(all(f"cdk-{qualifier}-" in r for s in statements for r in s["Resource"]))


# The review's own folder for these tests, so that tests/test_review.py, which the test command runs beside
# them, never sees this module's synth in target/review (nor this module its).
REVIEW_WORKDIR = str(ROOT / "target" / "review-deploy-plan")


def review_json(snapshots):
    """scripts/review --json over the shared synth, against `snapshots`: what the plan gates on."""
    folder = pathlib.Path(tempfile.mkdtemp())
    result = subprocess.run([str(ROOT / "scripts" / "review"), "--no-synth", "--workdir", REVIEW_WORKDIR,
                             "--snapshots", str(snapshots),
                             "--json", str(folder / "review.json")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, check=False)
    found = json.loads((folder / "review.json").read_text())
    shutil.rmtree(folder)
    return result, found


def plan_folder(test, made):
    """A plan folder as `plan` writes it: plan.json and an assembly (its manifest) in cdk.out/."""
    folder = pathlib.Path(tempfile.mkdtemp())
    test.addCleanup(shutil.rmtree, folder)
    (folder / "cdk.out").mkdir()
    (folder / "cdk.out" / "manifest.json").write_text("{}")
    (folder / "plan.json").write_text(json.dumps(made))
    return folder


STACKS = [{"id": stack, "name": f"eks-pipeline-{stack.lower()}"} for stack in ("Network", "Cluster", "Nodes", "Pipeline")]


class GateAndStepsTest(unittest.TestCase):
    """The approval gate and the steps, from the review's own classification over real changes."""

    @classmethod
    def setUpClass(cls):
        subprocess.run([str(ROOT / "scripts" / "review"), "--workdir", REVIEW_WORKDIR], cwd=ROOT, capture_output=True,
                       timeout=600, check=True)

    def before(self, stacks, change):
        directory = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory)
        for snapshot in SNAPSHOTS.glob("*.json"):
            shutil.copy(snapshot, directory)
        for stack in [stacks] if isinstance(stacks, str) else stacks:
            template = json.loads((directory / f"{stack}.json").read_text())
            change(template["Resources"])
            (directory / f"{stack}.json").write_text(json.dumps(template))
        return directory

    def planned(self, stacks, change):
        result, found = review_json(self.before(stacks, change))
        self.assertEqual(0, result.returncode, result.stderr)
        return found, {"commit": "c" * 40, "approvals": plan_script.gate(found),
                       "steps": plan_script.steps(found, STACKS)}

    def deployed(self, made, approve):
        folder = plan_folder(self, made)
        commands = []
        with mock.patch.object(plan_script.projects, "shared", side_effect=AssertionError("a deploy synthesized")), \
                contextlib.redirect_stdout(io.StringIO()):
            plan_script.deploy(folder, approve, run=lambda command: commands.append(command) or 0)
        for command in commands:
            self.assertEqual(["deploy", "--app", str((folder / "cdk.out").resolve()), "--exclusively"], command[1:5])
            self.assertNotIn("synth", command)
        return [command[-1] for command in commands]

    def test_a_small_change_needs_no_approval_and_deploys_every_stack_in_order(self):
        _, made = self.planned("Nodes", raise_max_size)
        self.assertEqual([], made["approvals"])
        self.assertEqual(["Network", "Cluster", "Nodes", "Pipeline"], self.deployed(made, set()))

    def test_a_stateful_replacement_needs_its_approval(self):
        found, made = self.planned("Cluster", renamed_cluster)
        self.assertIn("stateful", made["approvals"])
        self.assertIn("AWS::EKS::Cluster ClusterEB0386A7 is replaced",
                      " ".join(n["note"] for s in found["stacks"] for n in s["notes"] if n["kind"] == "stateful"))
        with self.assertRaises(plan_script.DeployFailed) as refused:
            self.deployed(made, set(made["approvals"]) - {"stateful"})
        self.assertIn("replaces or deletes a stateful resource", str(refused.exception))
        self.assertEqual(1, len(str(refused.exception).splitlines()))
        self.assertEqual(4, len(self.deployed(made, set(made["approvals"]))))

    def test_an_iam_change_needs_its_approval(self):
        def wider(resources):
            resources["SmokeTestRoleDefaultPolicy6EA68822"]["Properties"]["PolicyDocument"]["Statement"].pop()
        _, made = self.planned("Pipeline", wider)
        self.assertEqual(["iam"], made["approvals"])
        with self.assertRaises(plan_script.DeployFailed) as refused:
            self.deployed(made, set())
        self.assertIn("changes IAM permissions", str(refused.exception))

    def test_a_minor_change_needs_its_approval_and_deploys_the_control_plane_then_the_nodes_as_two_steps(self):
        found, made = self.planned(["Cluster", "Nodes"], at_version("1.35"))
        self.assertEqual(["kubernetes-minor"], made["approvals"])
        self.assertEqual(("1.35", "1.36"), (found["upgrade"]["from"], found["upgrade"]["to"]))
        by_stack = {step["stack"]: step for step in made["steps"]}
        self.assertIn("the control plane goes to 1.36", by_stack["Cluster"]["why"])
        self.assertIn("node groups that roll", by_stack["Nodes"]["why"])
        order = self.deployed(made, {"kubernetes-minor"})
        self.assertLess(order.index("Cluster"), order.index("Nodes"))
        self.assertEqual(1, order.count("Cluster"))
        self.assertEqual(1, order.count("Nodes"))

    def test_a_minor_rollback_deploys_the_nodes_before_the_control_plane(self):
        _, made = self.planned(["Cluster", "Nodes"], at_version("1.37"))
        self.assertEqual(["Nodes", "Cluster", "Network", "Pipeline"], self.deployed(made, {"kubernetes-minor"}))

    def test_a_failed_step_stops_the_deploy_and_records_nothing(self):
        _, made = self.planned("Nodes", raise_max_size)
        folder = plan_folder(self, made)
        commands = []
        with self.assertRaises(plan_script.DeployFailed) as failed, contextlib.redirect_stdout(io.StringIO()):
            plan_script.deploy(folder, set(), run=lambda command: commands.append(command) or (1 if "Nodes" in command else 0))
        self.assertEqual(["Network", "Cluster", "Nodes"], [c[-1] for c in commands])
        self.assertIn("Step 3 (Nodes) failed", str(failed.exception))

    def test_an_unknown_approval_is_refused_naming_the_kinds(self):
        with self.assertRaises(SystemExit) as refused, contextlib.redirect_stderr(io.StringIO()) as err:
            plan_script.parse(["deploy", "--approve", "stateful,everything"])
        self.assertEqual(2, refused.exception.code)
        self.assertIn("everything is not a kind of approval; the kinds are stateful, iam, kubernetes-minor", err.getvalue())


class CostDeltaTest(unittest.TestCase):
    def test_per_line_and_total_against_hand_worked_figures(self):
        old = {"lines": [{"item": "EKS control plane", "per30Days": 72.00},
                         {"item": "Nodes: t4g.medium", "per30Days": 48.38},
                         {"item": "Node root volumes (gp3)", "per30Days": 8.00}],
               "total": {"per30Days": 128.38}}
        new = {"lines": [{"item": "EKS control plane", "per30Days": 72.00},
                         {"item": "Node root volumes (gp3)", "per30Days": 10.00},
                         {"item": "Nodes: t3.large", "per30Days": 119.81},
                         {"item": "NAT gateways", "per30Days": 32.40}],
               "total": {"per30Days": 234.21}}
        delta = plan_script.cost_delta(old, new)
        d = decimal.Decimal
        # By hand: -48.38 (t4g gone) + 2.00 (volumes) + 119.81 (t3) + 32.40 (NAT) = +105.83 = 234.21 - 128.38.
        self.assertEqual([("Nodes: t4g.medium", d("48.38"), None, d("-48.38")),
                          ("Node root volumes (gp3)", d("8.00"), d("10.00"), d("2.00")),
                          ("Nodes: t3.large", None, d("119.81"), d("119.81")),
                          ("NAT gateways", None, d("32.40"), d("32.40"))],
                         [(l["item"], l["before"], l["after"], l["change"]) for l in delta["lines"]])
        self.assertEqual(d("105.83"), delta["total"]["change"])
        self.assertEqual(sum(l["change"] for l in delta["lines"]), delta["total"]["change"])
        table = plan_script.cost_table(delta)
        self.assertIn("| Nodes: t4g.medium | $48.38 | - | -$48.38 |", table)
        self.assertIn("| **Total** | **$128.38** | **$234.21** | **+$105.83** |", table)


def pipeline_template(commit_parameter=True):
    """The Pipeline stack as moto can hold it: the snapshot's parameters and its record resource (as synth
    writes them), with the CLI's metadata that a deployed template carries."""
    snapshot = json.loads((SNAPSHOTS / "Pipeline.json").read_text())
    record = {k: v for k, v in snapshot["Resources"].items() if v["Type"] == "AWS::SSM::Parameter"}
    for resource in record.values():
        resource["Metadata"] = {"aws:cdk:path": "Pipeline/DeployedCommitValue/Resource"}
        resource["Properties"].pop("Tags", None)
    record["CDKMetadata"] = {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:x"}}
    parameters = dict(snapshot["Parameters"])
    parameters["BootstrapVersion"] = dict(parameters["BootstrapVersion"], Type="String")  # moto resolves no SSM type
    if not commit_parameter:
        parameters.pop("DeployedCommit")
    return {"Parameters": parameters, "Resources": record}


class DeployedCommitTest(unittest.TestCase):
    """The record read and written through CloudFormation, against moto_server on 127.0.0.1."""

    def create(self, cloudformation, name="eks-pipeline-pipeline"):
        # moto keeps only the parameters a request names, so the stack is created with both given.
        cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(pipeline_template()), Parameters=[
            {"ParameterKey": "BootstrapVersion", "ParameterValue": "/cdk-bootstrap/hnb659fds/version"},
            {"ParameterKey": "DeployedCommit", "ParameterValue": "unrecorded"}])

    def test_unrecorded_then_recorded_keeping_every_other_parameter(self):
        commit = git("rev-parse", "HEAD")
        with MotoServer() as moto:
            cloudformation = moto.client("cloudformation")
            self.assertIsNone(plan_script.read_record(cloudformation, "eks-pipeline-pipeline"), "no stack yet")
            self.create(cloudformation)
            self.assertIsNone(plan_script.read_record(cloudformation, "eks-pipeline-pipeline"), "unrecorded")

            plan_script.write_record(cloudformation, "eks-pipeline-pipeline", commit, sleep=lambda _: None)

            self.assertEqual(commit, plan_script.read_record(cloudformation, "eks-pipeline-pipeline"))
            parameters = {p["ParameterKey"]: p["ParameterValue"] for p in
                          cloudformation.describe_stacks(StackName="eks-pipeline-pipeline")["Stacks"][0]["Parameters"]}
            self.assertEqual("/cdk-bootstrap/hnb659fds/version", parameters["BootstrapVersion"])
            # The one resource that reads the parameter was updated with it.
            self.assertEqual(commit, moto.client("ssm").get_parameter(Name="/eks-pipeline/deployed-commit")["Parameter"]["Value"])

    def test_the_deployed_command_prints_the_record(self):
        commit = git("rev-parse", "HEAD")
        with MotoServer() as moto:
            cloudformation = moto.client("cloudformation")
            self.create(cloudformation)
            plan_script.write_record(cloudformation, "eks-pipeline-pipeline", commit, sleep=lambda _: None)
            folder = tempfile.mkdtemp()
            self.addCleanup(shutil.rmtree, folder)
            (pathlib.Path(folder) / "project.json").write_text(json.dumps(project_fixture.project()))
            shown = subprocess.run([str(SCRIPT), "deployed", "--assembly", folder], cwd=ROOT, env=moto.environment(),
                                   capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(0, shown.returncode, shown.stderr)
        self.assertEqual(commit, shown.stdout.strip())


class NotAnAncestorTest(unittest.TestCase):
    """A deployed commit that is no ancestor: one line, and the review against CloudFormation's templates."""

    def test_base_of_each_case(self):
        head, parent = git("rev-parse", "HEAD"), git("rev-parse", "HEAD~1")
        self.assertEqual(("commit", parent), plan_script.base_of(parent, head))
        base, line = plan_script.base_of(head, parent)
        self.assertEqual("cloudformation", base)
        self.assertEqual(f"The deployed commit {head} is not an ancestor of {parent} (a force-push or a revert past "
                         "it): reviewing against the templates CloudFormation runs instead.", line)
        self.assertEqual("cloudformation", plan_script.base_of("0" * 40, head)[0])
        self.assertIn("not in this repository's history", plan_script.base_of("0" * 40, head)[1])
        self.assertEqual("cloudformation", plan_script.base_of(None, head)[0])

    def test_the_plan_says_so_in_one_line_and_reviews_the_templates_fetched_from_cloudformation(self):
        head, parent = git("rev-parse", "HEAD"), git("rev-parse", "HEAD~1")
        out = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, out)
        with MotoServer() as moto:
            cloudformation = moto.client("cloudformation")
            cloudformation.create_stack(StackName="eks-pipeline-pipeline", TemplateBody=json.dumps(pipeline_template()),
                                        Parameters=[{"ParameterKey": "BootstrapVersion", "ParameterValue": "x"},
                                                    {"ParameterKey": "DeployedCommit", "ParameterValue": head}])
            arguments = argparse.Namespace(out=str(out / "plan"), commit=parent, deployed=None, base_estimate=None,
                                           context=[])
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                plan_script.plan(arguments, cloudformation)
        notice = [line for line in printed.getvalue().splitlines() if "not an ancestor" in line]
        self.assertEqual([f"The deployed commit {head} is not an ancestor of {parent} (a force-push or a revert past "
                          "it): reviewing against the templates CloudFormation runs instead."], notice)
        made = json.loads((out / "plan" / "plan.json").read_text())
        self.assertEqual(("cloudformation", head, parent), (made["base"], made["deployed"], made["commit"]))
        fetched = json.loads((out / "plan" / "deployed-templates" / "Pipeline.json").read_text())
        self.assertNotIn("CDKMetadata", fetched["Resources"], "rendered like a snapshot")
        self.assertNotIn("Metadata", fetched["Resources"]["DeployedCommitValue051D1246"])
        self.assertEqual(["Pipeline.json"], sorted(p.name for p in (out / "plan" / "deployed-templates").iterdir()))
        review = (out / "plan" / "review.md").read_text()
        self.assertIn(f"compared with {out / 'plan' / 'deployed-templates'}", review)
        self.assertIn("### Network: new stack, no snapshot to compare with", review)
        self.assertIn("### Pipeline: ", review)
        self.assertNotIn("### Pipeline: no changes", review, "what CloudFormation holds is not what is planned")
        summary = (out / "plan" / "summary.md").read_text()
        self.assertIn(notice[0], summary)
        self.assertTrue((out / "plan" / "cdk.out" / "manifest.json").exists(), "the assembly to deploy")
        self.assertIn("change is unknown", summary, "no estimate of what runs")


class OverridesTest(unittest.TestCase):
    def test_with_overrides_the_plan_reviews_against_cloudformation_as_the_snapshots_are_the_defaults(self):
        head, parent = git("rev-parse", "HEAD"), git("rev-parse", "HEAD~1")
        arguments = argparse.Namespace(out="unused", commit=head, deployed=parent, base_estimate=None,
                                       context=["appName=shop"])
        arguments.out = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, arguments.out)
        fetched = []

        def fetch_then_stop(*given):
            """Where the plan fetches CloudFormation's templates; the rest of the plan is tested above."""
            fetched.append(given)
            raise plan_script.DeployFailed("stopped after the fetch")
        with mock.patch.object(plan_script, "fetch_templates", side_effect=fetch_then_stop), \
                mock.patch.object(plan_script.projects, "shared",
                                  return_value=pathlib.Path(project_fixture.assembly(self, app="shop"))), \
                contextlib.redirect_stdout(io.StringIO()) as printed, self.assertRaises(plan_script.DeployFailed):
            plan_script.plan(arguments, client("cloudformation"))
        self.assertEqual(1, len(fetched), "the templates CloudFormation runs")
        self.assertEqual("-c appName=shop is not the configuration the snapshots hold: reviewing against the templates "
                         "CloudFormation runs instead.", printed.getvalue().strip())


class HealthTest(unittest.TestCase):
    """Stack statuses, nodes Ready through the Kubernetes API, the last production deploy (Stubbers)."""

    PROJECT = {"stacks": STACKS[:1], "clusterName": "eks-pipeline", "pipeline": {"name": "eks-pipeline"}}

    def run_health(self, status, nodes, production):
        clients = {name: client(name) for name in ("cloudformation", "eks", "codepipeline")}
        stubs = {name: Stubber(c) for name, c in clients.items()}
        now = datetime.datetime(2026, 1, 1)
        stubs["cloudformation"].add_response("describe_stacks", {"Stacks": [
            {"StackName": "eks-pipeline-network", "StackStatus": status, "CreationTime": now}]},
            {"StackName": "eks-pipeline-network"})
        ca = base64.b64encode(CERTIFICATE.encode()).decode()
        stubs["eks"].add_response("describe_cluster", {"cluster": {
            "name": "eks-pipeline", "endpoint": "https://127.0.0.1:1", "certificateAuthority": {"data": ca}}},
            {"name": "eks-pipeline"})
        stubs["codepipeline"].add_response("get_pipeline_state", {"pipelineName": "eks-pipeline", "stageStates": [
            {"stageName": "Production", "latestExecution": {"pipelineExecutionId": "e", "status": production}}]},
            {"name": "eks-pipeline"})
        asked = []

        def open_url(request, context, timeout):
            asked.append((request.full_url, request.get_header("Authorization")))
            return io.BytesIO(json.dumps({"items": nodes}).encode())
        for stub in stubs.values():
            stub.activate()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                plan_script.health(self.PROJECT, clients.get, lambda: "k8s-aws-v1.token", open_url)
        finally:
            for stub in stubs.values():
                stub.assert_no_pending_responses()
        self.assertEqual([("https://127.0.0.1:1/api/v1/nodes", "Bearer k8s-aws-v1.token")], asked)

    def test_healthy(self):
        self.run_health("UPDATE_COMPLETE", [node("a", "True"), node("b", "True")], "Succeeded")

    def test_each_problem_named_in_one_line(self):
        with self.assertRaises(plan_script.DeployFailed) as failed:
            self.run_health("UPDATE_ROLLBACK_COMPLETE", [node("a", "True"), node("b", "False")], "Failed")
        self.assertEqual("Health check failed: stack eks-pipeline-network is UPDATE_ROLLBACK_COMPLETE; node b is not "
                         "Ready; the pipeline's Production stage last ended Failed.", str(failed.exception))


def node(name, ready):
    return {"metadata": {"name": name}, "status": {"conditions": [{"type": "Ready", "status": ready}]}}


# A self-signed certificate (any PEM parses for the SSL context the check builds; nothing connects).
CERTIFICATE = subprocess.run(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=127.0.0.1",
     "-days", "1"], capture_output=True, text=True, check=True).stdout


class DriftTest(unittest.TestCase):
    """Nightly drift detection names each drifted resource (Stubber: moto detects no drift)."""

    def test_names_each_drifted_resource_over_pages_and_stacks(self):
        cloudformation = client("cloudformation")
        stub = Stubber(cloudformation)
        stacks = STACKS[:2]
        for number, stack in enumerate(stacks):
            stub.add_response("detect_stack_drift", {"StackDriftDetectionId": f"d{number}"}, {"StackName": stack["name"]})
        stub.add_response("describe_stack_drift_detection_status", {
            "StackId": "a", "StackDriftDetectionId": "d0", "DetectionStatus": "DETECTION_IN_PROGRESS",
            "Timestamp": datetime.datetime(2026, 1, 1)}, {"StackDriftDetectionId": "d0"})
        for number, drifted in ((0, "DRIFTED"), (1, "IN_SYNC")):
            stub.add_response("describe_stack_drift_detection_status", {
                "StackId": "a", "StackDriftDetectionId": f"d{number}", "DetectionStatus": "DETECTION_COMPLETE",
                "StackDriftStatus": drifted, "Timestamp": datetime.datetime(2026, 1, 1)},
                {"StackDriftDetectionId": f"d{number}"})
            if number == 0:
                for page, (resource, kind, token) in enumerate((("VpcFlowLog", "AWS::EC2::FlowLog", "t"),
                                                                 ("NatGateway1", "AWS::EC2::NatGateway", None))):
                    answer = {"StackResourceDrifts": [drift(resource, kind, "MODIFIED" if page == 0 else "DELETED")]}
                    if token:
                        answer["NextToken"] = token
                    expected = {"StackName": stack_name(stacks, 0),
                                "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]}
                    if page == 1:
                        expected["NextToken"] = "t"
                    stub.add_response("describe_stack_resource_drifts", answer, expected)
            else:
                stub.add_response("describe_stack_resource_drifts", {"StackResourceDrifts": []},
                                  {"StackName": stack_name(stacks, 1),
                                   "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]})
        with stub:
            found = plan_script.drift(cloudformation, stacks, sleep=lambda _: None)
            stub.assert_no_pending_responses()
        self.assertEqual(["eks-pipeline-network: AWS::EC2::FlowLog VpcFlowLog MODIFIED",
                          "eks-pipeline-network: AWS::EC2::NatGateway NatGateway1 DELETED"], found)


def stack_name(stacks, number):
    return stacks[number]["name"]


def drift(logical_id, kind, status):
    return {"StackId": "a", "LogicalResourceId": logical_id, "ResourceType": kind, "StackResourceDriftStatus": status,
            "Timestamp": datetime.datetime(2026, 1, 1)}


class BaseEstimateTest(unittest.TestCase):
    """base_estimate: the deployed commit's own app synthesized in a worktree of that commit, then removed.
    The CDK CLI is a stand-in that writes what it was run with where synth writes the estimate."""

    FAKE = """#!/usr/bin/env bash
set -euo pipefail
out=""; context=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --output) out="$2"; shift 2 ;;
    -c) context+=("$2"); shift 2 ;;
    *) shift ;;
  esac
done
[[ -z "${FAKE_SYNTH_FAILS:-}" ]] || { echo "refused" >&2; exit 1; }
mkdir -p "$out"
python3 - "$out/cost-estimate.json" "$(git rev-parse HEAD)" "$PWD" "${AWS_PROFILE:-none}" "${context[@]}" <<'PY'
import json, os, sys
path, commit, cwd, profile, *context = sys.argv[1:]
json.dump({"commit": commit, "cwd": cwd, "profile": profile, "context": context,
           "nodeModules": os.path.exists(os.path.join(cwd, "node_modules", ".bin"))}, open(path, "w"))
PY
"""

    def setUp(self):
        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        fake = folder / "cdk"
        fake.write_text(self.FAKE)
        fake.chmod(0o755)
        patcher = mock.patch.object(plan_script.projects, "cdk", return_value=str(fake))
        patcher.start()
        self.addCleanup(patcher.stop)
        self.head = git("rev-parse", "HEAD")

    def assert_no_worktree_left(self):
        left = [line for line in git("worktree", "list", "--porcelain").splitlines()
                if line.startswith("worktree ") and "/target/deployed-" in line]
        self.assertEqual([], left)

    def test_synthesizes_that_commit_in_a_worktree_of_its_own_offline_then_removes_it(self):
        with mock.patch.dict("os.environ", {"AWS_PROFILE": "prod"}):
            estimate = plan_script.base_estimate(self.head, ["nodeGroups=[]", "clusterName=x"])
        self.assertEqual(self.head, estimate["commit"])
        cwd = pathlib.Path(estimate["cwd"])
        self.assertNotEqual(ROOT, cwd, "the deployed commit is synthesized apart from this checkout")
        self.assertEqual(["nodeGroups=[]", "clusterName=x"], estimate["context"])
        self.assertEqual("none", estimate["profile"], "the synth runs without the caller's AWS settings")
        self.assertTrue(estimate["nodeModules"], "the worktree runs the pinned CLI")
        self.assertFalse(cwd.exists(), "the worktree is removed afterwards")
        self.assert_no_worktree_left()

    def test_none_when_that_synth_fails_and_nothing_is_left(self):
        with mock.patch.dict("os.environ", {"FAKE_SYNTH_FAILS": "1"}):
            self.assertIsNone(plan_script.base_estimate(self.head, []))
        self.assert_no_worktree_left()

    def test_none_for_a_commit_this_clone_does_not_have(self):
        self.assertIsNone(plan_script.base_estimate("0" * 40, []))
        self.assert_no_worktree_left()


if __name__ == "__main__":
    unittest.main()
