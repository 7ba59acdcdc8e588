"""The add-on version lookup against EKS's API as botocore describes it (a Stubber at the client, which
checks every request and response against the service model), answering a stand-in for CloudFormation's
ResponseURL on 127.0.0.1. Run: python3 -m unittest discover --start-directory lambda/addon_versions"""
import http.server
import pathlib
import sys
import threading
import unittest
import urllib.request

import boto3
from botocore.stub import Stubber

import addon_versions

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests"))
from stand_ins import CloudFormationStandIn  # noqa: E402


def listed(addon, *versions):
    """A DescribeAddonVersions page: (version, {clusterVersion: defaultVersion}) for each version."""
    return {"addons": [{"addonName": addon, "type": "networking", "addonVersions": [
        {"addonVersion": version, "architecture": ["amd64", "arm64"],
         "compatibilities": [{"clusterVersion": cluster, "platformVersions": ["*"], "defaultVersion": default}
                             for cluster, default in clusters.items()]}
        for version, clusters in versions]}]}


class AddonVersionsTest(unittest.TestCase):
    def setUp(self):
        self.eks = boto3.client("eks", region_name="us-east-2", aws_access_key_id="testing",
                                aws_secret_access_key="testing")
        self.stub = Stubber(self.eks)
        self.stub.activate()
        CloudFormationStandIn.answers = self.received = []
        self.server = http.server.HTTPServer(("127.0.0.1", 0), CloudFormationStandIn)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)

    def event(self, request_type, **properties):
        return {"RequestType": request_type, "ResponseURL": f"http://127.0.0.1:{self.server.server_port}/r",
                "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-cluster/abc",
                "RequestId": "req-1", "LogicalResourceId": "AddonVersions",
                "ResourceProperties": {"KubernetesVersion": "1.35", "AddonNames": ["vpc-cni", "coredns"], **properties}}

    def expect(self, addon, page, kubernetes_version="1.35"):
        self.stub.add_response("describe_addon_versions", page,
                               {"addonName": addon, "kubernetesVersion": kubernetes_version})

    def test_picks_the_version_aws_marks_default_for_the_clusters_version_not_the_newest(self):
        self.expect("vpc-cni", listed("vpc-cni", ("v1.21.1-eksbuild.3", {"1.35": False}),
                                      ("v1.20.4-eksbuild.2", {"1.35": True, "1.34": False})))
        self.expect("coredns", listed("coredns", ("v1.13.1-eksbuild.1", {"1.35": True})))

        addon_versions.run(self.event("Create"), self.eks, urllib.request.urlopen)

        self.stub.assert_no_pending_responses()
        answer = self.received[0]
        self.assertEqual("SUCCESS", answer["Status"])
        self.assertEqual({"vpc-cni": "v1.20.4-eksbuild.2", "coredns": "v1.13.1-eksbuild.1"}, answer["Data"])
        self.assertEqual("AddonVersions-req-1", answer["PhysicalResourceId"])

    def test_a_version_bump_looks_up_again_for_the_new_version(self):
        self.expect("vpc-cni", listed("vpc-cni", ("v1.20.4-eksbuild.2", {"1.34": True})), "1.34")
        self.expect("coredns", listed("coredns", ("v1.12.4-eksbuild.1", {"1.34": True})), "1.34")
        event = self.event("Update", KubernetesVersion="1.34")
        event["PhysicalResourceId"] = "AddonVersions-req-0"

        addon_versions.run(event, self.eks, urllib.request.urlopen)

        self.assertEqual({"vpc-cni": "v1.20.4-eksbuild.2", "coredns": "v1.12.4-eksbuild.1"}, self.received[0]["Data"])
        self.assertEqual("AddonVersions-req-0", self.received[0]["PhysicalResourceId"], "kept, so no replacement")

    def test_compatible_versions_but_no_default_takes_the_newest_compatible_and_says_so(self):
        # metrics-server, a community add-on, may list versions for a minor without marking one default.
        self.expect("vpc-cni", listed("vpc-cni", ("v1.20.4-eksbuild.2", {"1.35": True})))
        self.expect("coredns", listed("coredns", ("v0.8.0-eksbuild.1", {"1.35": False}),
                                      ("v0.10.0-eksbuild.2", {"1.35": False, "1.34": True}),
                                      ("v0.9.1-eksbuild.3", {"1.35": False}),
                                      ("v0.11.0-eksbuild.1", {"1.36": True})))

        with self.assertLogs(level="INFO") as logs:
            addon_versions.run(self.event("Create"), self.eks, urllib.request.urlopen)

        answer = self.received[0]
        self.assertEqual("SUCCESS", answer["Status"])
        self.assertEqual({"vpc-cni": "v1.20.4-eksbuild.2", "coredns": "v0.10.0-eksbuild.2"}, answer["Data"],
                         "numerically newest of those compatible with 1.35, not v0.9.1 nor 1.36's v0.11.0")
        self.assertEqual("vpc-cni v1.20.4-eksbuild.2, coredns v0.10.0-eksbuild.2 (newest compatible: AWS marks no "
                         "default for 1.35)", answer["Reason"])
        self.assertIn("coredns v0.10.0-eksbuild.2 (newest compatible", "\n".join(logs.output))

    def test_no_compatible_version_fails_the_change_with_the_add_on_named(self):
        self.expect("vpc-cni", listed("vpc-cni", ("v1.21.1-eksbuild.3", {"1.36": True})))

        with self.assertLogs(level="ERROR"):
            addon_versions.run(self.event("Create"), self.eks, urllib.request.urlopen)

        self.assertEqual("FAILED", self.received[0]["Status"])
        self.assertIn("AWS lists no version of vpc-cni compatible with Kubernetes 1.35", self.received[0]["Reason"])

    def test_an_empty_answer_also_fails(self):
        self.expect("vpc-cni", {"addons": []})

        with self.assertLogs(level="ERROR"):
            addon_versions.run(self.event("Create"), self.eks, urllib.request.urlopen)

        self.assertEqual("FAILED", self.received[0]["Status"])

    def test_delete_calls_nothing(self):
        addon_versions.run(self.event("Delete"), self.eks, urllib.request.urlopen)
        self.stub.assert_no_pending_responses()
        self.assertEqual(("SUCCESS", {}), (self.received[0]["Status"], self.received[0]["Data"]))


if __name__ == "__main__":
    unittest.main()
