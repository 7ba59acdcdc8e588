"""scripts/verify-destroyed against moto_server on 127.0.0.1, with a clean account and with planted leftovers.
Run: python3 -m unittest discover --start-directory tests"""
import json
import pathlib
import re
import subprocess
import unittest

from moto_server import MotoServer
from project_fixture import assembly

ROOT = pathlib.Path(__file__).resolve().parent.parent
APP = {"Key": "app", "Value": "eks-pipeline"}
OWNED = {"Key": "kubernetes.io/cluster/eks-pipeline", "Value": "owned"}


class VerifyDestroyedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One server for the class, emptied before each test: starting one takes seconds.
        cls.moto = MotoServer().__enter__()
        cls.addClassCleanup(cls.moto.__exit__)

    def setUp(self):
        self.moto.reset()
        self.ec2 = self.moto.client("ec2")

    def verify(self, *args, names=None):
        if not any(arg in ("-c", "--assembly") for arg in args):
            args = ("--assembly", assembly(self, **(names or {})), *args)
        return subprocess.run([str(ROOT / "scripts" / "verify-destroyed"), *args], cwd=ROOT,
                              env=self.moto.environment(), capture_output=True, text=True, timeout=300, check=False)

    def ids(self, output):
        return [line.split()[-1] for line in
                (re.sub(r"\s+\(.*\)$", "", l) for l in output.splitlines() if l.startswith("LEFT"))]

    def vpc_with_subnets(self):
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [self.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-2{z}")
                   ["Subnet"]["SubnetId"] for i, z in enumerate("ab")]
        return vpc, subnets

    def test_a_clean_account_has_nothing_left_and_exits_zero(self):
        # Resources of something else in the account are not ours to report.
        self.moto.client("s3").create_bucket(Bucket="someone-elses-bucket",
                                             CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
        self.ec2.create_volume(AvailabilityZone="us-east-2a", Size=8, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [{"Key": "kubernetes.io/cluster/other", "Value": "owned"}]}])

        result = self.verify()

        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertIn("Looking in account 123456789012, region us-east-2", result.stdout)
        self.assertIn("Nothing left:", result.stdout)
        self.assertEqual([], self.ids(result.stdout))

    def test_lists_every_planted_leftover_once_and_exits_one(self):
        vpc, subnets = self.vpc_with_subnets()
        s3 = self.moto.client("s3")
        s3.create_bucket(Bucket="eks-pipeline-artifacts", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
        s3.put_bucket_tagging(Bucket="eks-pipeline-artifacts", Tagging={"TagSet": [APP]})
        # A claim's volume the EBS CSI driver did not delete: tagged both ways, reported once.
        volume = self.ec2.create_volume(AvailabilityZone="us-east-2a", Size=1, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [APP, OWNED]}])["VolumeId"]
        balancer = self.moto.client("elbv2").create_load_balancer(
            Name="k8s-staging-hello", Subnets=subnets, Scheme="internet-facing", Type="network",
            Tags=[{"Key": "elbv2.k8s.aws/cluster", "Value": "eks-pipeline"}])["LoadBalancers"][0]["LoadBalancerArn"]
        group = self.ec2.create_security_group(GroupName="k8s-traffic-eks-pipeline", Description="NLB", VpcId=vpc,
                                               TagSpecifications=[{"ResourceType": "security-group", "Tags": [
                                                   {"Key": "elbv2.k8s.aws/cluster", "Value": "eks-pipeline"}]}])["GroupId"]
        interface = self.ec2.create_network_interface(SubnetId=subnets[0], TagSpecifications=[{
            "ResourceType": "network-interface",
            "Tags": [{"Key": "cluster.k8s.amazonaws.com/name", "Value": "eks-pipeline"}]}])["NetworkInterface"]["NetworkInterfaceId"]
        self.moto.client("logs").create_log_group(logGroupName="/aws/eks/eks-pipeline/cluster")
        # Fluent Bit recreates its group if it still runs when the stack's copy is deleted.
        self.moto.client("logs").create_log_group(logGroupName="/aws/containerinsights/eks-pipeline/application")
        self.moto.client("cloudformation").create_stack(StackName="eks-pipeline-cluster", TemplateBody=json.dumps(
            {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))
        # A key in its deletion window is fine: reported as such, not as a leftover.
        kms = self.moto.client("kms")
        key = kms.create_key(Tags=[{"TagKey": "app", "TagValue": "eks-pipeline"}])["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
        # Not ours: another cluster's volume and an untagged bucket.
        self.ec2.create_volume(AvailabilityZone="us-east-2a", Size=8, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [{"Key": "kubernetes.io/cluster/other", "Value": "owned"}]}])
        s3.create_bucket(Bucket="unrelated", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})

        result = self.verify()

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        ids = self.ids(result.stdout)
        self.assertEqual(len(ids), len(set(ids)), result.stdout)
        found = "\n".join(ids)
        for expected in ["eks-pipeline-cluster", "arn:aws:s3:::eks-pipeline-artifacts", volume, balancer, group,
                         interface, "/aws/eks/eks-pipeline/cluster", "/aws/containerinsights/eks-pipeline/application"]:
            self.assertEqual(1, sum(1 for i in ids if i.endswith(expected)), f"{expected} once in\n{result.stdout}")
        self.assertNotIn("unrelated", found)
        self.assertNotIn(key, found)
        self.assertIn(f"ok    kms key arn:aws:kms:us-east-2:123456789012:key/{key} is scheduled for deletion",
                      result.stdout)
        self.assertIn(f"LEFT  ec2 volume             arn:aws:ec2:us-east-2:123456789012:volume/{volume}  "
                      "(tagged app=eks-pipeline)", result.stdout)
        self.assertIn(f"{len(ids)} resource(s) left.", result.stdout)
        self.assertEqual(8, len(ids), result.stdout)

    def test_a_configuration_override_names_the_app_and_cluster_it_looks_for(self):
        volume = self.ec2.create_volume(AvailabilityZone="us-east-2a", Size=8, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [{"Key": "kubernetes.io/cluster/shop-eks", "Value": "owned"}]}])["VolumeId"]
        self.moto.client("cloudformation").create_stack(StackName="shop-network", TemplateBody=json.dumps(
            {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))

        # A real synth with the overrides: the names come from the app, as they do for the stacks.
        result = self.verify("-c", "appName=shop", "-c", "clusterName=shop-eks")

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertEqual(["shop-network", volume], self.ids(result.stdout))
        self.assertIn("for what shop (cluster shop-eks) left behind", result.stdout)

    def test_an_unknown_argument_is_a_usage_error(self):
        result = self.verify("--cluser", "x")
        self.assertEqual(2, result.returncode)
        self.assertIn("unrecognized arguments: --cluser x", result.stderr)


if __name__ == "__main__":
    unittest.main()
