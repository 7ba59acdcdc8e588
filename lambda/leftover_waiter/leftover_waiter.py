"""The leftover waiter: the handler of a CloudFormation custom resource that `cdk destroy` deletes after the
stage namespaces and before what released their contents (the load balancer controller, the EBS CSI driver,
the nodes).

Deleting a namespace deletes its PersistentVolumeClaims, but the PersistentVolumes are cluster-scoped: the
EBS CSI driver detaches and deletes their volumes afterwards, and would be deleted itself, with the nodes,
while it still had work to do; `available` volumes would stay behind and keep billing. And CDK's kubectl
handler logs a failed `kubectl delete` and still answers SUCCESS, so a namespace delete that errored would
leave its load balancer. So Delete waits, up to WAIT_SECONDS, until none of these remains:

  - a PersistentVolume of the app's storage class (STORAGE_CLASS),
  - a VolumeAttachment,
  - a load balancer or target group that the AWS Load Balancer Controller tagged for the cluster
    (elbv2.k8s.aws/cluster=<cluster>),

and answers FAILED with one line naming what is left if any still does: the destroy stops there, loudly,
while the controllers that could still release them run. Create and Update do nothing.

One invocation does the whole wait: WAIT_SECONDS stays below Lambda's 15 minutes with time to answer, and
CloudFormation waits an hour for a custom resource's answer, so the provider framework's asynchronous
waiter (isComplete) is not needed.
https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html

Environment (set by LeftoverWaiter.java):
  CLUSTER_NAME   the EKS cluster
  STORAGE_CLASS  the StorageClass whose volumes the app's claims use
  WAIT_SECONDS   how long Delete waits for the last leftover to go
Only the standard library and the runtime's boto3 are used. The Kubernetes API is called with a token made
from the function's own IAM role, which an access entry maps to a group that may only list volumes and
volume attachments.
"""
import logging
import os
import time
import urllib.request

import polling
from cfn_response import respond
from kubernetes_api import get, token

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

TAG = "elbv2.k8s.aws/cluster"
POLL_SECONDS = 15
# The time kept back from the function's own to answer CloudFormation.
RESERVE_SECONDS = 30
DESCRIBE_TAGS_BATCH = 20  # DescribeTags takes at most 20 ARNs


def volumes(get_json, storage_class):
    """The app's PersistentVolumes still there, in words."""
    left = []
    for volume in get_json("/api/v1/persistentvolumes").get("items", []):
        spec = volume.get("spec", {})
        if spec.get("storageClassName") == storage_class:
            handle = spec.get("csi", {}).get("volumeHandle", "no EBS volume yet")
            left.append(f"volume {volume['metadata']['name']} ({handle}, {volume.get('status', {}).get('phase', '?')})")
    return left


def attachments(get_json):
    """Every VolumeAttachment still there, in words: a volume attached to a node cannot be deleted."""
    return [f"volume attachment {a['metadata']['name']} ({a.get('spec', {}).get('source', {}).get('persistentVolumeName', '?')} "
            f"on {a.get('spec', {}).get('nodeName', '?')})"
            for a in get_json("/apis/storage.k8s.io/v1/volumeattachments").get("items", [])]


def tagged(elbv2, operation, listed, key, cluster):
    """The ARNs (`key`) of what `operation` lists under `listed` that carry TAG=cluster."""
    arns = []
    for page in elbv2.get_paginator(operation).paginate():
        arns.extend(item[key] for item in page[listed])
    found = []
    for start in range(0, len(arns), DESCRIBE_TAGS_BATCH):
        for description in elbv2.describe_tags(ResourceArns=arns[start:start + DESCRIBE_TAGS_BATCH])["TagDescriptions"]:
            if any(t["Key"] == TAG and t.get("Value") == cluster for t in description.get("Tags", [])):
                found.append(description["ResourceArn"])
    return found


def load_balancing(elbv2, cluster):
    """The controller's load balancers and target groups still there, in words."""
    return ([f"load balancer {arn.split(':loadbalancer/')[-1]}"
             for arn in tagged(elbv2, "describe_load_balancers", "LoadBalancers", "LoadBalancerArn", cluster)]
            + [f"target group {arn.split(':targetgroup/')[-1]}"
               for arn in tagged(elbv2, "describe_target_groups", "TargetGroups", "TargetGroupArn", cluster)])


def leftovers(get_json, elbv2, cluster, storage_class):
    return volumes(get_json, storage_class) + attachments(get_json) + load_balancing(elbv2, cluster)


def summary(left, error, seconds):
    """The one line the destroy fails with, or None when nothing is left."""
    if error is not None:
        return (f"Could not check for leftovers of the namespaces within {seconds} s ({error}); check the "
                "cluster's volumes and load balancers, then run cdk destroy again.")
    if not left:
        return None
    return (f"Left {len(left)} resource(s) behind {seconds} s after the namespaces were deleted: {'; '.join(left)}. "
            "Delete them (README, Troubleshooting), then run cdk destroy again.")


def delete(environment, eks, elbv2, session, open_url, seconds, clock=time.monotonic, sleep=time.sleep):
    """Waits for the leftovers to go; returns (status, reason) for CloudFormation."""
    cluster = environment["CLUSTER_NAME"]
    info = eks.describe_cluster(name=cluster)["cluster"]

    def check():
        bearer = token(session, cluster, eks.meta.region_name)
        return leftovers(lambda path: get(open_url, info, path, bearer), elbv2, cluster, environment["STORAGE_CLASS"])

    left, error = polling.wait_for_none(check, seconds, clock, sleep, POLL_SECONDS, "checking for leftovers failed")
    line = summary(left, error, seconds)
    return ("FAILED", line) if line else ("SUCCESS", "No volume, volume attachment, load balancer or target group "
                                                     "of the namespaces is left.")


def custom_resource(event, environment, eks, elbv2, session, open_url, seconds, clock=time.monotonic,
                    sleep=time.sleep):
    if event["RequestType"] != "Delete":
        respond(event, "SUCCESS", "Nothing to do until the stack is deleted.", open_url)
        return
    try:
        status, reason = delete(environment, eks, elbv2, session, open_url, seconds, clock, sleep)
    except Exception as error:  # noqa: BLE001 (answered, or CloudFormation would wait its hour)
        LOG.error("the leftover check failed: %s", error)
        status, reason = "FAILED", f"Could not check for leftovers of the namespaces ({error})."
    respond(event, status, reason, open_url)


def handler(event, context):
    import boto3

    session = boto3.session.Session()
    seconds = min(int(os.environ["WAIT_SECONDS"]), context.get_remaining_time_in_millis() // 1000 - RESERVE_SECONDS)
    custom_resource(event, os.environ, session.client("eks"), session.client("elbv2"), session,
                    urllib.request.urlopen, seconds)
