"""The VPC `scripts/e2e --own-vpc` borrows: a network team's VPC, made with plain CloudFormation before the
app exists, handed to the app through the `vpc` key, and compared after the app's destroy with what it was
before the app came: the same subnets (zones, ranges, tags), the same route tables (routes, associations)
and the same VPC tags. Then the VPC's own stack is deleted.

Like a network team's, the public subnets already carry kubernetes.io/role/elb; the private ones lack
kubernetes.io/role/internal-elb, so the app (vpc.tagSubnets) adds it and its destroy must take it away again.
The stack is created with the CDK bootstrap's CloudFormation execution role, as the app's stacks are, so the
end-to-end role needs no EC2 write permission of its own (docs/e2e-role.json).
"""
import json

CIDR = "10.20.0.0/16"
PRIVATE_CIDRS = ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]
PUBLIC_CIDRS = ["10.20.96.0/24", "10.20.97.0/24", "10.20.98.0/24"]
OWNER_TAG = {"Key": "kubernetes.io/role/elb", "Value": "1"}
# What a dry run hands the app instead of the stack's outputs: IDs of the right shape, so that the plan is
# synthesized as a real run's would be.
DRY_OUTPUTS = {"VpcId": "vpc-0d0d0d0d0d0d0d0d0",
               **{f"PrivateSubnet{i}": f"subnet-0d0d0d0d0d0d0d0a{i}" for i in range(3)},
               **{f"PublicSubnet{i}": f"subnet-0d0d0d0d0d0d0d0b{i}" for i in range(3)},
               "PrivateRouteTable": "rtb-0d0d0d0d0d0d0d0d1", "PublicRouteTable": "rtb-0d0d0d0d0d0d0d0d2"}


def stack_name(app):
    return f"{app}-borrowed-vpc"


def execution_role(account, region):
    """The CDK bootstrap's CloudFormation execution role (default qualifier), which deploys the app's stacks."""
    return f"arn:aws:iam::{account}:role/cdk-hnb659fds-cfn-exec-role-{account}-{region}"


def template():
    """Three private and three public subnets in the zones given as its Zones parameter (the app's
    availabilityZones, in order), one NAT gateway, an internet gateway."""
    resources = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": CIDR, "EnableDnsHostnames": True,
                                                        "EnableDnsSupport": True}},
        "Gateway": {"Type": "AWS::EC2::InternetGateway"},
        "Attachment": {"Type": "AWS::EC2::VPCGatewayAttachment",
                       "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Gateway"}}},
        "PublicRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "PublicRoute": {"Type": "AWS::EC2::Route", "DependsOn": "Attachment", "Properties": {
            "RouteTableId": {"Ref": "PublicRouteTable"}, "DestinationCidrBlock": "0.0.0.0/0",
            "GatewayId": {"Ref": "Gateway"}}},
        "NatAddress": {"Type": "AWS::EC2::EIP", "DependsOn": "Attachment", "Properties": {"Domain": "vpc"}},
        "Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {
            "AllocationId": {"Fn::GetAtt": ["NatAddress", "AllocationId"]}, "SubnetId": {"Ref": "PublicSubnet0"}}},
        "PrivateRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "PrivateRoute": {"Type": "AWS::EC2::Route", "Properties": {
            "RouteTableId": {"Ref": "PrivateRouteTable"}, "DestinationCidrBlock": "0.0.0.0/0",
            "NatGatewayId": {"Ref": "Nat"}}},
    }
    outputs = {"VpcId": {"Value": {"Ref": "Vpc"}},
               "PrivateRouteTable": {"Value": {"Ref": "PrivateRouteTable"}},
               "PublicRouteTable": {"Value": {"Ref": "PublicRouteTable"}}}
    for kind, cidrs, tags in (("Private", PRIVATE_CIDRS, []), ("Public", PUBLIC_CIDRS, [OWNER_TAG])):
        for i, cidr in enumerate(cidrs):
            subnet = f"{kind}Subnet{i}"
            resources[subnet] = {"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": {"Fn::Select": [i, {"Ref": "Zones"}]},
                "MapPublicIpOnLaunch": kind == "Public", **({"Tags": tags} if tags else {})}}
            resources[f"{subnet}Routes"] = {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "SubnetId": {"Ref": subnet}, "RouteTableId": {"Ref": f"{kind}RouteTable"}}}
            outputs[subnet] = {"Value": {"Ref": subnet}}
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Description": "A VPC lent to the app by scripts/e2e --own-vpc, deleted after the app's destroy",
            "Parameters": {"Zones": {"Type": "List<AWS::EC2::AvailabilityZone::Name>",
                                     "Description": "three zones, the app's availabilityZones in order"}},
            "Resources": resources, "Outputs": outputs}


