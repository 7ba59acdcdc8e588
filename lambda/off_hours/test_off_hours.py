"""Unit tests of the off-hours Lambda, and one run against moto_server's EKS and a local HTTPS stand-in for
the Kubernetes API, both on 127.0.0.1. Run: python3 -m unittest discover --start-directory lambda/off_hours"""
import base64
import http.server
import json
import pathlib
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request

import off_hours

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests"))
from moto_server import MotoServer  # noqa: E402
import stand_ins  # noqa: E402

GROUPS = [{"name": "general", "minSize": 2, "desiredSize": 3, "maxSize": 5},
          {"name": "batch", "minSize": 0, "desiredSize": 0, "maxSize": 2}]


class FakeEks:
    """Records calls; node groups hold a scalingConfig like DescribeNodegroup returns."""

    def __init__(self, scaling, log):
        self.scaling = scaling
        self.log = log

    def describe_nodegroup(self, clusterName, nodegroupName):
        return {"nodegroup": {"scalingConfig": dict(self.scaling[nodegroupName])}}

    def update_nodegroup_config(self, clusterName, nodegroupName, scalingConfig):
        self.log.append(("update", nodegroupName, scalingConfig))
        self.scaling[nodegroupName] = dict(scalingConfig)


class ParsingTest(unittest.TestCase):
    def test_actions(self):
        self.assertEqual("stop", off_hours.parse_action({"action": "stop"}))
        self.assertEqual("start", off_hours.parse_action({"action": "start"}))
        for bad in ({"action": "pause"}, {}, "stop", None):
            with self.assertRaises(off_hours.BadRequest):
                off_hours.parse_action(bad)

    def test_node_groups(self):
        self.assertEqual(GROUPS, off_hours.parse_node_groups(json.dumps(GROUPS)))
        for bad in ("not json", "[]", '{"name": "x"}', '[{"name": "x", "minSize": 1, "desiredSize": 1}]',
                    '[{"name": "x", "minSize": -1, "desiredSize": 1, "maxSize": 2}]', None):
            with self.assertRaises(off_hours.BadRequest, msg=bad):
                off_hours.parse_node_groups(bad)


    def test_alarm_names(self):
        self.assertEqual([], off_hours.parse_alarm_names(None))
        self.assertEqual([], off_hours.parse_alarm_names(""))
        self.assertEqual(["a", "b"], off_hours.parse_alarm_names('["a", "b"]'))
        for bad in ("a,b", '"a"', '[""]', "[1]"):
            with self.assertRaises(off_hours.BadRequest, msg=bad):
                off_hours.parse_alarm_names(bad)


class ScalingTest(unittest.TestCase):
    def test_stop_sets_min_and_desired_to_zero_and_keeps_max(self):
        self.assertEqual({"minSize": 0, "desiredSize": 0, "maxSize": 5}, off_hours.target_scaling(GROUPS[0], "stop"))

    def test_start_restores_the_configured_sizes(self):
        self.assertEqual({"minSize": 2, "desiredSize": 3, "maxSize": 5}, off_hours.target_scaling(GROUPS[0], "start"))

    def test_only_groups_away_from_their_target_are_updated(self):
        log = []
        eks = FakeEks({"general": {"minSize": 2, "desiredSize": 4, "maxSize": 5},
                       "batch": {"minSize": 0, "desiredSize": 0, "maxSize": 2}}, log)
        self.assertEqual(["general"], off_hours.scale_node_groups(eks, "c", GROUPS, "stop"))
        self.assertEqual([("update", "general", {"minSize": 0, "desiredSize": 0, "maxSize": 5})], log)
        # A second stop finds nothing to do: EKS rejects an update that changes nothing.
        self.assertEqual([], off_hours.scale_node_groups(eks, "c", GROUPS, "stop"))

    def test_scale_request_patches_the_scale_subresource(self):
        request = off_hours.scale_request("https://abc.eks.amazonaws.com", "kube-system/cluster-autoscaler", 0, "tok")
        self.assertEqual("PATCH", request.get_method())
        self.assertEqual("https://abc.eks.amazonaws.com/apis/apps/v1/namespaces/kube-system/deployments/"
                         "cluster-autoscaler/scale", request.full_url)
        self.assertEqual({"spec": {"replicas": 0}}, json.loads(request.data))
        self.assertEqual("Bearer tok", request.get_header("Authorization"))
        self.assertEqual("application/merge-patch+json", request.get_header("Content-type"))


