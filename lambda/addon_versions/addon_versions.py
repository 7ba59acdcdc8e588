"""The EKS add-on versions a cluster should run: for each add-on, the version AWS marks as the default
for the cluster's Kubernetes version in this region (DescribeAddonVersions, defaultVersion). Where AWS
lists versions compatible with that Kubernetes version but marks none default, which community add-ons
such as metrics-server may do, the newest compatible one, and the resource's status reason says so:
failing the Cluster stack for it would block every deploy. Only an add-on with no compatible version at
all fails the change. scripts/preflight makes the same choice before a deploy (it imports choose()).

The handler of a CloudFormation custom resource (AddonVersions) in the cluster stack; each add-on's
AddonVersion is read from it with Fn::GetAtt. Synth stays offline, every version is one AWS offers in
the region, and the versions change only when the resource's properties do: raising kubernetesVersion
looks them up again, and every add-on updates in the same deploy. Delete does nothing.

ResourceProperties: KubernetesVersion ("1.35"), AddonNames (["vpc-cni", ...]).
Data returned: {"<addon name>": "<version>", ...}.
The answer goes to the pre-signed ResponseURL CloudFormation gives (cfn_response.py).
DescribeAddonVersions: https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html
"""
import logging
import re
import urllib.request

from cfn_response import respond

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)


class NoVersion(LookupError):
    """AWS lists no version of an add-on compatible with the Kubernetes version."""


def release(version):
    """A sortable form of an add-on version such as v1.20.4-eksbuild.2: its numbers, in order."""
    return tuple(int(number) for number in re.findall(r"\d+", version))


def choose(eks, addon, kubernetes_version):
    """(version, True) for the version of `addon` AWS marks default for `kubernetes_version`; where AWS
    lists compatible versions but marks none default (community add-ons such as metrics-server may),
    (the newest compatible version, False). Raises NoVersion when nothing is compatible."""
    compatible = []
    for page in eks.get_paginator("describe_addon_versions").paginate(addonName=addon,
                                                                       kubernetesVersion=kubernetes_version):
        for listed in page.get("addons", []):
            for version in listed.get("addonVersions", []):
                matching = [c for c in version.get("compatibilities", []) if c.get("clusterVersion") == kubernetes_version]
                if any(c.get("defaultVersion") for c in matching):
                    return version["addonVersion"], True
                if matching:
                    compatible.append(version["addonVersion"])
    if compatible:
        return max(compatible, key=release), False
    raise NoVersion(f"AWS lists no version of {addon} compatible with Kubernetes {kubernetes_version} in this region")


def versions(eks, properties):
    """{add-on: (version, is AWS's default)} for every add-on named in the resource's properties."""
    kubernetes_version = properties["KubernetesVersion"]
    return {addon: choose(eks, addon, kubernetes_version) for addon in properties["AddonNames"]}


def summary(found, kubernetes_version):
    """The line CloudFormation shows as the resource's status reason, naming every non-default choice."""
    return ", ".join(f"{name} {version}" + ("" if default else
                                            f" (newest compatible: AWS marks no default for {kubernetes_version})")
                     for name, (version, default) in found.items())


def run(event, eks, open_url):
    if event["RequestType"] == "Delete":
        respond(event, "SUCCESS", "Nothing to delete.", open_url)
        return
    try:
        found = versions(eks, event["ResourceProperties"])
    except Exception as error:  # noqa: BLE001 (reported to CloudFormation, which rolls the change back)
        LOG.exception("looking up add-on versions failed")
        respond(event, "FAILED", f"Looking up the add-on versions failed: {error}", open_url)
        return
    reason = summary(found, event["ResourceProperties"]["KubernetesVersion"])
    LOG.info("add-on versions: %s", reason)
    respond(event, "SUCCESS", reason, open_url, {name: version for name, (version, _) in found.items()})


def handler(event, _context):
    import boto3

    run(event, boto3.client("eks"), urllib.request.urlopen)
