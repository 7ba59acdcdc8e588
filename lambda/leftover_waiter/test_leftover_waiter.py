"""Tests of the leftover waiter against moto_server's EKS and ELB and a local HTTPS stand-in for the Kubernetes
API, all on 127.0.0.1: the fast path, a volume that goes after a few polls, one that never goes, and a load
balancer left. Run: python3 -m unittest discover --start-directory lambda/leftover_waiter"""
import base64
import http.server
import pathlib
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.request

import leftover_waiter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests"))
from moto_server import MotoServer  # noqa: E402
from stand_ins import CloudFormationStandIn, JsonStandIn  # noqa: E402

CLUSTER = "eks-pipeline"
ENVIRONMENT = {"CLUSTER_NAME": CLUSTER, "STORAGE_CLASS": "gp3-encrypted", "WAIT_SECONDS": "600"}
PVS = "/api/v1/persistentvolumes"
ATTACHMENTS = "/apis/storage.k8s.io/v1/volumeattachments"


def volume(name, storage_class="gp3-encrypted", handle="vol-0123456789abcdef0", phase="Released"):
    return {"metadata": {"name": name}, "spec": {"storageClassName": storage_class, "csi": {"volumeHandle": handle}},
            "status": {"phase": phase}}


def attachment(name, volume_name, node):
    return {"metadata": {"name": name}, "spec": {"source": {"persistentVolumeName": volume_name}, "nodeName": node}}


class KubernetesStandIn(JsonStandIn):
    """Lists volumes and attachments like the API server; each path answers its queued lists in turn, the
    last one for ever after."""

    answers = {}
    asked = []

    def do_GET(self):  # noqa: N802 (the http.server naming)
        self.asked.append((self.path, self.headers["Authorization"]))
        queue = self.answers.get(self.path)
        items = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else None
        self.answer(200 if items is not None else 404, {"items": items})


class StandInEks:
    """moto's EKS, with describe_cluster pointing at the Kubernetes stand-in and trusting its certificate."""

    def __init__(self, client, endpoint, ca_pem):
        self.client, self.endpoint, self.ca_pem = client, endpoint, ca_pem
        self.meta = client.meta

    def describe_cluster(self, name):
        cluster = self.client.describe_cluster(name=name)["cluster"]
        cluster["endpoint"] = self.endpoint
        cluster["certificateAuthority"] = {"data": base64.b64encode(self.ca_pem).decode()}
        return {"cluster": cluster}