class TokenTest(unittest.TestCase):
    def test_token_is_a_presigned_get_caller_identity_bound_to_the_cluster(self):
        import boto3

        session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                                        region_name="us-east-2")
        token = off_hours.token(session, "eks-pipeline", "us-east-2")
        self.assertTrue(token.startswith("k8s-aws-v1."))
        self.assertNotIn("=", token)
        encoded = token[len("k8s-aws-v1."):]
        url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        parsed = urllib.parse.urlparse(url)
        query = urllib.parse.parse_qs(parsed.query)
        self.assertEqual("sts.us-east-2.amazonaws.com", parsed.netloc)
        self.assertEqual(["GetCallerIdentity"], query["Action"])
        self.assertEqual(["60"], query["X-Amz-Expires"])
        self.assertIn("x-k8s-aws-id", query["X-Amz-SignedHeaders"][0])
        self.assertTrue(query["X-Amz-Credential"][0].startswith("AKIDEXAMPLE/"))


class KubernetesStandIn(stand_ins.JsonStandIn):
    """Answers the scale PATCH and the node list like the API server does, recording what it was sent."""

    log = None
    nodes = []

    def do_GET(self):  # noqa: N802 (the http.server naming)
        self.log.append(("get", self.path, self.headers["Authorization"]))
        self.answer(200 if self.path == "/api/v1/nodes" else 404, {"kind": "NodeList", "items": self.nodes})

    def do_PATCH(self):  # noqa: N802 (the http.server naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.log.append(("patch", self.path, body["spec"]["replicas"], self.headers["Authorization"]))
        self.answer(200, {"kind": "Scale", "spec": {"replicas": body["spec"]["replicas"]}})


def node(name, ready):
    return {"metadata": {"name": name}, "status": {"conditions": [
        {"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True" if ready else "False"}]}}


class CloudFormationStandIn(stand_ins.CloudFormationStandIn):
    """Keeps each answer with the path and content type it was sent to."""

    def received(self, body):
        return self.path, self.headers["Content-Type"], body


def serve(handler):
    """A plain HTTP server on 127.0.0.1 in a thread; returns it, running."""
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class WaitTest(unittest.TestCase):
    def test_polls_until_a_node_is_ready(self):
        answers, now, slept = [[], [], ["ip-10-0-1-5"]], [0], []

        def sleep(seconds):
            slept.append(seconds)
            now[0] += seconds

        self.assertEqual(["ip-10-0-1-5"], off_hours.wait_for_a_ready_node(lambda: answers.pop(0), 600,
                                                                           lambda: now[0], sleep))
        self.assertEqual([off_hours.POLL_SECONDS] * 2, slept)

    def test_gives_up_when_the_time_is_spent(self):
        now, asked = [0], []

        def sleep(seconds):
            now[0] += seconds

        self.assertEqual([], off_hours.wait_for_a_ready_node(lambda: asked.append(1) or [], 60, lambda: now[0], sleep))
        self.assertEqual(5, len(asked), "at 0, 15, 30, 45 and 60 s; the next poll would pass the 60 s")


class CustomResourceCreateTest(unittest.TestCase):
    def test_create_and_update_answer_success_without_touching_the_cluster(self):
        answers = []
        CloudFormationStandIn.answers = answers
        server = serve(CloudFormationStandIn)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        for request_type in ("Create", "Update"):
            event = {"RequestType": request_type, "ResponseURL": f"http://127.0.0.1:{server.server_port}/r?sig=1",
                     "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-cluster/abc",
                     "RequestId": "req-1", "LogicalResourceId": "OffHoursRestoreBeforeDelete"}
            off_hours.custom_resource(event, {}, None, None, urllib.request.urlopen, 600)
        self.assertEqual(2, len(answers))
        path, content_type, body = answers[0]
        self.assertEqual("/r?sig=1", path)
        self.assertEqual("", content_type, "S3's pre-signed URL is signed for an empty content type")
        self.assertEqual("SUCCESS", body["Status"])
        self.assertEqual(("req-1", "OffHoursRestoreBeforeDelete"), (body["RequestId"], body["LogicalResourceId"]))
        self.assertEqual(answers[0][2]["PhysicalResourceId"], answers[1][2]["PhysicalResourceId"],
                         "the same ID each time, or CloudFormation would take an update for a replacement")


class RecordingEks:
    """moto's EKS client, with describe_cluster pointing at the local stand-in and every update logged."""

    def __init__(self, client, endpoint, ca_pem, log):
        self.client, self.endpoint, self.ca_pem, self.log = client, endpoint, ca_pem, log
        self.meta = client.meta
        self.described = 0

    def describe_cluster(self, name):
        self.described += 1
        cluster = self.client.describe_cluster(name=name)["cluster"]
        cluster["endpoint"] = self.endpoint
        cluster["certificateAuthority"] = {"data": base64.b64encode(self.ca_pem).decode()}
        return {"cluster": cluster}

    def describe_nodegroup(self, **kwargs):
        return self.client.describe_nodegroup(**kwargs)

    def update_nodegroup_config(self, **kwargs):
        self.log.append(("update", kwargs["nodegroupName"], kwargs["scalingConfig"]))
        return self.client.update_nodegroup_config(**kwargs)


