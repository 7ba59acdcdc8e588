"""scripts/preflight against AWS's API models (botocore Stubbers, which check every request and answer
against the service's model), with answers shaped like AWS's: paginated, AccessDenied, throttling; the
base image's registry is a stand-in on 127.0.0.1 that answers like public.ecr.aws (a Bearer challenge,
then the manifest). The app is read from the committed snapshots, as synth writes them.
Run: python3 -m unittest discover --start-directory tests -p test_preflight.py"""
import datetime
import http.server
import importlib.machinery
import importlib.util
import io
import json
import pathlib
import re
import shutil
import sys
import tempfile
import threading
import unittest

import boto3
from botocore.stub import Stubber

from project_fixture import project
from stand_ins import JsonStandIn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
import synths  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "src" / "test" / "resources" / "snapshots"
ACCOUNT = "123456789012"
CONTROLLER = "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller"
BASE_DIGEST = "sha256:" + "66bb900643426ad01996d25bada7d56751913f9cec3b827fcb715d2ec9a0fbfc"
ADDONS = ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "metrics-server", "vpc-cni"]


def load_preflight():
    loader = importlib.machinery.SourceFileLoader("preflight", str(ROOT / "scripts" / "preflight"))
    spec = importlib.util.spec_from_loader("preflight", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


preflight = load_preflight()


def index(*architectures):
    """An OCI image index with one linux image per architecture."""
    return {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": f"sha256:{i:064d}", "size": 1000,
         "platform": {"architecture": arch, "os": "linux"}} for i, arch in enumerate(architectures)]}


class Registry(JsonStandIn):
    """public.ecr.aws as the OCI distribution spec has it: 401 with a Bearer challenge, a token, then the
    manifest or blob for that token."""
    objects = {}
    requests = []

    def do_GET(self):  # noqa: N802
        self.requests.append(self.path)
        if self.path.startswith("/token/"):
            return self.answer(200, {"token": "anonymous-pull"})
        if self.headers.get("Authorization") != "Bearer anonymous-pull":
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Bearer realm="http://127.0.0.1:{self.server.server_port}/token/",'
                                                 'service="public.ecr.aws",scope="aws"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        found = self.objects.get(self.path)
        return self.answer(200, found) if found else self.answer(404, {"errors": [{"code": "MANIFEST_UNKNOWN"}]})



def addon_page(addon, version, default=True, kubernetes="1.36"):
    return {"addons": [{"addonName": addon, "type": "networking", "addonVersions": [
        {"addonVersion": version, "architecture": ["amd64", "arm64"],
         "compatibilities": [{"clusterVersion": kubernetes, "platformVersions": ["*"], "defaultVersion": default}]}]}]}


def quota(name, code, value):
    return {"ServiceCode": "codebuild", "ServiceName": "AWS CodeBuild", "QuotaCode": code, "QuotaName": name,
            "Value": value, "Unit": "None", "Adjustable": True, "GlobalQuota": False}


def zone(name, zone_id, region="us-east-2"):
    return {"ZoneName": name, "ZoneId": zone_id, "State": "available", "RegionName": region,
            "ZoneType": "availability-zone", "OptInStatus": "opt-in-not-required"}


class PreflightTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = pathlib.Path(tempfile.mkdtemp())
        cls.addClassCleanup(shutil.rmtree, cls.folder)
        for snapshot in SNAPSHOTS.glob("*.json"):
            shutil.copy(snapshot, cls.folder / f"{snapshot.stem}.template.json")
        described = project()
        described["context"]["availabilityZones"] = ["us-east-2a", "us-east-2b", "us-east-2c"]
        cls.project = described
        cls.registry = http.server.HTTPServer(("127.0.0.1", 0), Registry)
        threading.Thread(target=cls.registry.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.registry.server_close)
        cls.addClassCleanup(cls.registry.shutdown)

    def setUp(self):
        self.app = preflight.read_app(self.folder, self.project)
        self.clients, self.stubs = {}, {}
        Registry.requests = []
        Registry.objects = {"/v2/docker/library/eclipse-temurin/manifests/" + BASE_DIGEST: index("amd64", "arm64")}

    def aws(self, service, region=None):
        key = (service, region or "us-east-2")
        if key not in self.clients:
            self.clients[key] = boto3.client(service, region_name=key[1], aws_access_key_id="testing",
                                             aws_secret_access_key="testing")
            self.stubs[key] = Stubber(self.clients[key])
            self.stubs[key].activate()
        return self.clients[key]

    def stub(self, service, region=None):
        self.aws(service, region)
        return self.stubs[(service, region or "us-east-2")]

    def run_preflight(self, upgrade=False):
        out = io.StringIO()
        status = preflight.run(self.aws, self.app, ACCOUNT, upgrade, preflight.Report(out),
                               registry_url=lambda host: f"http://127.0.0.1:{self.registry.server_port}")
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()
        return status, out.getvalue()

    # ---- the answers of a ready account ----

    def bootstrap(self, version="30"):
        self.stub("ssm").add_response("get_parameter", {"Parameter": {
            "Name": "/cdk-bootstrap/hnb659fds/version", "Type": "String", "Value": version, "Version": 3}},
            {"Name": "/cdk-bootstrap/hnb659fds/version"})

    def quotas(self, linux_small=60.0):
        stub = self.stub("service-quotas")
        # Two pages, the way Service Quotas pages a service's applied quotas; ARM/Medium is not among them.
        stub.add_response("list_service_quotas", {"Quotas": [
            quota("Build projects", "L-ACCF6C0D", 5000.0)], "NextToken": "page-2"}, {"ServiceCode": "codebuild"})
        stub.add_response("list_service_quotas", {"Quotas": [
            quota("Concurrently running builds for Linux/Small environment", "L-9D07B6EF", linux_small)]},
            {"ServiceCode": "codebuild", "NextToken": "page-2"})
        stub.add_response("list_aws_default_service_quotas", {"Quotas": [
            quota("Concurrently running builds for ARM/Medium environment", "L-ARMMEDIUM", 1.0),
            quota("Concurrently running builds for Linux/Small environment", "L-9D07B6EF", 1.0)]},
            {"ServiceCode": "codebuild"})

    def zones(self, *zones):
        self.stub("ec2").add_response("describe_availability_zones", {"AvailabilityZones": list(zones) or [
            zone("us-east-2a", "use2-az1"), zone("us-east-2b", "use2-az2"), zone("us-east-2c", "use2-az3")]}, {})

    def addons(self, **pages):
        for addon in ADDONS:
            self.stub("eks").add_response("describe_addon_versions",
                                          pages.get(addon.replace("-", "_")) or addon_page(addon, "v1.0.0-eksbuild.1"),
                                          {"addonName": addon, "kubernetesVersion": "1.36"})

    def controller(self, answer=None):
        self.stub("ecr", "us-west-2").add_response("batch_get_image", answer or {"images": [{
            "registryId": "602401143452", "repositoryName": "amazon/aws-load-balancer-controller",
            "imageId": {"imageTag": "v2.17.1", "imageDigest": "sha256:" + "1" * 64},
            "imageManifest": json.dumps(index("amd64", "arm64")),
            "imageManifestMediaType": "application/vnd.oci.image.index.v1+json"}], "failures": []},
            {"registryId": "602401143452", "repositoryName": "amazon/aws-load-balancer-controller",
             "imageIds": [{"imageTag": "v2.17.1"}], "acceptedMediaTypes": preflight.INDEX_TYPES + preflight.MANIFEST_TYPES})

    def ready(self, **changes):
        """Every answer of an account where nothing blocks, but those named in `changes` (a callable each)."""
        for name in ("bootstrap", "quotas", "zones", "addons", "controller"):
            changes.get(name, getattr(self, name))()

    # ---- tests ----

    def test_reads_what_to_check_from_the_synthesized_templates_and_the_pom(self):
        self.assertEqual(ADDONS, self.app["addons"])
        self.assertEqual(["arm64"], self.app["architectures"], "t4g nodes: AL2023_ARM_64_STANDARD")
        self.assertEqual({"repository": CONTROLLER, "tag": "v2.17.1"}, self.app["controllerImage"])
        self.assertEqual((6, "/cdk-bootstrap/hnb659fds/version"), self.app["bootstrap"],
                         "the CheckBootstrapVersion rule refuses 1 to 5")
        self.assertEqual({("ARM_CONTAINER", "BUILD_GENERAL1_MEDIUM"): 1, ("LINUX_CONTAINER", "BUILD_GENERAL1_SMALL"): 2},
                         self.app["buildEnvironments"])
        self.assertTrue(self.app["baseImage"].startswith("public.ecr.aws/docker/library/eclipse-temurin:"))
        self.assertTrue(self.app["baseImage"].endswith("@" + BASE_DIGEST))

    def test_a_ready_account_passes_with_one_line_per_check(self):
        self.ready()

        status, out = self.run_preflight()

        self.assertEqual(0, status, out)
        lines = out.splitlines()
        self.assertEqual(["ok"] * 12, [line.split()[0] for line in lines[:-1]], out)
        self.assertIn("CDK bootstrap version 30 in aws://123456789012/us-east-2 (the templates need 6 or newer)", out)
        self.assertIn("Concurrently running builds for Linux/Small environment: 60 (L-9D07B6EF", out)
        self.assertIn("Concurrently running builds for ARM/Medium environment: 1 (L-ARMMEDIUM", out)
        self.assertIn("us-east-2a (use2-az1), us-east-2b (use2-az2), us-east-2c (use2-az3): every zone ID supported", out)
        self.assertIn("metrics-server v1.0.0-eksbuild.1, AWS's default for Kubernetes 1.36", out)
        self.assertIn(f"{CONTROLLER}:v2.17.1 exists for linux/amd64, linux/arm64 (nodes: arm64)", out)
        self.assertIn(f"the base image {self.app['baseImage']} exists for linux/amd64, linux/arm64", out)
        self.assertEqual("0 blocker(s), 0 warning(s), 0 check(s) AWS did not answer.", lines[-1])
        self.assertEqual("/token/?service=public.ecr.aws&scope=repository:docker/library/eclipse-temurin:pull",
                         Registry.requests[1], "an anonymous pull token, as public.ecr.aws hands out")

    def test_a_new_account_is_blocked_with_what_to_do_for_each_blocker(self):
        self.app["zones"] = ["us-east-1a", "us-east-1b"]
        self.app["region"] = "us-east-1"

        def no_bootstrap():
            self.stub("ssm").add_client_error("get_parameter", "ParameterNotFound", "Parameter not found", 400,
                                              expected_params={"Name": "/cdk-bootstrap/hnb659fds/version"})
        self.ready(bootstrap=no_bootstrap, quotas=lambda: self.quotas(linux_small=0.0),
                   zones=lambda: self.zones(zone("us-east-1a", "use1-az2", "us-east-1"),
                                            zone("us-east-1b", "use1-az3", "us-east-1"),
                                            zone("us-east-1c", "use1-az4", "us-east-1")))

        status, out = self.run_preflight()

        self.assertEqual(1, status, out)
        blocks = [line for line in out.splitlines() if line.startswith("BLOCK")]
        self.assertEqual(3, len(blocks), out)
        self.assertIn("aws://123456789012/us-east-1 is not bootstrapped for CDK (/cdk-bootstrap/hnb659fds/version does "
                      "not exist): run npx cdk bootstrap aws://123456789012/us-east-1", blocks[0])
        self.assertIn("Concurrently running builds for Linux/Small environment is 0 (L-9D07B6EF): every build would "
                      "fail with \"Cannot have more than 0 builds in queue for the account\"", blocks[1])
        self.assertIn("aws service-quotas request-service-quota-increase --service-code codebuild --quota-code "
                      "L-9D07B6EF --desired-value 2 --region us-east-1", blocks[1])
        self.assertIn("availabilityZones names us-east-1b, zone ID use1-az3 in this account, where EKS cannot place a "
                      "cluster (UnsupportedAvailabilityZoneException): replace it, choose from us-east-1c", blocks[2])
        self.assertTrue(out.rstrip().endswith("3 blocker(s), 0 warning(s), 0 check(s) AWS did not answer. "
                                              "Fix the blockers before deploying."), out)

    def test_a_bootstrap_older_than_the_templates_need_blocks(self):
        self.ready(bootstrap=lambda: self.bootstrap("5"))

        status, out = self.run_preflight()

        self.assertEqual(1, status)
        self.assertIn("BLOCK   bootstrap  CDK bootstrap version 5 in aws://123456789012/us-east-2, the templates need 6 "
                      "or newer: run npx cdk bootstrap aws://123456789012/us-east-2", out)

    def test_a_zone_the_account_does_not_have_blocks(self):
        self.app["zones"] = ["us-east-2a", "us-east-2d"]
        self.ready()

        status, out = self.run_preflight()

        self.assertEqual(1, status)
        self.assertIn("availabilityZones names us-east-2d, which is not a zone of us-east-2 for this account: choose "
                      "from us-east-2b, us-east-2c", out)

    def test_access_denied_and_throttling_say_what_to_allow_or_do_and_do_not_block(self):
        def denied():
            self.stub("ssm").add_client_error(
                "get_parameter", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/dev is not authorized "
                "to perform: ssm:GetParameter", 400, expected_params={"Name": "/cdk-bootstrap/hnb659fds/version"})

        def throttled():
            self.stub("service-quotas").add_client_error("list_service_quotas", "TooManyRequestsException",
                                                         "Rate exceeded", 400, expected_params={"ServiceCode": "codebuild"})
        self.ready(bootstrap=denied, quotas=throttled)

        status, out = self.run_preflight()

        self.assertEqual(0, status, out)
        self.assertIn("UNKNOWN bootstrap  AWS refused GetParameter (AccessDeniedException): allow ssm:GetParameter for "
                      "these credentials", out)
        self.assertIn("UNKNOWN codebuild  AWS throttled ListServiceQuotas (TooManyRequestsException) after the SDK's "
                      "retries: run scripts/preflight again in a minute", out)
        self.assertIn("0 blocker(s), 0 warning(s), 2 check(s) AWS did not answer.", out)

    def test_an_add_on_without_a_default_is_a_warning_and_one_without_any_version_blocks(self):
        metrics = addon_page("metrics-server", "v0.8.0-eksbuild.2", default=False)
        metrics["addons"][0]["addonVersions"].append(
            addon_page("metrics-server", "v0.7.2-eksbuild.1", default=False)["addons"][0]["addonVersions"][0])
        self.ready(addons=lambda: self.addons(metrics_server=metrics,
                                              coredns=addon_page("coredns", "v1.13.1-eksbuild.1", kubernetes="1.37")))

        status, out = self.run_preflight()

        self.assertEqual(1, status)
        self.assertIn("WARN    add-ons    metrics-server: AWS marks no default for Kubernetes 1.36; the deploy takes the "
                      "newest compatible version, v0.8.0-eksbuild.2, and says so in the Cluster stack's events", out)
        self.assertIn("BLOCK   add-ons    AWS lists no version of coredns compatible with Kubernetes 1.36 in this "
                      "region: choose a kubernetesVersion it supports", out)

    def test_images_missing_or_without_the_nodes_architecture_block(self):
        def missing():
            self.controller({"images": [], "failures": [{"imageId": {"imageTag": "v2.17.1"},
                                                         "failureCode": "ImageNotFound",
                                                         "failureReason": "Requested image not found"}]})
        self.ready(controller=missing)
        Registry.objects = {"/v2/docker/library/eclipse-temurin/manifests/" + BASE_DIGEST: {
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + "c" * 64,
                       "size": 10}, "layers": []},
            "/v2/docker/library/eclipse-temurin/blobs/sha256:" + "c" * 64: {"architecture": "amd64", "os": "linux"}}

        status, out = self.run_preflight()

        self.assertEqual(1, status)
        self.assertIn(f"BLOCK   images     {CONTROLLER}:v2.17.1 does not exist (ImageNotFound: Requested image not "
                      "found): set an AlbControllerVersion whose image exists", out)
        self.assertIn(f"the base image {self.app['baseImage']} has no linux/arm64 image, which the nodes (arm64) need", out)

    def test_a_controller_image_of_the_other_architecture_blocks_and_a_missing_base_digest_blocks(self):
        self.ready(controller=lambda: self.controller({"images": [{
            "registryId": "602401143452", "repositoryName": "amazon/aws-load-balancer-controller",
            "imageId": {"imageTag": "v2.17.1"}, "imageManifest": json.dumps(index("amd64"))}], "failures": []}))
        Registry.objects = {}

        status, out = self.run_preflight()

        self.assertEqual(1, status)
        self.assertIn(f"{CONTROLLER}:v2.17.1 has no linux/arm64 image", out)
        self.assertIn(f"the base image {self.app['baseImage']} does not exist in public.ecr.aws: set jib.base in "
                      "app/pom.xml to a digest that does", out)

    # ---- --upgrade ----

    def insight(self, insight_id, name, status, reason, deprecations=()):
        now = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
        self.stub("eks").add_response("describe_insight", {"insight": {
            "id": insight_id, "name": name, "category": "UPGRADE_READINESS", "kubernetesVersion": "1.36",
            "lastRefreshTime": now, "lastTransitionTime": now, "description": f"Checks for {name}.",
            "insightStatus": {"status": status, "reason": reason},
            "recommendation": "Update the clients to the replacement API before upgrading.",
            "categorySpecificSummary": {"deprecationDetails": list(deprecations)}}},
            {"clusterName": "eks-pipeline", "id": insight_id})

    def summary(self, insight_id, name, status):
        now = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
        return {"id": insight_id, "name": name, "category": "UPGRADE_READINESS", "kubernetesVersion": "1.36",
                "lastRefreshTime": now, "lastTransitionTime": now, "insightStatus": {"status": status}}

    def test_upgrade_lists_each_insight_and_deprecated_api_and_an_error_blocks(self):
        eks = self.stub("eks")
        query = {"clusterName": "eks-pipeline", "filter": {"categories": ["UPGRADE_READINESS"]}}
        eks.add_response("list_insights", {"insights": [self.summary("a1", "Deprecated APIs removed in Kubernetes v1.36",
                                                                     "ERROR")], "nextToken": "next"}, query)
        eks.add_response("list_insights", {"insights": [self.summary("b2", "Kubelet version skew", "PASSING")]},
                         {**query, "nextToken": "next"})
        self.insight("a1", "Deprecated APIs removed in Kubernetes v1.36", "ERROR",
                     "Deprecated API usage detected within last 30 days.", [{
                         "usage": "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas",
                         "replacedWith": "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
                         "stopServingVersion": "1.36", "startServingReplacementVersion": "1.29",
                         "clientStats": [{"userAgent": "kube-controller-manager", "numberOfRequestsLast30Days": 42,
                                          "lastRequestTime": datetime.datetime(2026, 11, 30,
                                                                               tzinfo=datetime.timezone.utc)}]}])
        self.insight("b2", "Kubelet version skew", "PASSING", "Node kubelet versions match the cluster version.")
        self.addons()

        status, out = self.run_preflight(upgrade=True)

        self.assertEqual(1, status, out)
        lines = out.splitlines()
        self.assertEqual("BLOCK   insights   Deprecated APIs removed in Kubernetes v1.36 (for Kubernetes 1.36): ERROR, "
                         "Deprecated API usage detected within last 30 days.. Update the clients to the replacement API "
                         "before upgrading.", lines[0])
        self.assertEqual("        insights     deprecated /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas -> "
                         "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas, no longer served from 1.36; called by "
                         "kube-controller-manager (42 in 30 days)", lines[1])
        self.assertEqual("ok      insights   Kubelet version skew (for Kubernetes 1.36): PASSING, Node kubelet versions "
                         "match the cluster version.", lines[2])
        self.assertEqual(6, sum(1 for line in lines if " add-ons " in line))

    def test_upgrade_of_a_cluster_that_is_not_deployed_blocks_in_one_line(self):
        self.stub("eks").add_client_error("list_insights", "ResourceNotFoundException", "No cluster found for name: "
                                          "eks-pipeline.", 404, expected_params={
                                              "clusterName": "eks-pipeline",
                                              "filter": {"categories": ["UPGRADE_READINESS"]}})
        self.addons()

        status, out = self.run_preflight(upgrade=True)

        self.assertEqual(1, status)
        self.assertIn("BLOCK   insights   cluster eks-pipeline is not deployed in us-east-2", out)


