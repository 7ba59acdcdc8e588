"""The Karpenter instance waiter: the handler of a CloudFormation custom resource that `cdk destroy` deletes
after Karpenter's NodePools and before its EC2NodeClass, its controller and its roles.

The instances Karpenter launched are not CloudFormation's: deleting a NodePool makes Karpenter drain and
terminate its nodes (karpenter.sh/docs/concepts/disruption, "Termination Controller"), but if that stalls,
the controller would be deleted with its nodes still running and billing, and nothing would ever terminate
them (karpenter-provider-aws#4223, aws-samples/cdk-eks-karpenter#166). So Delete waits, up to WAIT_SECONDS,
until no instance tagged for the cluster's NodePools (kubernetes.io/cluster/<cluster>=owned and a
karpenter.sh/nodepool tag, the tags Karpenter puts on every instance it launches) is pending, running,
stopping, stopped or shutting down, and answers FAILED with one line naming them if any still is: the destroy
stops there, while Karpenter still runs and can terminate them. Create and Update do nothing.

One invocation does the whole wait (WAIT_SECONDS stays below Lambda's 15 minutes with time to answer).
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html

Environment (set by KarpenterInstanceWaiter.java): CLUSTER_NAME, WAIT_SECONDS.
Only the standard library and the runtime's boto3 are used.
"""
import logging
import os
import time
import urllib.request

import polling
from cfn_response import respond

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

NODEPOOL_TAG = "karpenter.sh/nodepool"
STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]
POLL_SECONDS = 15
RESERVE_SECONDS = 30


def instances(ec2, cluster):
    """Karpenter's instances of the cluster that still exist, in words."""
    filters = [{"Name": f"tag:kubernetes.io/cluster/{cluster}", "Values": ["owned"]},
               {"Name": "tag-key", "Values": [NODEPOOL_TAG]},
               {"Name": "instance-state-name", "Values": STATES}]
    left = []
    for page in ec2.get_paginator("describe_instances").paginate(Filters=filters):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
                left.append(f"{instance['InstanceId']} ({instance['InstanceType']}, {instance['State']['Name']}, "
                            f"NodePool {tags.get(NODEPOOL_TAG, '?')})")
    return sorted(left)


def summary(cluster, left, error, seconds):
    """The one line the destroy fails with, or None when no instance is left."""
    if error is not None:
        return (f"Could not list Karpenter's instances of {cluster} within {seconds} s ({error}); check EC2 for "
                f"instances tagged karpenter.sh/nodepool, then run cdk destroy again.")
    if not left:
        return None
    return (f"Karpenter's instances of {cluster} still run {seconds} s after its NodePools were deleted: "
            f"{'; '.join(left)}. Terminate them (README, Karpenter), then run cdk destroy again.")


def custom_resource(event, environment, ec2, open_url, seconds, clock=time.monotonic, sleep=time.sleep):
    if event["RequestType"] != "Delete":
        respond(event, "SUCCESS", "Nothing to do until the stack is deleted.", open_url)
        return
    cluster = environment["CLUSTER_NAME"]
    try:
        left, error = polling.wait_for_none(lambda: instances(ec2, cluster), seconds, clock, sleep, POLL_SECONDS,
                                            "listing Karpenter's instances failed")
        line = summary(cluster, left, error, seconds)
        status, reason = ("FAILED", line) if line else ("SUCCESS", f"No instance of {cluster}'s NodePools is left.")
    except Exception as error:  # noqa: BLE001 (answered, or CloudFormation would wait its hour)
        LOG.error("the instance check failed: %s", error)
        status, reason = "FAILED", f"Could not check for Karpenter's instances ({error})."
    respond(event, status, reason, open_url)


def handler(event, context):
    import boto3

    seconds = min(int(os.environ["WAIT_SECONDS"]), context.get_remaining_time_in_millis() // 1000 - RESERVE_SECONDS)
    custom_resource(event, os.environ, boto3.client("ec2"), urllib.request.urlopen, seconds)
