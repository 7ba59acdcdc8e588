"""What only the account can say about an existing VPC, checked before EKS spends fifteen minutes on a
cluster create: the handler of a CloudFormation custom resource (Custom::VpcPreflight) in the Network
stack, which the Cluster stack follows, and the same checks for `scripts/preflight`'s dry run.

Checks, each failing with one line that says what to do:
- every configured subnet exists in the VPC, in the configured zone, with the configured range;
- each private subnet's free addresses (AvailableIpAddressCount) cover the worst case of its zone, on
  Create only: once the cluster runs, its own nodes and pods hold some of those addresses;
- each private subnet's route table sends 0.0.0.0/0 through a NAT gateway (or a transit gateway or an
  appliance interface), or else the VPC has every endpoint the nodes and functions need (AWS's private
  cluster requirements: https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html);
- the load balancer role tags are on the subnets (https://docs.aws.amazon.com/eks/latest/userguide/
  network-load-balancing.html): kubernetes.io/role/elb on the public ones, kubernetes.io/role/internal-elb
  on the private ones. With TagSubnets, the function adds the missing ones instead, marks on each subnet
  which it added, and on Delete removes exactly those.

ResourceProperties: VpcId, Region, AppName, TagSubnets ("true"/"false"), Endpoints (service suffixes),
PrivateSubnets and PublicSubnets ([{Id, Zone, Cidr, RouteTableId, AddressesNeeded}]).
"""
import logging
import urllib.request

from cfn_response import respond

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

PUBLIC_TAG = "kubernetes.io/role/elb"
INTERNAL_TAG = "kubernetes.io/role/internal-elb"
GATEWAY_ENDPOINTS = {"s3"}


def marker(app_name):
    """The tag on a subnet that says which tags this app added to it, so Delete removes exactly those."""
    return f"eks-pipeline/{app_name}/added-tags"


def subnets_in_vpc(ec2, vpc_id):
    found = {}
    for page in ec2.get_paginator("describe_subnets").paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]):
        for subnet in page["Subnets"]:
            found[subnet["SubnetId"]] = subnet
    return found


def check_subnets(found, properties, addresses):
    problems = []
    for kind, key in (("private", "PrivateSubnets"), ("public", "PublicSubnets")):
        for wanted in properties.get(key, []):
            subnet = found.get(wanted["Id"])
            if subnet is None:
                problems.append(f"{kind} subnet {wanted['Id']} is not in {properties['VpcId']}: correct its id in "
                                f"vpc.{key[0].lower() + key[1:]} or use a subnet of that VPC.")
                continue
            if subnet["AvailabilityZone"] != wanted["Zone"]:
                problems.append(f"{kind} subnet {wanted['Id']} is in {subnet['AvailabilityZone']}, not "
                                f"{wanted['Zone']} as configured: correct its zone.")
            if subnet["CidrBlock"] != wanted["Cidr"]:
                problems.append(f"{kind} subnet {wanted['Id']} has the range {subnet['CidrBlock']}, not "
                                f"{wanted['Cidr']} as configured: correct its cidr.")
            needed = int(wanted.get("AddressesNeeded", 0))
            if addresses and needed and subnet["AvailableIpAddressCount"] < needed:
                problems.append(f"{kind} subnet {wanted['Id']} has {subnet['AvailableIpAddressCount']} free addresses "
                                f"but the worst case in {wanted['Zone']} takes {needed}: free addresses there, give a "
                                f"larger subnet, or lower the node groups' maxSize.")
    return problems


def egress_route(table):
    """The route table's default route through NAT, a transit gateway or an appliance, if it has one."""
    for route in table.get("Routes", []):
        if route.get("DestinationCidrBlock") != "0.0.0.0/0" or route.get("State") == "blackhole":
            continue
        for key in ("NatGatewayId", "TransitGatewayId", "NetworkInterfaceId", "InstanceId"):
            if route.get(key):
                return route[key]
    return None


def missing_endpoints(ec2, properties):
    region = properties["Region"]
    present = set()
    filters = [{"Name": "vpc-id", "Values": [properties["VpcId"]]}]
    for page in ec2.get_paginator("describe_vpc_endpoints").paginate(Filters=filters):
        for endpoint in page["VpcEndpoints"]:
            if endpoint.get("State", "").lower() in ("available", "pendingacceptance", "pending"):
                present.add(endpoint["ServiceName"])
    return [name for name in properties["Endpoints"] if f"com.amazonaws.{region}.{name}" not in present]