class EndToEndTest(unittest.TestCase):
    """stop then start against moto_server's EKS and a TLS Kubernetes stand-in, both on 127.0.0.1."""

    def setUp(self):
        directory = pathlib.Path(tempfile.mkdtemp())
        self.cert, key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                        "-out", str(self.cert)], check=True, capture_output=True)
        self.log = []
        KubernetesStandIn.log = self.log
        self.server = http.server.HTTPServer(("127.0.0.1", 0), KubernetesStandIn)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert), str(key))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.moto = MotoServer().__enter__()
        self.addCleanup(self.moto.__exit__)

    def test_stop_parks_the_autoscaler_then_the_nodes_and_start_reverses_it(self):
        import boto3

        client, eks = self.cluster(lambda group: {k: group[k] for k in ("minSize", "desiredSize", "maxSize")})
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-2")
        environment = {"CLUSTER_NAME": "eks-pipeline", "NODE_GROUPS": json.dumps(GROUPS),
                       "AUTOSCALER": "kube-system/cluster-autoscaler", "AUTOSCALER_REPLICAS": "1"}

        stopped = off_hours.run("stop", environment, eks, session, urllib.request.urlopen)

        self.assertEqual(["general"], stopped["updated"])  # batch is already at zero
        path = "/apis/apps/v1/namespaces/kube-system/deployments/cluster-autoscaler/scale"
        self.assertEqual(("patch", path, 0), self.log[0][:3])
        self.assertTrue(self.log[0][3].startswith("Bearer k8s-aws-v1."))
        self.assertEqual(("update", "general", {"minSize": 0, "desiredSize": 0, "maxSize": 5}), self.log[1])
        scaling = client.describe_nodegroup(clusterName="eks-pipeline", nodegroupName="general")["nodegroup"]
        self.assertEqual({"minSize": 0, "desiredSize": 0, "maxSize": 5}, scaling["scalingConfig"])

        del self.log[:]
        started = off_hours.run("start", environment, eks, session, urllib.request.urlopen)

        self.assertEqual(["general"], started["updated"])
        self.assertEqual(("update", "general", {"minSize": 2, "desiredSize": 3, "maxSize": 5}), self.log[0])
        self.assertEqual(("patch", path, 1), self.log[1][:3])
        scaling = client.describe_nodegroup(clusterName="eks-pipeline", nodegroupName="general")["nodegroup"]
        self.assertEqual({"minSize": 2, "desiredSize": 3, "maxSize": 5}, scaling["scalingConfig"])

    def test_parked_nodes_silence_the_node_alarms_and_starting_wakes_them_without_a_message(self):
        """moto has no DisableAlarmActions, so CloudWatch is a Stubber (which checks each call against the
        API's model), logged beside the node-group updates to show the order."""
        import boto3
        from botocore.stub import Stubber

        _, eks = self.cluster(lambda group: {k: group[k] for k in ("minSize", "desiredSize", "maxSize")})
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-2")
        names = ["eks-pipeline-nodes-below-minimum", "eks-pipeline-nodes-not-ready"]
        client = session.client("cloudwatch")
        stubber = Stubber(client)
        stubber.add_response("disable_alarm_actions", {}, {"AlarmNames": names})
        for name in names:
            stubber.add_response("set_alarm_state", {}, {"AlarmName": name, "StateValue": "OK",
                                                         "StateReason": "The nodes are starting after off-hours."})
        stubber.add_response("enable_alarm_actions", {}, {"AlarmNames": names})
        log = self.log

        class LoggedCloudWatch:
            def __getattr__(self, operation):
                def call(**kwargs):
                    log.append(("cloudwatch", operation))
                    return getattr(client, operation)(**kwargs)
                return call

        environment = {"CLUSTER_NAME": "eks-pipeline", "NODE_GROUPS": json.dumps(GROUPS),
                       "AUTOSCALER": "kube-system/cluster-autoscaler", "AUTOSCALER_REPLICAS": "1",
                       "ALARM_NAMES": json.dumps(names)}
        with stubber:
            off_hours.run("stop", environment, eks, session, urllib.request.urlopen, LoggedCloudWatch())
            off_hours.run("start", environment, eks, session, urllib.request.urlopen, LoggedCloudWatch())
            stubber.assert_no_pending_responses()

        steps = [entry[0] if entry[0] != "cloudwatch" else entry[1] for entry in self.log]
        self.assertEqual(["disable_alarm_actions", "patch", "update",  # silent before the nodes go
                          "update", "patch", "set_alarm_state", "set_alarm_state", "enable_alarm_actions"], steps)

    def test_without_alarm_names_cloudwatch_is_not_called(self):
        class Refuses:
            def __getattr__(self, operation):
                raise AssertionError(f"called CloudWatch {operation}")

        off_hours.silence_alarms(Refuses(), [])
        off_hours.wake_alarms(Refuses(), [])

    def cluster(self, scaling):
        """moto's EKS with GROUPS at `scaling(group)`, and the stand-in's endpoint: (moto client, RecordingEks)."""
        client = self.moto.client("eks")
        iam = "arn:aws:iam::123456789012:role/eks"
        client.create_cluster(name="eks-pipeline", roleArn=iam, resourcesVpcConfig={"subnetIds": ["subnet-1"]})
        for group in GROUPS:
            client.create_nodegroup(clusterName="eks-pipeline", nodegroupName=group["name"], nodeRole=iam,
                                    subnets=["subnet-1"], scalingConfig=scaling(group))
        return client, RecordingEks(client, f"https://127.0.0.1:{self.server.server_port}", self.cert.read_bytes(),
                                    self.log)

    def parked_cluster(self):
        """The cluster with the node groups at zero, as off-hours leaves them."""
        return self.cluster(lambda group: {"minSize": 0, "desiredSize": 0, "maxSize": group["maxSize"]})

    def delete(self, eks, seconds=600):
        """Sends a Delete like CloudFormation's for the restore resource; returns the answer it got."""
        import boto3

        answers = []
        CloudFormationStandIn.answers = answers
        responses = serve(CloudFormationStandIn)
        self.addCleanup(responses.server_close)
        self.addCleanup(responses.shutdown)
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-2")
        environment = {"CLUSTER_NAME": "eks-pipeline", "NODE_GROUPS": json.dumps(GROUPS),
                       "AUTOSCALER": "kube-system/cluster-autoscaler", "AUTOSCALER_REPLICAS": "1"}
        event = {"RequestType": "Delete", "ResponseURL": f"http://127.0.0.1:{responses.server_port}/answer",
                 "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-cluster/abc",
                 "RequestId": "req-2", "LogicalResourceId": "OffHoursRestoreBeforeDelete",
                 "PhysicalResourceId": "OffHoursRestoreBeforeDelete-req-1"}
        off_hours.custom_resource(event, environment, eks, session, urllib.request.urlopen, seconds)
        self.assertEqual(1, len(answers))
        return answers[0][2]

    def test_delete_restores_the_parked_nodes_and_waits_for_a_ready_one(self):
        client, eks = self.parked_cluster()
        KubernetesStandIn.nodes = [node("ip-10-0-1-5", False), node("ip-10-0-2-7", True)]

        answer = self.delete(eks)

        self.assertEqual("SUCCESS", answer["Status"])
        self.assertEqual("OffHoursRestoreBeforeDelete-req-1", answer["PhysicalResourceId"])
        # batch's configured size is zero nodes, which is where it is parked: nothing to restore there.
        self.assertIn("Node groups restored (general); 1 node(s) Ready, e.g. ip-10-0-2-7.", answer["Reason"])
        for group in GROUPS:
            scaling = client.describe_nodegroup(clusterName="eks-pipeline", nodegroupName=group["name"])["nodegroup"]
            self.assertEqual({k: group[k] for k in ("minSize", "desiredSize", "maxSize")}, scaling["scalingConfig"])
        kinds = [entry[0] for entry in self.log]
        self.assertEqual(["update", "patch", "get"], kinds, "nodes, then the autoscaler, then the wait")
        self.assertEqual(1, self.log[1][2], "the autoscaler runs again")
        self.assertTrue(self.log[2][2].startswith("Bearer k8s-aws-v1."))
        self.assertEqual(1, eks.described, "one DescribeCluster serves the restore and the wait")

    def test_a_failed_restore_still_lets_the_destroy_go_on(self):
        class BrokenEks:
            meta = None

            def describe_cluster(self, name):
                raise RuntimeError("AccessDenied")

        with self.assertLogs(level="ERROR") as logged:  # the function's log has the failure, with its traceback
            answer = self.delete(BrokenEks())

        self.assertEqual(["restoring the nodes before the delete failed"], [r.getMessage() for r in logged.records])
        self.assertIn("AccessDenied", logged.output[0])
        self.assertEqual("SUCCESS", answer["Status"])
        self.assertIn("Restoring the nodes failed (AccessDenied)", answer["Reason"])

    def test_a_server_without_the_clusters_certificate_is_refused(self):
        other = pathlib.Path(tempfile.mkdtemp())
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=other", "-keyout", str(other / "k.pem"), "-out", str(other / "c.pem")],
                       check=True, capture_output=True)
        info = {"endpoint": f"https://127.0.0.1:{self.server.server_port}",
                "certificateAuthority": {"data": base64.b64encode((other / "c.pem").read_bytes()).decode()}}
        with self.assertRaises(urllib.error.URLError):
            off_hours.scale_autoscaler(urllib.request.urlopen, info, "kube-system/cluster-autoscaler", 0, "tok")
        self.assertEqual([], self.log)


