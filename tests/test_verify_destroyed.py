"""scripts/verify-destroyed against moto_server on 127.0.0.1, with a clean account and with planted leftovers,
and against botocore Stubbers answering as AWS really does (ghosts in the tagging API, AccessDenied,
throttling, CloudFormation's ValidationError for a missing stack); and the e2e role document against every
call the scripts make. Run: python3 -m unittest discover --start-directory tests"""
import contextlib
import datetime
import importlib.machinery
import importlib.util
import io
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import unittest.mock

import boto3
import botocore.exceptions
from botocore.stub import Stubber

from moto_server import MotoTestCase
from project_fixture import assembly, project

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def script(name):
    """A script of scripts/ loaded as a module, to call its functions."""
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"), str(ROOT / "scripts" / name))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


verify_destroyed = script("verify-destroyed")
APP = {"Key": "app", "Value": "eks-pipeline"}
OWNED = {"Key": "kubernetes.io/cluster/eks-pipeline", "Value": "owned"}


class VerifyDestroyedTest(MotoTestCase):
    def setUp(self):
        super().setUp()
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
        self.moto.client("cloudformation").create_stack(StackName="eks-pipeline-network", TemplateBody=json.dumps(
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
        for expected in ["eks-pipeline-network", "arn:aws:s3:::eks-pipeline-artifacts", volume, balancer, group,
                         interface, "/aws/eks/eks-pipeline/cluster", "/aws/containerinsights/eks-pipeline/application"]:
            self.assertEqual(1, sum(1 for i in ids if i.endswith(expected)), f"{expected} once in\n{result.stdout}")
        self.assertNotIn("unrelated", found)
        self.assertNotIn(key, found)
        self.assertIn(f"ok    kms key arn:aws:kms:us-east-2:123456789012:key/{key} is scheduled for deletion",
                      result.stdout)
        self.assertIn(f"LEFT  aws://123456789012/us-east-2  ec2 volume             arn:aws:ec2:us-east-2:123456789012:volume/{volume}  "
                      "(tagged app=eks-pipeline, available)", result.stdout)
        self.assertIn(f"{len(ids)} resource(s) left;", result.stdout)
        self.assertEqual(8, len(ids), result.stdout)

    def test_karpenters_nodes_instance_profile_and_queue_are_listed(self):
        image = "ami-0123456789abcdef0"  # any ID: moto checks none (tests/moto_server.py)
        node = self.ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t4g.medium",
                                      TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                          OWNED, {"Key": "karpenter.sh/nodepool", "Value": "general"}]}]
                                      )["Instances"][0]["InstanceId"]
        iam = self.moto.client("iam")
        iam.create_role(RoleName="eks-pipeline-nodes-KarpenterNodeRole", AssumeRolePolicyDocument="{}")
        iam.create_instance_profile(InstanceProfileName="eks-pipeline_1234567890123456789")
        iam.add_role_to_instance_profile(InstanceProfileName="eks-pipeline_1234567890123456789",
                                         RoleName="eks-pipeline-nodes-KarpenterNodeRole")
        iam.create_instance_profile(InstanceProfileName="eks-pipeline-other_42")  # another cluster's
        queue = self.moto.client("sqs").create_queue(QueueName="eks-pipeline-nodes-KarpenterInterruptionQueue",
                                                     tags={"app": "eks-pipeline"})["QueueUrl"]

        result = self.verify()

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertIn(f"(Karpenter node of NodePool general of cluster eks-pipeline, running)", result.stdout)
        self.assertIn("LEFT  aws://123456789012/us-east-2  iam instance profile   eks-pipeline_1234567890123456789  (Karpenter's for cluster "
                      "eks-pipeline, holding eks-pipeline-nodes-KarpenterNodeRole)", result.stdout)
        self.assertIn(":sqs:us-east-2:123456789012:eks-pipeline-nodes-KarpenterInterruptionQueue", result.stdout)
        self.assertNotIn("eks-pipeline-other_42", result.stdout)
        self.assertEqual(sorted([node, "eks-pipeline_1234567890123456789",
                                 queue.rsplit("/", 1)[-1]]), sorted(i.rsplit(":", 1)[-1] for i in self.ids(result.stdout)))

    def borrowed(self):
        """Someone else's VPC as the app found it: two subnets tagged for load balancers by their owners, and
        another team's interface."""
        vpc, subnets = self.vpc_with_subnets()
        self.ec2.create_tags(Resources=subnets, Tags=[{"Key": "kubernetes.io/role/internal-elb", "Value": "1"}])
        self.ec2.create_network_interface(SubnetId=subnets[0], Description="another team's database")
        folder = pathlib.Path(assembly(self))
        described = project()
        described["existingVpc"] = {"id": vpc, "subnets": subnets, "tagSubnets": True}
        (folder / "project.json").write_text(json.dumps(described))
        return vpc, subnets, str(folder)

    def test_an_existing_vpc_as_it_was_found_is_nothing_left(self):
        vpc, _, folder = self.borrowed()

        result = self.verify("--assembly", folder)

        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertEqual([], self.ids(result.stdout))
        self.assertNotIn(vpc, result.stdout)

    def test_in_an_existing_vpc_only_what_the_app_made_or_added_is_left(self):
        vpc, subnets, folder = self.borrowed()
        marker = verify_destroyed.vpc_preflight.marker("eks-pipeline")
        # A tag the app's preflight added (with its marker) that the Network stack's delete did not remove.
        self.ec2.create_tags(Resources=[subnets[1]], Tags=[{"Key": "kubernetes.io/role/elb", "Value": "1"},
                                                           {"Key": marker, "Value": "kubernetes.io/role/elb"}])
        function = self.ec2.create_network_interface(
            SubnetId=subnets[0], Description="AWS Lambda VPC ENI-eks-pipeline-nodes-LeftoverWaiterFunction-Ab12Cd-"
                                             "0a1b2c3d")["NetworkInterface"]["NetworkInterfaceId"]
        group = self.ec2.create_security_group(GroupName="deploy", Description="the deploy builds", VpcId=vpc,
                                               TagSpecifications=[{"ResourceType": "security-group", "Tags": [APP]}])
        build = self.ec2.create_network_interface(SubnetId=subnets[1], Groups=[group["GroupId"]],
                                                  Description="CodeBuild")["NetworkInterface"]["NetworkInterfaceId"]
        # Another app's function in the same VPC is not ours.
        self.ec2.create_network_interface(SubnetId=subnets[0],
                                          Description="AWS Lambda VPC ENI-eks-pipeline-dev-network-Fn-0a1b")

        result = self.verify("--assembly", folder)

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        ids = self.ids(result.stdout)
        self.assertEqual(sorted([function, build, f"{subnets[1]}/kubernetes.io/role/elb", group["GroupId"]]),
                         sorted(i.rsplit("/", 1)[-1] if i.startswith("arn:") else i for i in ids), result.stdout)
        self.assertIn(f"LEFT  aws://123456789012/us-east-2  subnet tag             {subnets[1]}/kubernetes.io/role/elb  (added by the app "
                      f"(vpc.tagSubnets), still on the subnet with its marker {marker})", result.stdout)
        self.assertIn(f"the app's, in the existing VPC {vpc}", result.stdout)
        self.assertNotIn(f"ec2 vpc", result.stdout)

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

    def test_log_groups_are_matched_by_the_stack_names_not_by_a_prefix_another_app_shares(self):
        logs = self.moto.client("logs")
        ours = ["shop-network-FlowLogs16C1943A-Ab12Cd34Ef56",  # named by CloudFormation, re-created late
                "/aws/lambda/shop-cluster-ClusterKubectlProviderHandl-Gh78Ij90Kl12",
                "/aws/eks/shop/cluster"]
        theirs = ["/aws/lambda/shop-dev-cluster-Handler886CB40B-Mn34Op56Qr78",  # the app shop-dev
                  "shop-dev-network-FlowLogs16C1943A-St90Uv12Wx34", "/aws/eks/shop-dev/cluster",
                  "/aws/lambda/shop-network-network-Fn-Yz56Ab78Cd90"]  # the app shop-network's Network stack
        # The Pipeline stack still exists: its groups go with it, and only the stack is listed.
        alive = ["shop-pipeline-BuildLogs3759266E-Ef12Gh34Ij56"]
        for name in ours + theirs + alive:
            logs.create_log_group(logGroupName=name)
        self.moto.client("cloudformation").create_stack(StackName="shop-pipeline", TemplateBody=json.dumps(
            {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))

        result = self.verify(names={"app": "shop"})

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertEqual(sorted(["shop-pipeline", *ours]), sorted(self.ids(result.stdout)), result.stdout)


def two_accounts(test):
    """The two-accounts configuration's project.json as synth writes it, with the delivery account (the pipeline's
    and staging's) the one moto's own credentials act in, and production in 222222222222, us-west-2."""
    import synths

    written = (pathlib.Path(synths.named("two-accounts")) / "project.json").read_text()
    folder = pathlib.Path(assembly(test))
    (folder / "project.json").write_text(written.replace("111111111111", "123456789012"))
    return str(folder)


class AccountsTest(MotoTestCase):
    """With `stages` in two accounts, every account and region is looked in, each with its own credentials: the
    read-only role assumed there (moto acts in the account of a role it hands credentials for) or a profile."""

    def setUp(self):
        super().setUp()
        self.folder = two_accounts(self)
        keys = self.moto.client("sts").assume_role(RoleArn="arn:aws:iam::222222222222:role/planter",
                                                  RoleSessionName="planter")["Credentials"]
        self.production = lambda service: boto3.client(
            service, endpoint_url=self.moto.url, region_name="us-west-2", aws_access_key_id=keys["AccessKeyId"],
            aws_secret_access_key=keys["SecretAccessKey"], aws_session_token=keys["SessionToken"])
        self.home = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.home)

    def verify(self, *args, config=""):
        env = self.moto.environment()
        # A profile that assumes a role keeps its credentials under the home's AWS CLI cache: a home of the test's own.
        (pathlib.Path(self.home) / "config").write_text(config)
        env.update(HOME=self.home, AWS_CONFIG_FILE=str(pathlib.Path(self.home) / "config"))
        return subprocess.run([str(ROOT / "scripts" / "verify-destroyed"), "--assembly", self.folder, *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300, check=False)

    def plant(self):
        """A production stack, volume and log group left in 222222222222, us-west-2, and a staging volume and function
        log group left in the delivery account; the same names in places the app never went are not its own."""
        template = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
        self.production("cloudformation").create_stack(StackName="eks-pipeline-production-cluster", TemplateBody=template)
        volume = self.production("ec2").create_volume(AvailabilityZone="us-west-2a", Size=4, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [{"Key": "kubernetes.io/cluster/eks-pipeline-production",
                                                "Value": "owned"}]}])["VolumeId"]
        self.production("logs").create_log_group(logGroupName="/aws/eks/eks-pipeline-production/cluster")
        staging = self.ec2().create_volume(AvailabilityZone="us-east-2a", Size=4, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [{"Key": "kubernetes.io/cluster/eks-pipeline-staging",
                                                "Value": "owned"}]}])["VolumeId"]
        self.moto.client("logs").create_log_group(
            logGroupName="/aws/lambda/eks-pipeline-staging-nodes-LeftoverWaiterFunction-Ab12Cd34Ef56")
        # The delivery account in production's region holds nothing of the app's, whatever it is named.
        boto3.client("cloudformation", endpoint_url=self.moto.url, region_name="us-west-2", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_stack(StackName="eks-pipeline-production-cluster",
                                                                   TemplateBody=template)
        return volume, staging

    def ec2(self):
        return self.moto.client("ec2")

    def test_every_account_and_region_is_looked_in_with_the_role_and_each_leftover_says_where(self):
        volume, staging = self.plant()

        result = self.verify("--role", "eks-pipeline-inspect")

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertEqual(["Looking in account 123456789012, region us-east-2, for what eks-pipeline (cluster "
                          "eks-pipeline-staging) left behind.",
                          "Looking in account 222222222222, region us-west-2, for what eks-pipeline (cluster "
                          "eks-pipeline-production) left behind."],
                         [line for line in result.stdout.splitlines() if line.startswith("Looking")])
        left = [re.sub(r"\s+\(.*\)$", "", line).split() for line in result.stdout.splitlines()
                if line.startswith("LEFT")]
        self.assertEqual(sorted([
            ["aws://123456789012/us-east-2", staging],
            ["aws://123456789012/us-east-2", "/aws/lambda/eks-pipeline-staging-nodes-LeftoverWaiterFunction-Ab12Cd34Ef56"],
            ["aws://222222222222/us-west-2", "eks-pipeline-production-cluster"],
            ["aws://222222222222/us-west-2", volume]]), sorted([words[1], words[-1]] for words in left), result.stdout)
        self.assertIn("LEFT  aws://222222222222/us-west-2  stack                  eks-pipeline-production-cluster  "
                      "(CREATE_COMPLETE)", result.stdout)
        self.assertIn("4 resource(s) left;", result.stdout)

    def test_a_clean_pair_of_accounts_is_nothing_left(self):
        result = self.verify("--role", "eks-pipeline-inspect")

        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertIn("Nothing left:", result.stdout)
        self.assertIn("of eks-pipeline in us-east-2, us-west-2.", result.stdout)

    def test_a_profile_per_account_is_used_for_that_account(self):
        volume, _ = self.plant()
        profile = ("[profile production]\nrole_arn = arn:aws:iam::222222222222:role/admin\n"
                   "credential_source = Environment\n")

        result = self.verify("--profile", "222222222222=production", config=profile)

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertIn(f"aws://222222222222/us-west-2  ebs volume", result.stdout)
        self.assertIn(volume, result.stdout)

    def test_an_account_without_credentials_or_with_another_accounts_profile_is_refused_in_one_line(self):
        for args, config, expected in [
                ((), "", "account 222222222222 has no credentials here (the current ones act in 123456789012): give "
                         "--profile 222222222222=PROFILE, or --role NAME to assume the read-only role NAME in it."),
                (("--profile", "222222222222=staging"), "[profile staging]\ncredential_source = Environment\n"
                 "role_arn = arn:aws:iam::123456789012:role/admin\n",
                 "--profile 222222222222=staging acts in account 123456789012, not 222222222222."),
                (("--profile", "production=x"), "", "--profile production=x is not ACCOUNT=PROFILE with a 12-digit "
                                                   "account.")]:
            with self.subTest(args):
                result = self.verify(*args, config=config)
                self.assertEqual(2, result.returncode, result.stdout + result.stderr)
                self.assertEqual([expected + " Nothing was checked there, so the list would be incomplete."],
                                 result.stderr.strip().splitlines())
                self.assertNotIn("Nothing left", result.stdout)


def client(service):
    return boto3.client(service, region_name="us-east-2", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


class Account:
    """One stubbed client per service, each answer checked against the service's API model; remembers every
    operation called, as (service, operation name)."""

    def __init__(self):
        self.clients, self.stubs, self.called = {}, {}, set()

    def stub(self, service):
        if service not in self.clients:
            made = client(service)
            made.meta.events.register("before-call", lambda model, **_: self.called.add((service, model.name)))
            self.stubs[service] = Stubber(made)
            self.stubs[service].activate()
            self.clients[service] = made
        return self.stubs[service]

    def __call__(self, service):
        self.stub(service)
        return self.clients[service]

    def done(self, test):
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


ACCOUNT_ID = "123456789012"


def arn(service, resource):
    return f"arn:aws:{service}:us-east-2:{ACCOUNT_ID}:{resource}"


def no_stack(account, name):
    # What CloudFormation answers for a stack name it does not know.
    account.stub("cloudformation").add_client_error(
        "describe_stacks", service_error_code="ValidationError", http_status_code=400,
        service_message=f"Stack with id {name} does not exist", expected_params={"StackName": name})


def a_stack(account, name, status):
    account.stub("cloudformation").add_response("describe_stacks", {"Stacks": [
        {"StackName": name, "StackId": arn("cloudformation", f"stack/{name}/1"), "StackStatus": status,
         "CreationTime": datetime.datetime(2026, 11, 30, tzinfo=datetime.timezone.utc)}]}, {"StackName": name})


def tagged(account, *arns):
    account.stub("resourcegroupstaggingapi").add_response(
        "get_resources", {"ResourceTagMappingList": [{"ResourceARN": a} for a in arns]},
        {"TagFilters": [{"Key": "app", "Values": ["eks-pipeline"]}]})


CLUSTER = "eks-pipeline"
OWNED_FILTER = {"Name": "tag-key", "Values": [f"kubernetes.io/cluster/{CLUSTER}"]}


def nothing_else_for_the_cluster(account, instances=()):
    """The load balancer and EC2 checks by the cluster's tags; `instances` answer the first instance query."""
    account.stub("elbv2").add_response("describe_load_balancers", {"LoadBalancers": []}, {})
    ec2 = account.stub("ec2")
    ec2.add_response("describe_volumes", {"Volumes": []}, {"Filters": [OWNED_FILTER]})
    for filter_ in [OWNED_FILTER, {"Name": "tag:elbv2.k8s.aws/cluster", "Values": [CLUSTER]},
                    {"Name": "tag:aws:eks:cluster-name", "Values": [CLUSTER]}]:
        ec2.add_response("describe_security_groups", {"SecurityGroups": []}, {"Filters": [filter_]})
    for filter_ in [OWNED_FILTER, {"Name": "tag:cluster.k8s.amazonaws.com/name", "Values": [CLUSTER]},
                    {"Name": "description", "Values": [f"Amazon EKS {CLUSTER}"]}]:
        ec2.add_response("describe_network_interfaces", {"NetworkInterfaces": []}, {"Filters": [filter_]})
    alive = {"Name": "instance-state-name", "Values": ["pending", "running", "shutting-down", "stopping", "stopped"]}
    for filter_, found in [(OWNED_FILTER, list(instances)), ({"Name": "tag:eks:cluster-name", "Values": [CLUSTER]}, [])]:
        ec2.add_response("describe_instances", {"Reservations": [{"Instances": found}] if found else []},
                         {"Filters": [filter_, alive]})
    account.stub("iam").add_response("list_instance_profiles", {"InstanceProfiles": []}, {})


def run_checks(account, project_=None):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        left = verify_destroyed.verify(account, project_ or project())
    return left, out.getvalue()


def left_ids(output):
    return [re.sub(r"\s+\(.*\)$", "", line).split()[-1] for line in output.splitlines() if line.startswith("LEFT")]


class RealAnswersTest(unittest.TestCase):
    """What real AWS answers that a fresh moto account does not."""

    def scenario(self, account):
        """Minutes after a destroy whose Network stack failed: the tagging API still lists deleted resources;
        the VPC stays with a Lambda and a load balancer interface in it; a node is still shutting down."""
        for name in ("eks-pipeline-cluster", "eks-pipeline-network", "eks-pipeline-nodes", "eks-pipeline-pipeline"):
            (a_stack(account, name, "DELETE_FAILED") if name.endswith("network") else no_stack(account, name))
        terminated, ghost_volume, ghost_vpc = "i-0a1b2c3d4e5f60001", "vol-0a1b2c3d4e5f60002", "vpc-0a1b2c3d4e5f60003"
        nat, volume, vpc = "nat-0a1b2c3d4e5f60004", "vol-0a1b2c3d4e5f60005", "vpc-0a1b2c3d4e5f60006"
        balancer = arn("elasticloadbalancing", "loadbalancer/net/k8s-staging-hello-0a1b2c3d4e/0a1b2c3d4e5f6007")
        group = "/aws/lambda/eks-pipeline-cluster-ClusterKubectlProviderHandl-Ab12Cd34Ef56"
        tagged(account, arn("ec2", f"instance/{terminated}"), arn("ec2", f"volume/{ghost_volume}"),
               arn("ec2", f"vpc/{ghost_vpc}"), arn("ec2", f"natgateway/{nat}"), balancer,
               "arn:aws:s3:::eks-pipeline-pipeline-artifactsbucket2aac5544-0a1b2c3d4e5f",
               arn("logs", f"log-group:{group}:*"), arn("ec2", f"volume/{volume}"), arn("ec2", f"vpc/{vpc}"))
        ec2 = account.stub("ec2")
        ec2.add_response("describe_instances", {"Reservations": [{"Instances": [
            {"InstanceId": terminated, "State": {"Code": 48, "Name": "terminated"}}]}]}, {"InstanceIds": [terminated]})
        ec2.add_client_error("describe_volumes", "InvalidVolume.NotFound", f"The volume '{ghost_volume}' does not exist.",
                             400, expected_params={"VolumeIds": [ghost_volume]})
        ec2.add_client_error("describe_vpcs", "InvalidVpcID.NotFound", f"The vpc ID '{ghost_vpc}' does not exist",
                             400, expected_params={"VpcIds": [ghost_vpc]})
        ec2.add_response("describe_nat_gateways", {"NatGateways": [{"NatGatewayId": nat, "State": "deleted"}]},
                         {"NatGatewayIds": [nat]})
        account.stub("elbv2").add_client_error("describe_load_balancers", "LoadBalancerNotFound",
                                               "One or more load balancers not found", 400,
                                               expected_params={"LoadBalancerArns": [balancer]})
        account.stub("s3").add_client_error("head_bucket", "404", "Not Found", 404, expected_params={
            "Bucket": "eks-pipeline-pipeline-artifactsbucket2aac5544-0a1b2c3d4e5f"})
        account.stub("logs").add_response("describe_log_groups", {"logGroups": []}, {"logGroupNamePrefix": group})
        ec2.add_response("describe_volumes", {"Volumes": [{"VolumeId": volume, "State": "available", "Size": 1}]},
                         {"VolumeIds": [volume]})
        ec2.add_response("describe_vpcs", {"Vpcs": [{"VpcId": vpc, "State": "available"}]}, {"VpcIds": [vpc]})
        shutting = {"InstanceId": "i-0a1b2c3d4e5f60008", "State": {"Code": 32, "Name": "shutting-down"}}
        ec2.add_response("describe_vpcs", {"Vpcs": [{"VpcId": vpc, "State": "available"}]},
                         {"Filters": [{"Name": "tag:app", "Values": ["eks-pipeline"]}]})
        ec2.add_response("describe_network_interfaces", {"NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-0a1b2c3d4e5f60009", "InterfaceType": "lambda", "Status": "in-use",
             "Description": "AWS Lambda VPC ENI-eks-pipeline-cluster-ClusterKubectlProviderHandl-Ab12Cd34Ef56",
             "RequesterId": "AROAEXAMPLEID:eks-pipeline-cluster-ClusterKubectlProviderHandl-Ab12Cd34Ef56",
             "RequesterManaged": True, "VpcId": vpc},
            {"NetworkInterfaceId": "eni-0a1b2c3d4e5f60010", "InterfaceType": "network_load_balancer",
             "Status": "in-use", "Description": "ELB net/k8s-staging-hello-0a1b2c3d4e/0a1b2c3d4e5f6007",
             "RequesterId": "amazon-elb", "RequesterManaged": True, "VpcId": vpc}]},
            {"Filters": [{"Name": "vpc-id", "Values": [vpc]}]})
        nothing_else_for_the_cluster(account, instances=[shutting])
        logs = account.stub("logs")
        for prefix, found in [("/aws/eks/eks-pipeline/", []), ("/aws/containerinsights/eks-pipeline/", []),
                              ("eks-pipeline-cluster-", []), ("/aws/lambda/eks-pipeline-cluster-", []),
                              ("eks-pipeline-nodes-", []), ("/aws/lambda/eks-pipeline-nodes-", []),
                              ("eks-pipeline-pipeline-", []), ("/aws/lambda/eks-pipeline-pipeline-", [])]:
            logs.add_response("describe_log_groups", {"logGroups": [{"logGroupName": g} for g in found]},
                              {"logGroupNamePrefix": prefix})
        return volume, vpc, shutting["InstanceId"]

    def test_only_what_its_own_service_confirms_is_left_and_every_interface_in_a_left_vpc_is_listed(self):
        account = Account()
        volume, vpc, shutting = self.scenario(account)

        left, out = run_checks(account)

        account.done(self)
        self.assertEqual(["eks-pipeline-network", arn("ec2", f"volume/{volume}"), arn("ec2", f"vpc/{vpc}"),
                          "eni-0a1b2c3d4e5f60009", "eni-0a1b2c3d4e5f60010", shutting], left_ids(out), out)
        self.assertEqual(6, left.count)
        self.assertEqual(7, out.count("gone  "), out)
        self.assertIn("lambda, in-use, \"AWS Lambda VPC ENI-eks-pipeline-cluster-", out)
        self.assertIn("requester AROAEXAMPLEID:eks-pipeline-cluster-", out)
        self.assertIn("Lambda releases it 20 to 40 minutes after its function is deleted", out)
        self.assertIn("requester amazon-elb", out)
        self.assertIn(f"{shutting}  (node of cluster eks-pipeline, shutting-down)", out)

    def test_access_denied_on_a_stack_is_an_error_not_a_missing_stack(self):
        account = Account()
        account.stub("cloudformation").add_client_error(
            "describe_stacks", "AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/e2e/ci is not "
            "authorized to perform: cloudformation:DescribeStacks", 403,
            expected_params={"StackName": "eks-pipeline-cluster"})
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            run_checks(account)
        self.assertEqual("AccessDenied", raised.exception.response["Error"]["Code"])

    def test_a_throttled_or_denied_confirmation_is_an_error_not_a_ghost(self):
        for code, status in (("Throttling", 400), ("UnauthorizedOperation", 403)):
            with self.subTest(code):
                account = Account()
                for name in ("eks-pipeline-cluster", "eks-pipeline-network", "eks-pipeline-nodes", "eks-pipeline-pipeline"):
                    no_stack(account, name)
                tagged(account, arn("ec2", "volume/vol-0a1b2c3d4e5f60005"))
                account.stub("ec2").add_client_error("describe_volumes", code, "Rate exceeded", status,
                                                      expected_params={"VolumeIds": ["vol-0a1b2c3d4e5f60005"]})
                with self.assertRaises(botocore.exceptions.ClientError):
                    run_checks(account)

    def test_the_script_exits_two_with_one_line_when_a_call_is_refused(self):
        account = Account()
        account.stub("sts").add_response("get_caller_identity", {"Account": ACCOUNT_ID, "Arn": f"arn:aws:iam::{ACCOUNT_ID}:user/ci", "UserId": "AIDAEXAMPLE"})
        account.stub("cloudformation").add_client_error("describe_stacks", "AccessDenied", "not authorized", 403)

        class Session:
            def client(self, service, region_name=None, config=None):
                return account(service)

        original = verify_destroyed.projects.session
        verify_destroyed.projects.session = lambda region, profile=None: Session()
        self.addCleanup(setattr, verify_destroyed.projects, "session", original)
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out), \
                unittest.mock.patch("sys.argv", ["verify-destroyed", "--assembly", assembly(self)]):
            status = verify_destroyed.main()
        self.assertEqual(2, status)
        self.assertEqual(1, len(err.getvalue().strip().splitlines()), err.getvalue())
        self.assertIn("the list is incomplete", err.getvalue())
        self.assertNotIn("Nothing left", out.getvalue())