class FakeSession:
    """A boto3 session acting in `account`: each client a Stubber's, by (account, service, region)."""

    def __init__(self, test, account):
        self.test, self.account = test, account

    def client(self, service, region_name=None, config=None):
        return self.test.aws(self.account, service, region_name or "us-east-2")


class AccountsTest(unittest.TestCase):
    """With production in an account and region of its own (the two-accounts configuration, as synth writes it),
    every account is checked with its own credentials (a profile each), each stage's cluster in its region and
    version, and the stage account's bootstrap for its trust in the delivery account."""

    @classmethod
    def setUpClass(cls):
        folder = synths.named("two-accounts")
        cls.project = json.loads((pathlib.Path(folder) / "project.json").read_text())
        cls.app = preflight.read_app(folder, cls.project)
        cls.registry = http.server.HTTPServer(("127.0.0.1", 0), Registry)
        threading.Thread(target=cls.registry.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.registry.server_close)
        cls.addClassCleanup(cls.registry.shutdown)

    def setUp(self):
        self.clients, self.stubs, self.called = {}, {}, set()
        Registry.objects = {"/v2/docker/library/eclipse-temurin/manifests/" + BASE_DIGEST: index("amd64", "arm64")}

    def aws(self, account, service, region):
        key = (account, service, region)
        if key not in self.clients:
            self.clients[key] = boto3.client(service, region_name=region, aws_access_key_id="testing",
                                             aws_secret_access_key="testing")
            self.clients[key].meta.events.register(
                "before-parameter-build", lambda model, **_: self.called.add((account, service, model.name)))
            self.stubs[key] = Stubber(self.clients[key])
            self.stubs[key].activate()
        return self.clients[key]

    def stub(self, account, service, region):
        self.aws(account, service, region)
        return self.stubs[(account, service, region)]

    def identity(self, account):
        self.stub(account, "sts", "us-east-2").add_response("get_caller_identity", {
            "Account": account, "Arn": f"arn:aws:iam::{account}:user/dev", "UserId": "AIDAEXAMPLE"}, {})

    def bootstrapped(self, account, region, version="30"):
        self.stub(account, "ssm", region).add_response("get_parameter", {"Parameter": {
            "Name": "/cdk-bootstrap/hnb659fds/version", "Type": "String", "Value": version, "Version": 3}},
            {"Name": "/cdk-bootstrap/hnb659fds/version"})

    def toolkit(self, account, region, trusted, policies=""):
        self.stub(account, "cloudformation", region).add_response("describe_stacks", {"Stacks": [{
            "StackName": "CDKToolkit", "StackStatus": "UPDATE_COMPLETE",
            "CreationTime": datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc),
            "Parameters": [{"ParameterKey": "TrustedAccounts", "ParameterValue": trusted},
                           {"ParameterKey": "TrustedAccountsForLookup", "ParameterValue": ""},
                           {"ParameterKey": "CloudFormationExecutionPolicies", "ParameterValue": policies}]}]},
            {"StackName": "CDKToolkit"})

    def cluster(self, account, region, version):
        self.stub(account, "ec2", region).add_response("describe_availability_zones", {"AvailabilityZones": [
            zone(f"{region}{z}", f"{region[:2]}{region.split('-')[1][0]}{region[-1]}-az{i}", region)
            for i, z in enumerate("abc", 1)]}, {})
        for addon in self.app["addons"]:  # the configuration's, observability's add-on among them
            self.stub(account, "eks", region).add_response("describe_addon_versions",
                                                           addon_page(addon, "v1.0.0-eksbuild.1", kubernetes=version),
                                                           {"addonName": addon, "kubernetesVersion": version})

    def pipeline(self, account):
        quotas = self.stub(account, "service-quotas", "us-east-2")
        quotas.add_response("list_service_quotas", {"Quotas": [
            quota("Concurrently running builds for Linux/Small environment", "L-9D07B6EF", 60.0),
            quota("Concurrently running builds for ARM/Medium environment", "L-ARMMEDIUM", 4.0)]},
            {"ServiceCode": "codebuild"})
        self.stub(account, "ecr", "us-west-2").add_response("batch_get_image", {"images": [{
            "registryId": "602401143452", "repositoryName": "amazon/aws-load-balancer-controller",
            "imageId": {"imageTag": "v2.17.1"}, "imageManifest": json.dumps(index("amd64", "arm64"))}], "failures": []},
            {"registryId": "602401143452", "repositoryName": "amazon/aws-load-balancer-controller",
             "imageIds": [{"imageTag": "v2.17.1"}], "acceptedMediaTypes": preflight.INDEX_TYPES + preflight.MANIFEST_TYPES})

    def delivery_account(self):
        """The delivery account, 111111111111, where the pipeline and staging (Kubernetes 1.36) are."""
        self.identity("111111111111")
        self.bootstrapped("111111111111", "us-east-2")
        self.pipeline("111111111111")
        self.cluster("111111111111", "us-east-2", "1.36")

    def run_preflight(self):
        out = io.StringIO()
        credentials = preflight.projects.Credentials(
            "us-east-2", ["222222222222=production"],
            make=lambda region, profile=None: FakeSession(self, "222222222222" if profile else "111111111111"))
        status = preflight.run_everywhere(credentials, self.app, self.project, report=preflight.Report(out),
                                          registry_url=lambda host: f"http://127.0.0.1:{self.registry.server_port}")
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()
        return status, out.getvalue()

    def test_a_stage_account_whose_bootstrap_does_not_trust_the_delivery_account_blocks_with_the_command(self):
        self.delivery_account()
        self.identity("222222222222")
        self.bootstrapped("222222222222", "us-west-2")
        self.toolkit("222222222222", "us-west-2", "333333333333", "arn:aws:iam::aws:policy/PowerUserAccess")
        self.cluster("222222222222", "us-west-2", "1.35")

        status, out = self.run_preflight()

        self.assertEqual(1, status, out)
        self.assertEqual(["BLOCK   trust      the CDK bootstrap in aws://222222222222/us-west-2 does not trust the delivery "
                          "account 111111111111 (TrustedAccounts: 333333333333), so cdk deploy cannot deploy the stage's "
                          "stacks there: run npx cdk bootstrap aws://222222222222/us-west-2 --trust 333333333333 --trust "
                          "111111111111 --cloudformation-execution-policies arn:aws:iam::aws:policy/PowerUserAccess"],
                         [line for line in out.splitlines() if line.startswith("BLOCK")])
        lines = out.splitlines()
        self.assertEqual("Checking account 111111111111, region us-east-2, for eks-pipeline (cluster eks-pipeline-staging, "
                         "Kubernetes 1.36, the pipeline; nodes arm64).", lines[0])
        production = lines.index("Checking account 222222222222, region us-west-2, for eks-pipeline (cluster "
                                 "eks-pipeline-production, Kubernetes 1.35; nodes arm64).")
        self.assertIn("CDK bootstrap version 30 in aws://222222222222/us-west-2", lines[production + 1])
        self.assertEqual(len(self.app["addons"]), sum(1 for line in lines[production:]
                                                      if "AWS's default for Kubernetes 1.35" in line))
        self.assertEqual(1, sum(1 for line in lines if " codebuild " in line and "Linux/Small" in line),
                         "the build quotas are the pipeline's, checked once")
        self.assertTrue(lines[-1].startswith("1 blocker(s)"), out)
        # What preflight asks in the stage account, the read-only role there allows (docs/inspect-role.json).
        role = json.loads((ROOT / "docs" / "inspect-role.json").read_text())
        granted = {a for s in role["permissionsPolicy"]["Statement"] for a in s["Action"]}
        prefix = {"ssm": "ssm", "cloudformation": "cloudformation", "ec2": "ec2", "eks": "eks", "sts": "sts"}
        asked = {f"{prefix[service]}:{name}" for account, service, name in self.called if account == "222222222222"}
        self.assertEqual({"sts:GetCallerIdentity", "ssm:GetParameter", "cloudformation:DescribeStacks",
                          "ec2:DescribeAvailabilityZones", "eks:DescribeAddonVersions"}, asked)
        self.assertEqual(set(), asked - granted)

    def test_a_trusting_stage_account_passes_and_one_not_bootstrapped_is_told_the_whole_command(self):
        for bootstrapped, expected in ((True, "ok      trust      the CDK bootstrap in aws://222222222222/us-west-2 "
                                              "trusts the delivery account 111111111111 (TrustedAccounts: 111111111111)"),
                                       (False, "BLOCK   bootstrap  aws://222222222222/us-west-2 is not bootstrapped for "
                                               "CDK (/cdk-bootstrap/hnb659fds/version does not exist): run npx cdk "
                                               "bootstrap aws://222222222222/us-west-2 --trust 111111111111 "
                                               "--cloudformation-execution-policies "
                                               "arn:aws:iam::aws:policy/AdministratorAccess")):
            with self.subTest(bootstrapped=bootstrapped):
                self.setUp()
                self.delivery_account()
                self.identity("222222222222")
                if bootstrapped:
                    self.bootstrapped("222222222222", "us-west-2")
                    self.toolkit("222222222222", "us-west-2", "111111111111")
                else:
                    self.stub("222222222222", "ssm", "us-west-2").add_client_error(
                        "get_parameter", "ParameterNotFound", "Parameter not found", 400,
                        expected_params={"Name": "/cdk-bootstrap/hnb659fds/version"})
                self.cluster("222222222222", "us-west-2", "1.35")

                status, out = self.run_preflight()

                self.assertEqual(0 if bootstrapped else 1, status, out)
                self.assertIn(expected, out.splitlines())
                self.assertEqual(0 if bootstrapped else 1, out.count("BLOCK"), out)
                self.assertEqual(bootstrapped, any(line.split()[1:2] == ["trust"] for line in out.splitlines()),
                                 "the trust is asked of a bootstrapped account only")

    def test_each_stages_cluster_is_checked_for_observabilitys_add_on_too(self):
        self.assertEqual(sorted(ADDONS + ["amazon-cloudwatch-observability"]), self.app["addons"])
        self.delivery_account()
        self.identity("222222222222")
        self.bootstrapped("222222222222", "us-west-2")
        self.toolkit("222222222222", "us-west-2", "111111111111")
        self.cluster("222222222222", "us-west-2", "1.35")
        status, out = self.run_preflight()
        self.assertEqual(0, status, out)
        self.assertEqual(2, sum(1 for line in out.splitlines() if "amazon-cloudwatch-observability" in line), out)

    def test_the_same_account_needs_no_trust_and_the_bootstrap_stack_is_not_asked_for(self):
        project = json.loads(json.dumps(self.project).replace("222222222222", "111111111111"))
        self.delivery_account()
        self.bootstrapped("111111111111", "us-west-2")
        self.cluster("111111111111", "us-west-2", "1.35")
        out = io.StringIO()
        credentials = preflight.projects.Credentials("us-east-2", make=lambda region, profile=None: FakeSession(
            self, "111111111111"))

        status = preflight.run_everywhere(credentials, self.app, project, report=preflight.Report(out),
                                          registry_url=lambda host: f"http://127.0.0.1:{self.registry.server_port}")

        for stub in self.stubs.values():
            stub.assert_no_pending_responses()
        self.assertEqual(0, status, out.getvalue())
        self.assertNotIn("trust", out.getvalue())