def outputs_of(stack):
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def overrides(outputs, zones):
    """The -c overrides that hand the VPC to the app: `vpc` (tagSubnets on), and the own VPC's keys cleared."""
    def subnets(kind, cidrs, table):
        return [{"id": outputs[f"{kind}Subnet{i}"], "zone": zone, "cidr": cidr, "routeTableId": outputs[table]}
                for i, (zone, cidr) in enumerate(zip(zones, cidrs))]
    vpc = {"id": outputs["VpcId"], "cidr": CIDR, "tagSubnets": True,
           "privateSubnets": subnets("Private", PRIVATE_CIDRS, "PrivateRouteTable"),
           "publicSubnets": subnets("Public", PUBLIC_CIDRS, "PublicRouteTable")}
    return [f"vpc={json.dumps(vpc, separators=(',', ':'))}", "vpcCidr=", "natGateways="]


def state(runner, vpc_id):
    """What must be the same after the app's destroy: the VPC's range and tags, each subnet's zone, range and
    tags, each route table's routes and associations. Comparable with ==; JSON for the report."""
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    tags = lambda item: sorted(f"{t['Key']}={t['Value']}" for t in item.get("Tags", []))  # noqa: E731
    vpcs = runner.call("ec2", "describe_vpcs", VpcIds=[vpc_id]).get("Vpcs", [])
    subnets = runner.call("ec2", "describe_subnets", Filters=in_vpc).get("Subnets", [])
    tables = runner.call("ec2", "describe_route_tables", Filters=in_vpc).get("RouteTables", [])
    return {
        "vpc": {"cidr": vpcs[0]["CidrBlock"], "tags": tags(vpcs[0])} if vpcs else None,
        "subnets": {s["SubnetId"]: {"zone": s["AvailabilityZone"], "cidr": s["CidrBlock"], "tags": tags(s)}
                    for s in subnets},
        "routeTables": {t["RouteTableId"]: {
            "routes": sorted(json.dumps(r, sort_keys=True) for r in t.get("Routes", [])),
            "associations": sorted(a.get("SubnetId") or "main" for a in t.get("Associations", [])),
            "tags": tags(t)} for t in tables},
    }


def differences(before, after):
    """One line per way the VPC is not as it was found; [] when it is."""
    lines = []
    if before["vpc"] != after["vpc"]:
        lines.append(f"the VPC was {before['vpc']}, is {after['vpc']}")
    for kind in ("subnets", "routeTables"):
        for key in sorted(set(before[kind]) | set(after[kind])):
            was, now = before[kind].get(key), after[kind].get(key)
            if was is None:
                lines.append(f"{key} is new in the VPC: {now}")
            elif now is None:
                lines.append(f"{key} is gone from the VPC (it was {was})")
            elif was != now:
                for field in sorted(set(was) | set(now)):
                    if was.get(field) != now.get(field):
                        added = sorted(set(now.get(field) or []) - set(was.get(field) or [])) \
                            if isinstance(now.get(field), list) else now.get(field)
                        removed = sorted(set(was.get(field) or []) - set(now.get(field) or [])) \
                            if isinstance(was.get(field), list) else was.get(field)
                        lines.append(f"{key} {field}: added {added}, removed {removed}")
    return lines


def create(runner, app, zones, account, timeout):
    """Creates the VPC's stack and waits for it; returns its outputs (a dry run's are DRY_OUTPUTS)."""
    name = stack_name(app)
    runner.call("cloudformation", "create_stack", StackName=name, TemplateBody=json.dumps(template()),
                Parameters=[{"ParameterKey": "Zones", "ParameterValue": ",".join(zones)}], RoleARN=execution_role(account, runner.region), Tags=[{"Key": "e2e", "Value": app}])
    found = runner.wait(f"the borrowed VPC's stack {name} to be created",
                        lambda: settled(runner, name, "CREATE_COMPLETE"), timeout)
    return DRY_OUTPUTS if runner.dry else outputs_of(found)


def delete(runner, app, timeout):
    name = stack_name(app)
    runner.call("cloudformation", "delete_stack", StackName=name)
    runner.wait(f"the borrowed VPC's stack {name} to be deleted", lambda: settled(runner, name, "DELETE_COMPLETE"),
                timeout)


class Failed(RuntimeError):
    pass


def settled(runner, name, goal):
    """The stack once it reached `goal` (DELETE_COMPLETE: once it is gone too); None while in progress;
    Failed when it ended anywhere else."""
    import botocore.exceptions

    try:
        stacks = runner.call("cloudformation", "describe_stacks", StackName=name).get("Stacks", [])
    except botocore.exceptions.ClientError as error:
        if goal == "DELETE_COMPLETE" and "does not exist" in str(error):
            return {"StackStatus": "DELETE_COMPLETE"}
        raise
    if not stacks:
        return None
    status = stacks[0]["StackStatus"]
    if status == goal:
        return stacks[0]
    if not status.endswith("_IN_PROGRESS"):
        raise Failed(f"the borrowed VPC's stack {name} is {status}: {stacks[0].get('StackStatusReason', '')}")
    return None
