"""The VPC preflight against EC2's API as botocore describes it (a Stubber at the client checks every
request and response against the service model). Run:
python3 -m unittest discover --start-directory lambda/vpc_preflight"""
import contextlib
import json
import unittest

import boto3
from botocore.stub import ANY, Stubber

import vpc_preflight

VPC = "vpc-0a1b2c3d4e5f60718"
PRIVATE = [{"Id": f"subnet-0aaaaaaaaaaaaaaa{i}", "Zone": f"us-east-2{z}", "Cidr": f"10.20.{32 * (i - 1)}.0/19",
            "RouteTableId": f"rtb-0ccccccccccccccc{i}", "AddressesNeeded": "49"} for i, z in ((1, "a"), (2, "b"))]
PUBLIC = [{"Id": f"subnet-0bbbbbbbbbbbbbbb{i}", "Zone": f"us-east-2{z}", "Cidr": f"10.20.{95 + i}.0/24",
           "RouteTableId": "rtb-0ddddddddddddddd1", "AddressesNeeded": "0"} for i, z in ((1, "a"), (2, "b"))]
ENDPOINTS = ["sts", "eks", "ecr.api", "ecr.dkr", "s3"]


def properties(tag_subnets=False, private=None):
    return {"VpcId": VPC, "Region": "us-east-2", "AppName": "shop", "TagSubnets": "true" if tag_subnets else "false",
            "Endpoints": ENDPOINTS, "PrivateSubnets": private or PRIVATE, "PublicSubnets": PUBLIC}


def ec2_subnet(wanted, tags=None, free=8000, zone=None, cidr=None):
    return {"SubnetId": wanted["Id"], "VpcId": VPC, "AvailabilityZone": zone or wanted["Zone"],
            "CidrBlock": cidr or wanted["Cidr"], "AvailableIpAddressCount": free, "State": "available",
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}


def tagged(changes=None):
    """Every configured subnet as EC2 describes it, tagged for load balancers; `changes` by subnet ID."""
    subnets = [ec2_subnet(s, {vpc_preflight.INTERNAL_TAG: "1"}) for s in PRIVATE]
    subnets += [ec2_subnet(s, {vpc_preflight.PUBLIC_TAG: "1"}) for s in PUBLIC]
    for subnet in subnets:
        subnet.update((changes or {}).get(subnet["SubnetId"], {}))
    return {"Subnets": subnets}