if __name__ == "__main__":
    unittest.main()


class FailedScalingTest(unittest.TestCase):
    """A stop or start whose scale calls fail still turns the alarms' actions on, and the invocation fails.
    EKS and CloudWatch are botocore Stubbers, which check every call against the services' API models; the
    Kubernetes API is a function that answers or refuses like urlopen."""

    NAMES = ["eks-pipeline-nodes-below-minimum", "eks-pipeline-service-unreachable"]
    ENVIRONMENT = {"CLUSTER_NAME": "eks-pipeline", "NODE_GROUPS": json.dumps(GROUPS[:1]),
                   "AUTOSCALER": "kube-system/cluster-autoscaler", "AUTOSCALER_REPLICAS": "1",
                   "ALARM_NAMES": json.dumps(NAMES)}

    def setUp(self):
        import boto3
        from botocore.stub import Stubber

        self.session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                             region_name="us-east-2")
        self.eks, self.cloudwatch = self.session.client("eks"), self.session.client("cloudwatch")
        self.eks_stub, self.cloudwatch_stub = Stubber(self.eks), Stubber(self.cloudwatch)
        self.eks_stub.activate()
        self.cloudwatch_stub.activate()
        self.eks_stub.add_response("describe_cluster", {"cluster": {
            "name": "eks-pipeline", "endpoint": "https://127.0.0.1:1",
            "certificateAuthority": {"data": base64.b64encode(b"not a certificate").decode()}}},
            {"name": "eks-pipeline"})

    def tearDown(self):
        self.eks_stub.assert_no_pending_responses()
        self.cloudwatch_stub.assert_no_pending_responses()

    def describe(self, scaling):
        self.eks_stub.add_response("describe_nodegroup", {"nodegroup": {"scalingConfig": scaling}},
                                   {"clusterName": "eks-pipeline", "nodegroupName": "general"})

    def update_fails(self, scaling):
        self.eks_stub.add_client_error("update_nodegroup_config", "ServerException", "EKS is unavailable",
                                       expected_params={"clusterName": "eks-pipeline", "nodegroupName": "general",
                                                        "scalingConfig": scaling})

    def expect_woken(self):
        for name in self.NAMES:
            self.cloudwatch_stub.add_response("set_alarm_state", {}, {
                "AlarmName": name, "StateValue": "OK", "StateReason": "The nodes are starting after off-hours."})
        self.cloudwatch_stub.add_response("enable_alarm_actions", {}, {"AlarmNames": self.NAMES})

    def run_off_hours(self, action, open_url):
        with mock_ssl_context():
            return off_hours.run(action, self.ENVIRONMENT, self.eks, self.session, open_url, self.cloudwatch)

    def test_a_start_whose_node_group_update_fails_wakes_the_alarms_and_fails(self):
        from botocore.exceptions import ClientError

        self.describe({"minSize": 0, "desiredSize": 0, "maxSize": 5})
        self.update_fails({"minSize": 2, "desiredSize": 3, "maxSize": 5})
        self.expect_woken()
        with self.assertLogs(level="INFO") as logs, self.assertRaises(ClientError):
            self.run_off_hours("start", answering())
        self.assertIn("alarm actions on: " + ", ".join(self.NAMES), "\n".join(logs.output))

    def test_a_start_that_cannot_reach_the_api_server_wakes_the_alarms_and_fails(self):
        self.describe({"minSize": 0, "desiredSize": 0, "maxSize": 5})
        self.eks_stub.add_response("update_nodegroup_config", {}, {
            "clusterName": "eks-pipeline", "nodegroupName": "general",
            "scalingConfig": {"minSize": 2, "desiredSize": 3, "maxSize": 5}})
        self.expect_woken()
        with self.assertLogs(level="INFO"), self.assertRaises(urllib.error.URLError):
            self.run_off_hours("start", refusing)

    def test_a_start_whose_alarm_state_cannot_be_set_still_turns_their_actions_on(self):
        from botocore.exceptions import ClientError

        self.describe({"minSize": 2, "desiredSize": 3, "maxSize": 5})
        self.cloudwatch_stub.add_client_error("set_alarm_state", "Throttling", "Rate exceeded")
        self.cloudwatch_stub.add_response("enable_alarm_actions", {}, {"AlarmNames": self.NAMES})
        with self.assertLogs(level="INFO"), self.assertRaises(ClientError):
            self.run_off_hours("start", answering())

    def test_a_stop_whose_node_group_update_fails_turns_the_alarms_back_on_and_fails(self):
        from botocore.exceptions import ClientError

        self.cloudwatch_stub.add_response("disable_alarm_actions", {}, {"AlarmNames": self.NAMES})
        self.describe({"minSize": 2, "desiredSize": 3, "maxSize": 5})
        self.update_fails({"minSize": 0, "desiredSize": 0, "maxSize": 5})
        self.cloudwatch_stub.add_response("enable_alarm_actions", {}, {"AlarmNames": self.NAMES})
        with self.assertLogs(level="INFO") as logs, self.assertRaises(ClientError):
            self.run_off_hours("stop", answering())
        self.assertIn("the stop failed", "\n".join(logs.output))

    def test_a_stop_that_cannot_reach_the_api_server_turns_the_alarms_back_on_and_fails(self):
        self.cloudwatch_stub.add_response("disable_alarm_actions", {}, {"AlarmNames": self.NAMES})
        self.cloudwatch_stub.add_response("enable_alarm_actions", {}, {"AlarmNames": self.NAMES})
        with self.assertLogs(level="INFO"), self.assertRaises(urllib.error.URLError):
            self.run_off_hours("stop", refusing)


