"""Tests of the Karpenter instance waiter against moto_server's EC2 on 127.0.0.1: nothing left, an instance
that terminates after a few polls, one that never does (the destroy fails with one line), and instances of
another cluster or not Karpenter's, which are not waited for. Run:
python3 -m unittest discover --start-directory lambda/karpenter_waiter"""
import http.server
import pathlib
import sys
import threading
import unittest
import urllib.request

import karpenter_waiter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests"))
from moto_server import MotoServer  # noqa: E402
from stand_ins import CloudFormationStandIn  # noqa: E402

CLUSTER = "eks-pipeline"
ENVIRONMENT = {"CLUSTER_NAME": CLUSTER, "WAIT_SECONDS": "600"}


class KarpenterWaiterTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.responses = http.server.HTTPServer(("127.0.0.1", 0), CloudFormationStandIn)
        threading.Thread(target=cls.responses.serve_forever, daemon=True).start()
        cls.moto = MotoServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.responses.shutdown()
        cls.responses.server_close()
        cls.moto.__exit__()

    def setUp(self):
        self.moto.reset()
        CloudFormationStandIn.answers = []
        self.ec2 = self.moto.client("ec2")
        self.image = "ami-0123456789abcdef0"  # any ID: moto checks none (tests/moto_server.py)
        self.now = [0.0]
        self.on_sleep = []

    def launch(self, tags):
        return self.ec2.run_instances(ImageId=self.image, MinCount=1, MaxCount=1, InstanceType="t4g.medium",
                                      TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                          {"Key": k, "Value": v} for k, v in tags.items()]}])["Instances"][0]["InstanceId"]

    def karpenters(self, cluster=CLUSTER):
        return self.launch({f"kubernetes.io/cluster/{cluster}": "owned", "karpenter.sh/nodepool": "general",
                            "eks:eks-cluster-name": cluster})

    def sleep(self, seconds):
        self.now[0] += seconds
        if self.on_sleep:
            self.on_sleep.pop(0)()

    def delete(self, seconds=600):
        event = {"RequestType": "Delete", "ResponseURL": f"http://127.0.0.1:{self.responses.server_port}/answer",
                 "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-nodes/abc",
                 "RequestId": "req-2", "LogicalResourceId": "KarpenterWaiter", "PhysicalResourceId": "KarpenterWaiter-1"}
        karpenter_waiter.custom_resource(event, ENVIRONMENT, self.ec2, urllib.request.urlopen, seconds,
                                         lambda: self.now[0], self.sleep)
        self.assertEqual(1, len(CloudFormationStandIn.answers))
        return CloudFormationStandIn.answers[0]

    def test_nothing_left_answers_success_and_others_instances_are_not_waited_for(self):
        self.karpenters(cluster="another-cluster")
        self.launch({f"kubernetes.io/cluster/{CLUSTER}": "owned", "eks:nodegroup-name": "system"})

        answer = self.delete()

        self.assertEqual("SUCCESS", answer["Status"], answer["Reason"])
        self.assertEqual(0.0, self.now[0], "answered at the first look")

    def test_an_instance_that_terminates_after_a_few_polls_is_waited_for(self):
        instance = self.karpenters()
        self.on_sleep = [lambda: None, lambda: self.ec2.terminate_instances(InstanceIds=[instance])]

        with self.assertLogs(level="INFO"):
            answer = self.delete()

        self.assertEqual("SUCCESS", answer["Status"], answer["Reason"])
        self.assertEqual(30.0, self.now[0])

    def test_an_instance_still_running_at_the_bound_fails_the_destroy_with_one_line(self):
        instance = self.karpenters()

        with self.assertLogs(level="INFO"):
            answer = self.delete(seconds=60)

        self.assertEqual("FAILED", answer["Status"])
        self.assertEqual(f"Karpenter's instances of {CLUSTER} still run 60 s after its NodePools were deleted: "
                         f"{instance} (t4g.medium, running, NodePool general). Terminate them (README, Karpenter), "
                         f"then run cdk destroy again.", answer["Reason"])
        self.assertEqual(60.0, self.now[0])

    def test_create_and_update_do_nothing(self):
        for request_type in ("Create", "Update"):
            event = {"RequestType": request_type,
                     "ResponseURL": f"http://127.0.0.1:{self.responses.server_port}/answer",
                     "StackId": "arn:aws:cloudformation:us-east-2:123456789012:stack/eks-pipeline-nodes/abc",
                     "RequestId": "req-1", "LogicalResourceId": "KarpenterWaiter"}
            karpenter_waiter.custom_resource(event, ENVIRONMENT, None, urllib.request.urlopen, 600)
        self.assertEqual(["SUCCESS", "SUCCESS"], [a["Status"] for a in CloudFormationStandIn.answers])


if __name__ == "__main__":
    unittest.main()