class NothingThere:
    """An account where the tagging API lists `arns` and every other call answers that the resource does
    not exist; remembers every operation called, as (service, operation name)."""

    def __init__(self, arns):
        self.arns, self.called, self.clients = arns, set(), {}

    def __call__(self, service):
        if service not in self.clients:
            made = client(service)
            made.meta.events.register("before-call", lambda model, **_: self.answer(service, model))
            self.clients[service] = made
        return self.clients[service]

    def answer(self, service, model):
        from botocore.awsrequest import AWSResponse

        self.called.add((service, model.name))
        if model.name == "GetResources":
            return AWSResponse(None, 200, {}, None), {"ResourceTagMappingList": [{"ResourceARN": a} for a in self.arns]}
        return AWSResponse(None, 404, {}, None), {"Error": {"Code": "ResourceNotFoundException", "Message": "gone"},
                                                  "ResponseMetadata": {"HTTPStatusCode": 404}}


# One resource of every kind the app's stacks and controllers tag, as the tagging API spells its ARN.
EVERY_KIND = [arn("ec2", f"{kind}/{prefix}-0a1b2c3d4e5f60001") for kind, prefix in (
    ("instance", "i"), ("volume", "vol"), ("vpc", "vpc"), ("subnet", "subnet"), ("security-group", "sg"),
    ("network-interface", "eni"), ("natgateway", "nat"), ("elastic-ip", "eipalloc"), ("internet-gateway", "igw"),
    ("route-table", "rtb"), ("launch-template", "lt"), ("vpc-endpoint", "vpce"), ("vpc-flow-log", "fl"))] + [
    "arn:aws:s3:::eks-pipeline-pipeline-sourcebucket-0a1b2c3d4e5f",
    arn("elasticloadbalancing", "loadbalancer/net/k8s-staging-hello-0a1b2c3d4e/0a1b2c3d4e5f6007"),
    arn("elasticloadbalancing", "targetgroup/k8s-staging-hello-0a1b2c3d4e/0a1b2c3d4e5f6008"),
    arn("eks", "cluster/eks-pipeline"), arn("eks", "nodegroup/eks-pipeline/general/0a1b2c3d-4e5f"),
    arn("eks", "addon/eks-pipeline/vpc-cni/0a1b2c3d-4e5f"),
    arn("eks", "podidentityassociation/eks-pipeline/a-0a1b2c3d4e5f60001"),
    arn("logs", "log-group:/aws/eks/eks-pipeline/cluster:*"),
    arn("lambda", "function:eks-pipeline-cluster-ClusterKubectlProviderHandl-Ab12Cd34Ef56"),
    arn("sns", "eks-pipeline-pipeline-ReleaseEvents0A1B2C3D-Ab12Cd34Ef56"), arn("ecr", "repository/eks-pipeline/hello"),
    arn("codebuild", "project/eks-pipeline-build"), arn("codebuild", "report-group/eks-pipeline-build-unit-tests"),
    arn("codepipeline", "eks-pipeline"), arn("events", "rule/eks-pipeline-pipeline-SourceChanged-Ab12Cd34Ef56"),
    arn("ssm", "parameter/eks-pipeline/addon-versions"),
    arn("codestar-notifications", "notificationrule/0a1b2c3d4e5f60a1b2c3d4e5f60a1b2c3d4e5f6"),
    arn("cloudwatch", "alarm:eks-pipeline-production-unhealthy"), arn("scheduler", "schedule/default/eks-pipeline-stop"),
    arn("secretsmanager", "secret:eks-pipeline-token-Ab12Cd"),
    arn("sqs", "eks-pipeline-nodes-KarpenterInterruptionQueue0A1B2C3D-Ab12Cd34Ef56"), "arn:aws:iam::123456789012:role/eks-pipeline-deploy",
    arn("kms", "key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")]