class VpcPreflightTest(unittest.TestCase):
    """With an existing VPC (the own-vpc configuration, synthesized as the test run shares it), the dry run
    makes the checks of the deploy's Custom::VpcPreflight, with the same code, and never tags anything."""

    @classmethod
    def setUpClass(cls):
        folder = synths.named("own-vpc")
        cls.project = json.loads((pathlib.Path(folder) / "project.json").read_text())
        cls.app = preflight.read_app(folder, cls.project)
        cls.vpc = cls.app["vpc"]

    def setUp(self):
        self.ec2 = boto3.client("ec2", region_name="us-east-2", aws_access_key_id="testing",
                                aws_secret_access_key="testing")
        self.stub = Stubber(self.ec2)
        self.stub.activate()

    def check(self, app=None):
        out = io.StringIO()
        report = preflight.Report(out)
        preflight.check_vpc(lambda service, region=None: self.ec2, app or self.app, report)
        self.stub.assert_no_pending_responses()
        return report, out.getvalue()

    def subnets(self, changes=None, tags=True):
        """The configured subnets as EC2 describes them (tagged for load balancers), `changes` by subnet ID."""
        found = []
        for key, tag in (("PrivateSubnets", "kubernetes.io/role/internal-elb"), ("PublicSubnets", "kubernetes.io/role/elb")):
            for wanted in self.vpc[key]:
                subnet = {"SubnetId": wanted["Id"], "VpcId": self.vpc["VpcId"], "AvailabilityZone": wanted["Zone"],
                          "CidrBlock": wanted["Cidr"], "AvailableIpAddressCount": 8000, "State": "available",
                          "Tags": [{"Key": tag, "Value": "1"}] if tags else []}
                subnet.update((changes or {}).get(wanted["Id"], {}))
                found.append(subnet)
        self.stub.add_response("describe_subnets", {"Subnets": found},
                               {"Filters": [{"Name": "vpc-id", "Values": [self.vpc["VpcId"]]}]})

    def routes(self, via_nat=True, endpoints=None):
        tables = sorted({s["RouteTableId"] for s in self.vpc["PrivateSubnets"]})
        answer = [{"RouteTableId": t, "VpcId": self.vpc["VpcId"], "Routes": [
            {"DestinationCidrBlock": "10.20.0.0/16", "GatewayId": "local", "State": "active"}]
            + ([{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0123456789abcdef0", "State": "active"}]
               if via_nat else [])} for t in tables]
        self.stub.add_response("describe_route_tables", {"RouteTables": answer}, {"RouteTableIds": tables})
        if not via_nat:
            self.stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [
                {"VpcEndpointId": f"vpce-{i:017x}", "ServiceName": f"com.amazonaws.us-east-2.{name}", "State": "available"}
                for i, name in enumerate(endpoints or [])]}, {"Filters": [{"Name": "vpc-id", "Values": [self.vpc["VpcId"]]}]})

    def test_reads_the_checks_the_deploy_makes_from_the_synthesized_network_stack(self):
        self.assertEqual("vpc-0a1b2c3d4e5f60718", self.vpc["VpcId"])
        self.assertEqual("true", self.vpc["TagSubnets"])
        self.assertEqual(["us-east-2a", "us-east-2b", "us-east-2c"], [s["Zone"] for s in self.vpc["PrivateSubnets"]])
        self.assertTrue(all(int(s["AddressesNeeded"]) > 0 for s in self.vpc["PrivateSubnets"]), self.vpc)
        self.assertIn("eks-auth", self.vpc["Endpoints"])
        self.assertIsNone(preflight.read_app(synths.named("default"), project())["vpc"],
                          "the default builds its own VPC: nothing to check")

    def test_a_ready_vpc_passes_in_one_line(self):
        self.subnets()
        self.routes()

        report, out = self.check()

        self.assertEqual(0, report.blockers, out)
        self.assertEqual(["ok      vpc        vpc-0a1b2c3d4e5f60718: 6 subnets in their zones and ranges, free addresses "
                          "for the worst case, internet egress or the private cluster's endpoints"], out.splitlines())

    def test_each_problem_blocks_in_a_line_of_its_own(self):
        first, second = self.vpc["PrivateSubnets"][0], self.vpc["PrivateSubnets"][1]
        self.subnets({first["Id"]: {"AvailableIpAddressCount": 12}, second["Id"]: {"AvailabilityZone": "us-east-2c"}})
        self.routes(via_nat=False, endpoints=["s3", "sts"])

        report, out = self.check()

        blocks = [line for line in out.splitlines() if line.startswith("BLOCK")]
        self.assertEqual(2 + 3, report.blockers, out)
        self.assertIn(f"subnet {first['Id']} has 12 free addresses but the worst case in us-east-2a takes "
                      f"{first['AddressesNeeded']}", blocks[0])
        self.assertIn(f"subnet {second['Id']} is in us-east-2c, not us-east-2b as configured", blocks[1])
        self.assertTrue(all("sends no 0.0.0.0/0 through a NAT gateway" in b and "eks-auth" in b and " s3," not in b
                            for b in blocks[2:]), blocks)

    def test_endpoints_instead_of_nat_pass(self):
        self.subnets()
        self.routes(via_nat=False, endpoints=self.vpc["Endpoints"])

        report, out = self.check()

        self.assertEqual(0, report.blockers, out)

    def test_missing_tags_block_unless_the_deploy_adds_them_and_the_dry_run_adds_none(self):
        without = dict(self.vpc, TagSubnets="false")
        self.subnets(tags=False)
        self.routes()

        report, out = self.check(dict(self.app, vpc=without))

        self.assertEqual(6, report.blockers, out)
        self.assertIn(f"subnet {self.vpc['PublicSubnets'][0]['Id']} lacks the tag kubernetes.io/role/elb, which the "
                      "load balancer controller places load balancers by: add it (value 1), or set vpc.tagSubnets to "
                      "true to let the app add it.", out)

        self.subnets(tags=False)
        self.routes()

        report, out = self.check()  # tagSubnets: the Stubber refuses any CreateTags, so none is made

        self.assertEqual(0, report.blockers, out)
        self.assertEqual(6, out.count("the deploy adds it (vpc.tagSubnets) and the destroy removes it"), out)

    def test_the_end_to_end_role_allows_every_call_of_the_vpc_checks(self):
        role = json.loads((ROOT / "docs" / "e2e-role.json").read_text())
        allowed = {a for s in role["permissionsPolicy"]["Statement"] if s["Effect"] == "Allow"
                   for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
        source = (ROOT / "lambda" / "vpc_preflight" / "vpc_preflight.py").read_text()
        reads = {"ec2:" + self.ec2.meta.method_to_api_mapping[m]
                 for m in re.findall(r'ec2\.(?:get_paginator\(")?(describe_[a-z_]+)', source)}
        self.assertEqual({"ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeVpcEndpoints"}, reads)
        self.assertEqual(set(), reads - allowed)


if __name__ == "__main__":
    unittest.main()