class _Answer:
    def __init__(self, body):
        self.body = body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self):
        return self.body


def answering():
    """An urlopen whose API server scales the Deployment as asked."""
    def open_url(request, context=None, timeout=None):
        return _Answer(json.dumps({"spec": json.loads(request.data)["spec"]}).encode())
    return open_url


def refusing(request, context=None, timeout=None):
    """An urlopen whose API server cannot be reached."""
    raise urllib.error.URLError("connection refused")


class mock_ssl_context:  # noqa: N801 (used as a context manager, like unittest.mock.patch)
    """The stubbed cluster's CA is not a certificate; these tests are about what happens after the call."""

    def __enter__(self):
        self.original = ssl.create_default_context
        ssl.create_default_context = lambda cadata=None: None
        return self

    def __exit__(self, *exc):
        ssl.create_default_context = self.original
        return False


POOLS = [{"name": "general", "limits": {"cpu": "10", "memory": "20480Mi"}},
         {"name": "batch", "limits": {"cpu": "16", "memory": "65536Mi"}}]


class KarpenterStandIn(stand_ins.JsonStandIn):
    """Karpenter's API as the API server serves it: NodePools (get, merge-patch) and NodeClaims (list by label
    selector, delete), cluster-scoped under /apis/karpenter.sh/v1. Every request is logged; `refuse` maps a
    (method, path) to the Status the server answers it with instead."""

    log = None
    pools = None
    claims = None
    refuse = {}

    def do_GET(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        self.log.append(("GET", self.path, self.headers["Authorization"]))
        if self.refused("GET", url.path):
            return
        if url.path == "/apis/karpenter.sh/v1/nodeclaims":
            selector = urllib.parse.parse_qs(url.query).get("labelSelector", [""])[0]
            key, _, value = selector.partition("=")
            items = [c for c in self.claims.values() if c["metadata"]["labels"].get(key) == value]
            return self.answer(200, {"kind": "NodeClaimList", "items": items})
        name = url.path.rsplit("/", 1)[-1]
        if url.path.startswith("/apis/karpenter.sh/v1/nodepools/") and name in self.pools:
            return self.answer(200, self.pools[name])
        return self.answer(404, {"kind": "Status", "code": 404, "message": f"{url.path} not found"})

    def do_PATCH(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.log.append(("PATCH", self.path, body, self.headers["Content-Type"]))
        if self.refused("PATCH", self.path):
            return
        pool = self.pools[self.path.rsplit("/", 1)[-1]]
        pool["spec"]["limits"].update(body["spec"]["limits"])  # a merge patch of the keys it names
        self.answer(200, pool)

    def do_DELETE(self):  # noqa: N802
        self.log.append(("DELETE", self.path))
        name = self.path.rsplit("/", 1)[-1]
        if name not in self.claims:
            return self.answer(404, {"kind": "Status", "code": 404, "message": f"nodeclaims {name} not found"})
        self.answer(200, self.claims.pop(name))

    def refused(self, method, path):
        status = self.refuse.get((method, path))
        if status:
            self.answer(status["code"], status)
        return bool(status)



def node_pool(name, limits):
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": name},
            "spec": {"limits": dict(limits), "disruption": {"budgets": [{"nodes": "1"}]}}}


def node_claim(name, pool):
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodeClaim",
            "metadata": {"name": name, "labels": {"karpenter.sh/nodepool": pool}}}


