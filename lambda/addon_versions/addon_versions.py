"""The EKS add-on versions a cluster should run: for each add-on, the version AWS marks as the default
for the cluster's Kubernetes version in this region (DescribeAddonVersions, defaultVersion).

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
import urllib.request

from cfn_response import respond

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)


class NoDefault(LookupError):
    """AWS lists no default version of an add-on for the Kubernetes version."""


def default_version(eks, addon, kubernetes_version):
    """The version of `addon` that AWS marks default for `kubernetes_version`."""
    for page in eks.get_paginator("describe_addon_versions").paginate(addonName=addon,
                                                                       kubernetesVersion=kubernetes_version):
        for listed in page.get("addons", []):
            for version in listed.get("addonVersions", []):
                if any(c.get("clusterVersion") == kubernetes_version and c.get("defaultVersion")
                       for c in version.get("compatibilities", [])):
                    return version["addonVersion"]
    raise NoDefault(f"AWS lists no default version of {addon} for Kubernetes {kubernetes_version} in this region")


def versions(eks, properties):
    kubernetes_version = properties["KubernetesVersion"]
    return {addon: default_version(eks, addon, kubernetes_version) for addon in properties["AddonNames"]}


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
    respond(event, "SUCCESS", ", ".join(f"{name} {version}" for name, version in found.items()), open_url, found)


def handler(event, _context):
    import boto3

    run(event, boto3.client("eks"), urllib.request.urlopen)