def check_egress(ec2, properties):
    tables = sorted({s["RouteTableId"] for s in properties["PrivateSubnets"]})
    answer = ec2.describe_route_tables(RouteTableIds=tables)
    by_id = {t["RouteTableId"]: t for t in answer["RouteTables"]}
    without = [t for t in tables if t not in by_id or egress_route(by_id[t]) is None]
    if not without:
        return []
    missing = missing_endpoints(ec2, properties)
    if not missing:
        return []
    return [f"route table {table} sends no 0.0.0.0/0 through a NAT gateway, and the VPC lacks the endpoints "
            f"nodes and functions need without one ({', '.join(missing)}): add a NAT route or those endpoints."
            for table in without]


def tag_plan(found, properties):
    """(subnet, tag) pairs the load balancer controller needs and the subnets lack."""
    plan = []
    for key, tag in (("PublicSubnets", PUBLIC_TAG), ("PrivateSubnets", INTERNAL_TAG)):
        for wanted in properties.get(key, []):
            subnet = found.get(wanted["Id"])
            if subnet is not None and tag not in {t["Key"] for t in subnet.get("Tags", [])}:
                plan.append((wanted["Id"], tag))
    return plan


def add_tags(ec2, plan, app_name):
    for subnet, tag in plan:
        ec2.create_tags(Resources=[subnet], Tags=[{"Key": tag, "Value": "1"}, {"Key": marker(app_name), "Value": tag}])


def remove_added_tags(ec2, subnet_ids, app_name):
    """Removes the tags this app's marker names, and the marker, from each subnet that still exists."""
    if not subnet_ids:
        return []
    removed = []
    answer = ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": sorted(subnet_ids)}])
    for subnet in answer["Subnets"]:
        tags = {t["Key"]: t["Value"] for t in subnet.get("Tags", [])}
        added = tags.get(marker(app_name))
        if added:
            ec2.delete_tags(Resources=[subnet["SubnetId"]], Tags=[{"Key": added}, {"Key": marker(app_name)}])
            removed.append((subnet["SubnetId"], added))
    return removed


def missing_tag(subnet, key):
    return (f"subnet {subnet} lacks the tag {key}, which the load balancer controller places load balancers "
            f"by: add it (value 1), or set vpc.tagSubnets to true to let the app add it.")


def survey(ec2, properties, addresses=True):
    """(problems, tag plan): every problem of the subnets and their egress as one line, and the load balancer
    tags the subnets lack; with `addresses`, free addresses are held against the worst case."""
    found = subnets_in_vpc(ec2, properties["VpcId"])
    problems = check_subnets(found, properties, addresses)
    problems += check_egress(ec2, properties)
    return problems, tag_plan(found, properties)


def check(ec2, properties, tag=False, addresses=True):
    """Every problem as one line; with `tag`, the missing load balancer tags are added instead of reported;
    with `addresses`, free addresses are held against the worst case (before anything of the app runs)."""
    problems, plan = survey(ec2, properties, addresses)
    if tag:
        if not problems:
            add_tags(ec2, plan, properties["AppName"])
    else:
        problems += [missing_tag(subnet, key) for subnet, key in plan]
    return problems


def subnet_ids(properties):
    return {s["Id"] for key in ("PrivateSubnets", "PublicSubnets") for s in properties.get(key, [])}


def run(event, ec2, open_url):
    properties = event["ResourceProperties"]
    tagging = properties.get("TagSubnets") == "true"
    try:
        if event["RequestType"] == "Delete":
            removed = remove_added_tags(ec2, subnet_ids(properties), properties["AppName"]) if tagging else []
            respond(event, "SUCCESS", f"Removed {len(removed)} tag(s) the app had added.", open_url)
            return
        if event["RequestType"] == "Update":
            old = event.get("OldResourceProperties", {})
            if old.get("TagSubnets") == "true":
                gone = subnet_ids(old) - (subnet_ids(properties) if tagging else set())
                remove_added_tags(ec2, gone, old["AppName"])
        problems = check(ec2, properties, tag=tagging, addresses=event["RequestType"] == "Create")
    except Exception as error:  # noqa: BLE001 (reported to CloudFormation, which rolls the change back)
        LOG.exception("the VPC preflight could not run")
        respond(event, "FAILED", f"The VPC preflight could not run: {error}", open_url)
        return
    if problems:
        respond(event, "FAILED", " ".join(problems), open_url)
        return
    respond(event, "SUCCESS", f"{properties['VpcId']} is ready for the cluster.", open_url)


def handler(event, _context):
    import boto3

    run(event, boto3.client("ec2"), urllib.request.urlopen)