class KarpenterEndToEndTest(unittest.TestCase):
    """The Karpenter path against moto_server's EKS and a TLS stand-in of the API server, both on 127.0.0.1."""

    ENVIRONMENT = {"CLUSTER_NAME": "eks-pipeline", "NODE_POOLS": json.dumps(POOLS)}

    def setUp(self):
        import boto3

        directory = pathlib.Path(tempfile.mkdtemp())
        cert, key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                        "-out", str(cert)], check=True, capture_output=True)
        self.log = []
        KarpenterStandIn.log = self.log
        KarpenterStandIn.refuse = {}
        KarpenterStandIn.pools = {p["name"]: node_pool(p["name"], p["limits"]) for p in POOLS}
        KarpenterStandIn.claims = {c["metadata"]["name"]: c for c in (
            node_claim("general-4xk2p", "general"), node_claim("general-9qzrt", "general"),
            node_claim("batch-7hd2m", "batch"), node_claim("manual-l2v8c", "manual"))}
        server = http.server.HTTPServer(("127.0.0.1", 0), KarpenterStandIn)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        moto = MotoServer().__enter__()
        self.addCleanup(moto.__exit__)
        client = moto.client("eks")
        client.create_cluster(name="eks-pipeline", roleArn="arn:aws:iam::123456789012:role/eks",
                              resourcesVpcConfig={"subnetIds": ["subnet-1"]})
        self.eks = RecordingEks(client, f"https://127.0.0.1:{server.server_port}", cert.read_bytes(), self.log)
        self.session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                             region_name="us-east-2")

    def limits(self):
        return {name: pool["spec"]["limits"] for name, pool in KarpenterStandIn.pools.items()}

    def park(self):
        for pool in KarpenterStandIn.pools.values():
            pool["spec"]["limits"] = {"cpu": "0", "memory": "0"}

    def test_stop_sets_every_pool_to_zero_then_deletes_only_their_node_claims(self):
        with self.assertLogs(level="INFO"):
            stopped = off_hours.run("stop", self.ENVIRONMENT, self.eks, self.session, urllib.request.urlopen)

        self.assertEqual(["general", "batch"], stopped["updated"])
        self.assertEqual(["general-4xk2p", "general-9qzrt", "batch-7hd2m"], stopped["deletedNodeClaims"])
        self.assertEqual({"general": {"cpu": "0", "memory": "0"}, "batch": {"cpu": "0", "memory": "0"}}, self.limits())
        self.assertEqual(["manual-l2v8c"], list(KarpenterStandIn.claims), "another pool's NodeClaim stays")
        self.assertEqual({"budgets": [{"nodes": "1"}]}, KarpenterStandIn.pools["general"]["spec"]["disruption"],
                         "the merge patch names the limits only")
        pools, claims = "/apis/karpenter.sh/v1/nodepools", "/apis/karpenter.sh/v1/nodeclaims"
        self.assertEqual([
            ("GET", f"{pools}/general"), ("PATCH", f"{pools}/general"),
            ("GET", f"{pools}/batch"), ("PATCH", f"{pools}/batch"),  # both parked before a node goes
            ("GET", f"{claims}?labelSelector=karpenter.sh%2Fnodepool%3Dgeneral"),
            ("DELETE", f"{claims}/general-4xk2p"), ("DELETE", f"{claims}/general-9qzrt"),
            ("GET", f"{claims}?labelSelector=karpenter.sh%2Fnodepool%3Dbatch"), ("DELETE", f"{claims}/batch-7hd2m"),
        ], [entry[:2] for entry in self.log])
        patch = self.log[1]
        self.assertEqual({"spec": {"limits": {"cpu": "0", "memory": "0"}}}, patch[2])
        self.assertEqual("application/merge-patch+json", patch[3])
        self.assertTrue(self.log[0][2].startswith("Bearer k8s-aws-v1."))

        del self.log[:]
        with self.assertLogs(level="INFO") as logs:
            again = off_hours.run("stop", self.ENVIRONMENT, self.eks, self.session, urllib.request.urlopen)
        self.assertEqual([], again["updated"], "parked pools are not patched again")
        self.assertNotIn("PATCH", [entry[0] for entry in self.log])
        self.assertIn("NodePool general already at limits {'cpu': '0', 'memory': '0'}", "\n".join(logs.output))

    def test_start_restores_each_pools_own_limits_and_deletes_nothing(self):
        self.park()
        with self.assertLogs(level="INFO"):
            started = off_hours.run("start", self.ENVIRONMENT, self.eks, self.session, urllib.request.urlopen)

        self.assertEqual(["general", "batch"], started["updated"])
        self.assertEqual({"general": {"cpu": "10", "memory": "20480Mi"}, "batch": {"cpu": "16", "memory": "65536Mi"}},
                         self.limits())
        self.assertEqual([], started["deletedNodeClaims"])
        self.assertEqual(4, len(KarpenterStandIn.claims))
        self.assertEqual(["GET", "PATCH", "GET", "PATCH"], [entry[0] for entry in self.log])
        self.assertEqual({"spec": {"limits": {"cpu": "16", "memory": "65536Mi"}}}, self.log[3][2])

    def test_restore_before_delete_restores_the_pools_without_waiting_for_a_node(self):
        self.park()
        KarpenterStandIn.pools["batch"]["spec"]["limits"] = {"cpu": "16", "memory": "65536Mi"}
        answers = []
        CloudFormationStandIn.answers = answers
        responses = serve(CloudFormationStandIn)
        self.addCleanup(responses.server_close)
        self.addCleanup(responses.shutdown)
        event = {"RequestType": "Delete", "ResponseURL": f"http://127.0.0.1:{responses.server_port}/answer",
                 "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-nodes/abc",
                 "RequestId": "req-3", "LogicalResourceId": "OffHoursRestoreBeforeDelete",
                 "PhysicalResourceId": "OffHoursRestoreBeforeDelete-req-1"}

        with self.assertLogs(level="INFO"):
            off_hours.custom_resource(event, self.ENVIRONMENT, self.eks, self.session, urllib.request.urlopen, 600)

        self.assertEqual(1, len(answers))
        self.assertEqual("SUCCESS", answers[0][2]["Status"])
        self.assertEqual("NodePools restored (general); the system node group ran Karpenter and the controllers "
                         "throughout.", answers[0][2]["Reason"])
        self.assertEqual({"general": {"cpu": "10", "memory": "20480Mi"}, "batch": {"cpu": "16", "memory": "65536Mi"}},
                         self.limits())
        self.assertNotIn("/api/v1/nodes", [entry[1] for entry in self.log], "no wait for a node")
        self.assertNotIn("DELETE", [entry[0] for entry in self.log])

    def test_a_refusal_of_the_api_server_is_reported_in_one_line(self):
        path = "/apis/karpenter.sh/v1/nodepools/general"
        message = ('nodepools.karpenter.sh "general" is forbidden: User "off-hours" cannot patch resource\n'
                   '"nodepools" in API group "karpenter.sh" at the cluster scope')
        KarpenterStandIn.refuse = {("PATCH", path): {"kind": "Status", "status": "Failure", "reason": "Forbidden",
                                                     "code": 403, "message": message}}
        with self.assertLogs(level="ERROR") as logs, self.assertRaises(off_hours.KubernetesError) as raised:
            off_hours.run("stop", self.ENVIRONMENT, self.eks, self.session, urllib.request.urlopen)
        self.assertEqual(["the stop failed; the nodes may still run, so their alarms are on again"],
                         [record.getMessage() for record in logs.records])
        self.assertEqual(f"PATCH {path} answered 403 Forbidden: nodepools.karpenter.sh \"general\" is forbidden: User "
                         "\"off-hours\" cannot patch resource \"nodepools\" in API group \"karpenter.sh\" at the cluster "
                         "scope", str(raised.exception))
        self.assertEqual({"cpu": "10", "memory": "20480Mi"}, self.limits()["general"])
        self.assertEqual(4, len(KarpenterStandIn.claims), "no NodeClaim is deleted while a pool could still launch")

    def test_a_node_claim_gone_before_its_delete_is_no_error(self):
        class Vanishing(dict):
            """Karpenter consolidated this NodeClaim away between the list and the delete."""

            def __contains__(self, name):
                return name != "batch-7hd2m" and dict.__contains__(self, name)

        KarpenterStandIn.claims = Vanishing(KarpenterStandIn.claims)
        with self.assertLogs(level="INFO"):
            stopped = off_hours.run("stop", self.ENVIRONMENT, self.eks, self.session, urllib.request.urlopen)
        self.assertIn("batch-7hd2m", stopped["deletedNodeClaims"])
        self.assertEqual(("DELETE", "/apis/karpenter.sh/v1/nodeclaims/batch-7hd2m"), self.log[-1])

    def test_node_pools_must_name_each_pool_and_its_limits(self):
        self.assertEqual(POOLS, off_hours.node_pools.parse_node_pools(json.dumps(POOLS)))
        for bad in ("[]", "{}", '[{"name": "general"}]', '[{"name": "", "limits": {"cpu": "1"}}]',
                    '[{"name": "general", "limits": {"cpu": 10}}]', '[{"name": "general", "limits": {}}]', "nope"):
            with self.assertLogs(level="ERROR"), self.assertRaises(off_hours.BadRequest, msg=bad):
                off_hours.run("stop", {"CLUSTER_NAME": "eks-pipeline", "NODE_POOLS": bad}, self.eks, self.session,
                              urllib.request.urlopen)
        self.assertEqual([], self.log, "nothing is sent to the API server")