def serve(handler, tls=None):
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class LeftoverWaiterTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        directory = pathlib.Path(tempfile.mkdtemp())
        cls.cert, key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                        "-out", str(cls.cert)], check=True, capture_output=True)
        cls.kubernetes = serve(KubernetesStandIn, (str(cls.cert), str(key)))
        cls.responses = serve(CloudFormationStandIn)
        cls.moto = MotoServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        for server in (cls.kubernetes, cls.responses):
            server.shutdown()
            server.server_close()
        cls.moto.__exit__()

    def setUp(self):
        import boto3

        self.moto.reset()
        KubernetesStandIn.answers, KubernetesStandIn.asked = {PVS: [[]], ATTACHMENTS: [[]]}, []
        CloudFormationStandIn.answers = []
        client = self.moto.client("eks")
        client.create_cluster(name=CLUSTER, roleArn="arn:aws:iam::123456789012:role/eks",
                              resourcesVpcConfig={"subnetIds": ["subnet-1"]})
        self.eks = StandInEks(client, f"https://127.0.0.1:{self.kubernetes.server_port}", self.cert.read_bytes())
        self.elbv2 = self.moto.client("elbv2")
        self.session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                             region_name="us-east-2")
        # Time passes only when the waiter sleeps: each poll is POLL_SECONDS later than the one before.
        self.now = [0.0]

    def sleep(self, seconds):
        self.now[0] += seconds

    def delete(self, seconds=600):
        """Sends a Delete like CloudFormation's; returns the one answer it got."""
        event = {"RequestType": "Delete", "ResponseURL": f"http://127.0.0.1:{self.responses.server_port}/answer",
                 "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-nodes/abc",
                 "RequestId": "req-2", "LogicalResourceId": "LeftoverWaiter", "PhysicalResourceId": "LeftoverWaiter-req-1"}
        leftover_waiter.custom_resource(event, ENVIRONMENT, self.eks, self.elbv2, self.session,
                                        urllib.request.urlopen, seconds, lambda: self.now[0], self.sleep)
        self.assertEqual(1, len(CloudFormationStandIn.answers))
        return CloudFormationStandIn.answers[0]

    def polls(self):
        return sum(1 for path, _ in KubernetesStandIn.asked if path == PVS)

    def test_nothing_left_answers_success_at_the_first_look(self):
        KubernetesStandIn.answers[PVS] = [[volume("pvc-other", storage_class="someone-elses")]]

        answer = self.delete()

        self.assertEqual("SUCCESS", answer["Status"], answer["Reason"])
        self.assertEqual("LeftoverWaiter-req-1", answer["PhysicalResourceId"])
        self.assertEqual(1, self.polls())
        self.assertTrue(all(auth.startswith("Bearer k8s-aws-v1.") for _, auth in KubernetesStandIn.asked))

    def test_a_volume_that_goes_after_a_few_polls_is_waited_for(self):
        KubernetesStandIn.answers[PVS] = [[volume("pvc-1")], [volume("pvc-1")], [volume("pvc-1")], []]
        KubernetesStandIn.answers[ATTACHMENTS] = [[attachment("csi-1", "pvc-1", "ip-10-0-1-5")], []]

        answer = self.delete()

        self.assertEqual("SUCCESS", answer["Status"], answer["Reason"])
        self.assertEqual(4, self.polls())

    def test_a_volume_that_never_goes_fails_the_destroy_with_one_line_naming_it(self):
        KubernetesStandIn.answers[PVS] = [[volume("pvc-1"), volume("pvc-other", storage_class="someone-elses")]]

        answer = self.delete(seconds=60)

        self.assertEqual("FAILED", answer["Status"])
        reason = answer["Reason"]
        self.assertNotIn("\n", reason)
        self.assertIn("Left 1 resource(s) behind 60 s after the namespaces were deleted: "
                      "volume pvc-1 (vol-0123456789abcdef0, Released).", reason)
        self.assertNotIn("pvc-other", reason)
        self.assertEqual(5, self.polls(), "at 0, 15, 30, 45 and 60 s; the next would pass the bound")

    def test_a_load_balancer_and_target_group_left_fail_the_destroy(self):
        ec2 = self.moto.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-2{z}")["Subnet"]
                   ["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
        tag = [{"Key": "elbv2.k8s.aws/cluster", "Value": CLUSTER}, {"Key": "service.k8s.aws/stack", "Value": "staging/svc"}]
        self.elbv2.create_load_balancer(Name="k8s-staging-svc-0123456789", Subnets=subnets, Type="network", Tags=tag)
        self.elbv2.create_load_balancer(Name="someone-elses", Subnets=subnets, Type="network",
                                        Tags=[{"Key": "elbv2.k8s.aws/cluster", "Value": "another-cluster"}])
        self.elbv2.create_target_group(Name="k8s-staging-svc-abcdef", Protocol="TCP", Port=8080, VpcId=vpc,
                                       TargetType="ip", Tags=tag)

        answer = self.delete(seconds=30)

        self.assertEqual("FAILED", answer["Status"])
        # moto names every load balancer app/..., where AWS names an NLB net/...
        self.assertRegex(answer["Reason"], r"^Left 2 resource\(s\) behind 30 s after the namespaces were deleted: "
                                           r"load balancer \w+/k8s-staging-svc-0123456789/\w+; "
                                           r"target group k8s-staging-svc-abcdef/\w+\. Delete them")
        self.assertNotIn("someone-elses", answer["Reason"])

    def test_an_api_server_that_stays_unreachable_fails_the_destroy_saying_so(self):
        KubernetesStandIn.answers[PVS] = []  # 404 for ever

        with self.assertLogs(level="WARNING") as logs:
            answer = self.delete(seconds=30)

        self.assertEqual("FAILED", answer["Status"])
        self.assertIn("Could not check for leftovers of the namespaces within 30 s (HTTP Error 404", answer["Reason"])
        self.assertEqual(3, self.polls(), "retried at 15 and 30 s")
        self.assertIn("checking for leftovers failed, retrying", logs.output[0])

    def test_create_and_update_do_nothing(self):
        for request_type in ("Create", "Update"):
            event = {"RequestType": request_type,
                     "ResponseURL": f"http://127.0.0.1:{self.responses.server_port}/answer",
                     "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-nodes/abc",
                     "RequestId": "req-1", "LogicalResourceId": "LeftoverWaiter"}
            leftover_waiter.custom_resource(event, ENVIRONMENT, None, None, None, urllib.request.urlopen, 600)
        self.assertEqual(["SUCCESS", "SUCCESS"], [a["Status"] for a in CloudFormationStandIn.answers])
        self.assertEqual([], KubernetesStandIn.asked)


if __name__ == "__main__":
    unittest.main()