ROLE = json.loads((ROOT / "docs" / "e2e-role.json").read_text())
# The IAM service prefix where it differs from boto3's name for the service, and the IAM action where it
# differs from the operation's name (Service Authorization Reference: HeadBucket needs s3:ListBucket).
IAM_PREFIX = {"resourcegroupstaggingapi": "tag", "elbv2": "elasticloadbalancing"}
IAM_ACTION = {("s3", "HeadBucket"): "s3:ListBucket"}


def iam_actions(calls):
    return {IAM_ACTION.get((service, name), f"{IAM_PREFIX.get(service, service)}:{name}") for service, name in calls}


INSPECT_ROLE = json.loads((ROOT / "docs" / "inspect-role.json").read_text())


def allowed(action, role=ROLE):
    import fnmatch

    for statement in role["permissionsPolicy"]["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if statement["Effect"] == "Allow" and any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions):
            return True
    return False


class RoleDocumentTest(unittest.TestCase):
    """docs/e2e-role.json allows every call scripts/e2e and scripts/verify-destroyed make: the calls are
    recorded while the checks run (verify-destroyed) or read from the code (e2e), never listed by hand."""

    def test_every_call_verify_destroyed_makes_is_allowed_by_the_role(self):
        calls = self.verify_destroyed_calls()
        self.assertEqual([], sorted(a for a in iam_actions(calls) if not allowed(a)))

    def test_the_read_only_role_of_a_stage_account_allows_every_call_and_only_reads(self):
        calls = self.verify_destroyed_calls()
        self.assertEqual([], sorted(a for a in iam_actions(calls) if not allowed(a, INSPECT_ROLE)))
        granted = [a for s in INSPECT_ROLE["permissionsPolicy"]["Statement"] for a in s["Action"]]
        self.assertEqual([], [a for a in granted if not re.match(r"^[a-z0-9-]+:(Describe|Get|List|BatchGet)", a)])
        self.assertEqual([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::DELIVERY_ACCOUNT:root"},
                           "Action": "sts:AssumeRole"}], INSPECT_ROLE["trustPolicy"]["Statement"])
        self.assertTrue("--role " + INSPECT_ROLE["roleName"] in (ROOT / "docs" / "stages.md").read_text())

    def verify_destroyed_calls(self):
        """Every call verify-destroyed makes: the stubbed scenario's, and a sweep of every kind the tagging API lists."""
        account = Account()
        RealAnswersTest.scenario(None, account)
        run_checks(account)
        calls = account.called | {("sts", "GetCallerIdentity")}
        for resource in EVERY_KIND:
            sweep = NothingThere([resource])
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                left = verify_destroyed.Leftovers()
                verify_destroyed.check_tagged(sweep, left, project()["tag"])
            self.assertEqual(0, left.count, f"{resource} was asked of its own service: {out.getvalue()}")
            self.assertGreater(len(sweep.called), 1, resource)
            calls |= sweep.called
        return calls

    def test_the_sweep_has_a_resource_of_every_service_verify_destroyed_confirms_with(self):
        source = (ROOT / "scripts" / "verify-destroyed").read_text()
        services = set(re.findall(r'service == "([a-z0-9-]+)"', source))
        self.assertLessEqual(services, {a.split(":")[2] for a in EVERY_KIND})
        kinds = set(re.findall(r'^    "([a-z-]+)": \("describe_', source, re.M))
        self.assertEqual(kinds, {a.split(":")[5].split("/")[0] for a in EVERY_KIND if ":ec2:" in a})

    def test_every_call_e2e_makes_is_allowed_by_the_role(self):
        # e2e and the VPC it lends the app with --own-vpc (scripts/borrowed_vpc.py), which it calls through.
        e2e_source = (ROOT / "scripts" / "e2e").read_text() + (ROOT / "scripts" / "borrowed_vpc.py").read_text()
        calls = re.findall(r'\.call\(\s*"([a-z0-9-]+)",\s*"([a-z_]+)"', e2e_source)
        # Every AWS call of e2e goes through Runner.call with its service and operation spelled out.
        self.assertEqual(len(calls), e2e_source.count(".call("), "an AWS call whose service or operation is a variable")
        self.assertGreaterEqual(len(calls), 10)
        named = {(service, client(service).meta.method_to_api_mapping[operation]) for service, operation in calls}
        self.assertEqual([], sorted(a for a in iam_actions(named) if not allowed(a)))
        self.assertIn(("cloudformation", "CreateStack"), named)

    def test_the_lent_vpc_is_created_through_the_cdk_execution_role_the_role_may_pass(self):
        import fnmatch
        import importlib.util

        spec = importlib.util.spec_from_file_location("borrowed_vpc", ROOT / "scripts" / "borrowed_vpc.py")
        borrowed_vpc = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(borrowed_vpc)
        passed = borrowed_vpc.execution_role("123456789012", "us-east-2")
        stack = "arn:aws:cloudformation:us-east-2:123456789012:stack/" + borrowed_vpc.stack_name("e2e-abcdef") + "/1a2b"
        statements = [s for s in ROLE["permissionsPolicy"]["Statement"] if s["Effect"] == "Allow"]

        def grants(action, resource):
            return any(fnmatch.fnmatchcase(action, a) and fnmatch.fnmatchcase(resource, r.replace("ACCOUNT", "123456789012"))
                       for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
                       for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]))
        self.assertTrue(grants("iam:PassRole", passed), passed)
        self.assertFalse(grants("iam:PassRole", "arn:aws:iam::123456789012:role/Admin"))
        self.assertTrue(grants("cloudformation:CreateStack", stack) and grants("cloudformation:DeleteStack", stack))
        self.assertFalse(grants("cloudformation:DeleteStack", stack.replace("e2e-abcdef-borrowed-vpc", "prod-network")))


if __name__ == "__main__":
    unittest.main()