def route_table(table_id, via_nat=True):
    routes = [{"DestinationCidrBlock": "10.20.0.0/16", "GatewayId": "local", "State": "active"}]
    if via_nat:
        routes.append({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0123456789abcdef0", "State": "active"})
    return {"RouteTableId": table_id, "VpcId": VPC, "Routes": routes}


class Answers:
    """A stand-in for the pre-signed ResponseURL: keeps what the function PUTs."""

    def __init__(self):
        self.received = []

    def __call__(self, request, timeout):
        self.received.append(json.loads(request.data))
        return contextlib.nullcontext(type("Response", (), {"status": 200})())


class VpcPreflightTest(unittest.TestCase):
    def setUp(self):
        self.ec2 = boto3.client("ec2", region_name="us-east-2", aws_access_key_id="testing",
                                aws_secret_access_key="testing")
        self.stub = Stubber(self.ec2)
        self.stub.activate()
        self.answers = Answers()

    def tearDown(self):
        self.stub.assert_no_pending_responses()
        self.stub.deactivate()

    def expect_subnets(self, answer):
        self.stub.add_response("describe_subnets", answer, {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]})

    def expect_routes(self, via_nat=True):
        tables = sorted({s["RouteTableId"] for s in PRIVATE})
        self.stub.add_response("describe_route_tables",
                               {"RouteTables": [route_table(t, via_nat) for t in tables]}, {"RouteTableIds": tables})

    def expect_endpoints(self, services):
        self.stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [
            {"VpcEndpointId": f"vpce-0{i:016x}", "ServiceName": f"com.amazonaws.us-east-2.{s}", "State": "available",
             "VpcId": VPC} for i, s in enumerate(services)]}, {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]})

    def run_request(self, request_type, props, old=None):
        event = {"RequestType": request_type, "ResourceProperties": props, "ResponseURL": "http://127.0.0.1/answer",
                 "StackId": "stack", "RequestId": "request", "LogicalResourceId": "VpcPreflight"}
        if old is not None:
            event["OldResourceProperties"] = old
            event["PhysicalResourceId"] = "VpcPreflight-request"
        with self.assertLogs(vpc_preflight.LOG, level="INFO"):
            vpc_preflight.run(event, self.ec2, self.answers)
        self.assertEqual(1, len(self.answers.received))
        return self.answers.received[0]

    def test_a_vpc_routed_through_nat_with_tagged_subnets_passes(self):
        self.expect_subnets(tagged())
        self.expect_routes(via_nat=True)
        answer = self.run_request("Create", properties())
        self.assertEqual("SUCCESS", answer["Status"], answer["Reason"])

    def test_endpoints_instead_of_nat_pass_when_every_one_is_there(self):
        self.expect_subnets(tagged())
        self.expect_routes(via_nat=False)
        self.expect_endpoints(ENDPOINTS)
        self.assertEqual("SUCCESS", self.run_request("Create", properties())["Status"])

    def test_neither_nat_nor_the_endpoints_fails_naming_each_route_table_and_what_is_missing(self):
        self.expect_subnets(tagged())
        self.expect_routes(via_nat=False)
        self.expect_endpoints(["s3", "sts"])
        answer = self.run_request("Create", properties())
        self.assertEqual("FAILED", answer["Status"])
        for table in ("rtb-0ccccccccccccccc1", "rtb-0ccccccccccccccc2"):
            self.assertIn(f"route table {table} sends no 0.0.0.0/0 through a NAT gateway", answer["Reason"])
        self.assertIn("(eks, ecr.api, ecr.dkr)", answer["Reason"])

    def test_a_subnet_elsewhere_in_the_wrong_zone_or_range_fails_with_a_line_each(self):
        answer = tagged({PRIVATE[1]["Id"]: {"AvailabilityZone": "us-east-2c", "CidrBlock": "10.20.200.0/24"}})
        answer["Subnets"] = [s for s in answer["Subnets"] if s["SubnetId"] != PUBLIC[0]["Id"]]
        self.expect_subnets(answer)
        self.expect_routes()
        reason = self.run_request("Create", properties())["Reason"]
        self.assertIn(f"public subnet {PUBLIC[0]['Id']} is not in {VPC}", reason)
        self.assertIn(f"private subnet {PRIVATE[1]['Id']} is in us-east-2c, not us-east-2b", reason)
        self.assertIn(f"private subnet {PRIVATE[1]['Id']} has the range 10.20.200.0/24, not 10.20.32.0/19", reason)

    def test_too_few_free_addresses_fail_with_what_the_zone_needs(self):
        self.expect_subnets(tagged({PRIVATE[0]["Id"]: {"AvailableIpAddressCount": 30}}))
        self.expect_routes()
        answer = self.run_request("Create", properties())
        self.assertEqual("FAILED", answer["Status"])
        self.assertIn(f"private subnet {PRIVATE[0]['Id']} has 30 free addresses but the worst case in us-east-2a "
                      f"takes 49", answer["Reason"])

    def test_an_update_does_not_count_the_addresses_the_running_cluster_holds(self):
        self.expect_subnets(tagged({PRIVATE[0]["Id"]: {"AvailableIpAddressCount": 30}}))
        self.expect_routes()
        self.assertEqual("SUCCESS", self.run_request("Update", properties(), properties())["Status"])

    def test_missing_load_balancer_tags_fail_unless_the_app_may_add_them(self):
        self.expect_subnets(tagged({PUBLIC[1]["Id"]: {"Tags": []}}))
        self.expect_routes()
        answer = self.run_request("Create", properties())
        self.assertEqual("FAILED", answer["Status"])
        self.assertIn(f"subnet {PUBLIC[1]['Id']} lacks the tag kubernetes.io/role/elb", answer["Reason"])
        self.assertIn("set vpc.tagSubnets to true", answer["Reason"])

    def test_with_tag_subnets_the_missing_tags_are_added_and_marked(self):
        self.expect_subnets(tagged({PUBLIC[1]["Id"]: {"Tags": []}, PRIVATE[0]["Id"]: {"Tags": [{"Key": "team",
                                                                                                  "Value": "net"}]}}))
        self.expect_routes()
        marker = vpc_preflight.marker("shop")
        self.stub.add_response("create_tags", {}, {"Resources": [PUBLIC[1]["Id"]], "Tags": [
            {"Key": "kubernetes.io/role/elb", "Value": "1"}, {"Key": marker, "Value": "kubernetes.io/role/elb"}]})
        self.stub.add_response("create_tags", {}, {"Resources": [PRIVATE[0]["Id"]], "Tags": [
            {"Key": "kubernetes.io/role/internal-elb", "Value": "1"},
            {"Key": marker, "Value": "kubernetes.io/role/internal-elb"}]})
        self.assertEqual("SUCCESS", self.run_request("Create", properties(tag_subnets=True))["Status"])

    def test_delete_removes_exactly_the_tags_the_app_added(self):
        marker = vpc_preflight.marker("shop")
        ids = sorted(vpc_preflight.subnet_ids(properties()))
        self.stub.add_response("describe_subnets", {"Subnets": [
            ec2_subnet(PUBLIC[1], {"kubernetes.io/role/elb": "1", marker: "kubernetes.io/role/elb"}),
            ec2_subnet(PUBLIC[0], {"kubernetes.io/role/elb": "1"}),
            ec2_subnet(PRIVATE[0], {"kubernetes.io/role/internal-elb": "1", "team": "net",
                                    marker: "kubernetes.io/role/internal-elb"})]},
            {"Filters": [{"Name": "subnet-id", "Values": ids}]})
        self.stub.add_response("delete_tags", {}, {"Resources": [PUBLIC[1]["Id"]], "Tags": [
            {"Key": "kubernetes.io/role/elb"}, {"Key": marker}]})
        self.stub.add_response("delete_tags", {}, {"Resources": [PRIVATE[0]["Id"]], "Tags": [
            {"Key": "kubernetes.io/role/internal-elb"}, {"Key": marker}]})
        answer = self.run_request("Delete", properties(tag_subnets=True))
        self.assertEqual("SUCCESS", answer["Status"])
        self.assertEqual("Removed 2 tag(s) the app had added.", answer["Reason"])

    def test_delete_without_tag_subnets_touches_nothing(self):
        self.assertEqual("SUCCESS", self.run_request("Delete", properties())["Status"])

    def test_an_update_that_drops_a_subnet_removes_what_was_added_to_it(self):
        marker = vpc_preflight.marker("shop")
        old = properties(tag_subnets=True)
        new = properties(tag_subnets=True, private=[PRIVATE[0], dict(PRIVATE[1], Id="subnet-0aaaaaaaaaaaaaaa9")])
        self.stub.add_response("describe_subnets", {"Subnets": [
            ec2_subnet(PRIVATE[1], {"kubernetes.io/role/internal-elb": "1", marker: "kubernetes.io/role/internal-elb"})]},
            {"Filters": [{"Name": "subnet-id", "Values": [PRIVATE[1]["Id"]]}]})
        self.stub.add_response("delete_tags", {}, {"Resources": [PRIVATE[1]["Id"]], "Tags": [
            {"Key": "kubernetes.io/role/internal-elb"}, {"Key": marker}]})
        subnets = tagged()
        subnets["Subnets"][1]["SubnetId"] = "subnet-0aaaaaaaaaaaaaaa9"
        self.expect_subnets(subnets)
        self.stub.add_response("describe_route_tables", {"RouteTables": [route_table(t) for t in (
            "rtb-0ccccccccccccccc1", "rtb-0ccccccccccccccc2")]}, {"RouteTableIds": ANY})
        self.assertEqual("SUCCESS", self.run_request("Update", new, old)["Status"])

    def test_an_api_error_fails_the_resource_with_the_error(self):
        self.stub.add_client_error("describe_subnets", "UnauthorizedOperation", "not authorized")
        with self.assertLogs(vpc_preflight.LOG, level="ERROR"):
            vpc_preflight.run({"RequestType": "Create", "ResourceProperties": properties(),
                               "ResponseURL": "http://127.0.0.1/answer", "StackId": "s", "RequestId": "r",
                               "LogicalResourceId": "VpcPreflight"}, self.ec2, self.answers)
        self.assertEqual("FAILED", self.answers.received[0]["Status"])
        self.assertIn("UnauthorizedOperation", self.answers.received[0]["Reason"])


if __name__ == "__main__":
    unittest.main()
