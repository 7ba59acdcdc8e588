"""Off-hours scale-down: stops the cluster's nodes outside working hours and starts them again.

Invoked by two EventBridge Scheduler schedules with {"action": "stop"} or {"action": "start"}.

stop:  scales the cluster autoscaler to 0 replicas first, so that it cannot add nodes back for the
       pods the scale-down leaves pending, then sets every node group to min 0 and desired 0.
start: restores every node group's configured min, desired and max, then the autoscaler's replicas.

With Karpenter (NODE_POOLS set instead of NODE_GROUPS and AUTOSCALER), stop sets every NodePool's limits to
zero and deletes its NodeClaims, and start restores the configured limits (node_pools.py). The system node
group is left running: Karpenter runs there and must, to drain and terminate the nodes of the deleted
NodeClaims and to launch nodes again at start; the load balancer controller, and the add-ons whose pods
tolerate the system taint, run there too.

Also the handler of a CloudFormation custom resource (RestoreBeforeDelete) that the stage namespaces
are deleted after: its Delete runs `start` and waits until a node is Ready, so that a `cdk destroy`
during off-hours finds the load balancer controller and the EBS CSI driver running, and they release
the namespaces' load balancers and volumes. With Karpenter its Delete restores the NodePools' limits and does
not wait: the system group never stopped, and Karpenter launches for whatever is pending. Create and Update do nothing. The result goes to the
pre-signed ResponseURL CloudFormation gives (cfn_response.py).

Environment (set by OffHoursScaler.java):
  CLUSTER_NAME         the EKS cluster
  NODE_GROUPS          JSON list of {"name", "minSize", "desiredSize", "maxSize"} as configured
  AUTOSCALER           "<namespace>/<deployment>" of the cluster autoscaler
  AUTOSCALER_REPLICAS  its replica count while the nodes run
  NODE_POOLS           with Karpenter, instead of the three above: JSON list of {"name", "limits"} as deployed
  ALARM_NAMES          optional JSON list of the CloudWatch alarms parked nodes would set off (the nodes',
                       and the service probe's): stop silences their
                       actions before the nodes go; start sets them back to OK (still silent) and then
                       turns their actions on again, so parked nodes alert nobody and nodes that fail to
                       come back alert as usual once the alarms have evaluated them again. A failed stop
                       or start turns them on again all the same, and fails the invocation.
Only the standard library and the runtime's boto3 are used. The Kubernetes API is called with a token
made from the function's own IAM role, which an access entry maps to a group allowed only to scale the
autoscaler's Deployment (and read nodes), or with Karpenter only to get and patch the NodePools and to list
and delete NodeClaims.
"""
import base64
import json
import logging
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

import node_pools
from cfn_response import respond
from settings import BadRequest, json_list, json_value

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

TOKEN_PREFIX = "k8s-aws-v1."
TOKEN_SECONDS = 60
# How often the delete handler asks whether a node is Ready, and how much of the function's time it
# keeps back to answer CloudFormation.
POLL_SECONDS = 15
RESERVE_SECONDS = 30


class KubernetesError(RuntimeError):
    """The API server refused a request: the method, the path, the status and the server's message, one line."""


def parse_action(event):
    action = event.get("action") if isinstance(event, dict) else None
    if action not in ("stop", "start"):
        raise BadRequest(f'event must be {{"action": "stop"}} or {{"action": "start"}}, got {event!r}')
    return action


def parse_node_groups(raw):
    groups = json_list("NODE_GROUPS", raw)
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("name"), str) or not all(
                isinstance(group.get(k), int) and group[k] >= 0 for k in ("minSize", "desiredSize", "maxSize")):
            raise BadRequest(f"each node group needs a name and whole-number minSize, desiredSize, maxSize: {group!r}")
    return groups


def parse_alarm_names(raw):
    if raw is None or raw == "":
        return []
    names = json_value("ALARM_NAMES", raw)
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise BadRequest(f"ALARM_NAMES must be a JSON list of alarm names, got {raw!r}")
    return names


def silence_alarms(cloudwatch, names):
    """Stops the alarms' actions: they may go to ALARM while the nodes are parked, and tell nobody."""
    if names:
        cloudwatch.disable_alarm_actions(AlarmNames=names)
        LOG.info("alarm actions off: %s", ", ".join(names))


def wake_alarms(cloudwatch, names):
    """OK while their actions are still off (so nobody is told), then their actions on again, whatever
    setting a state did: an alarm left silent is worse than one message too many.
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html"""
    try:
        for name in names:
            cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK",
                                       StateReason="The nodes are starting after off-hours.")
    finally:
        unsilence_alarms(cloudwatch, names)


def unsilence_alarms(cloudwatch, names):
    """Turns the alarms' actions on again, in whatever state they are."""
    if names:
        cloudwatch.enable_alarm_actions(AlarmNames=names)
        LOG.info("alarm actions on: %s", ", ".join(names))


def target_scaling(group, action):
    """The scaling config a node group should have after the action. maxSize never drops: EKS needs it ≥ 1."""
    if action == "stop":
        return {"minSize": 0, "desiredSize": 0, "maxSize": group["maxSize"]}
    return {"minSize": group["minSize"], "desiredSize": group["desiredSize"], "maxSize": group["maxSize"]}


def scale_node_groups(eks, cluster, groups, action):
    """Updates each group that is not already at its target; returns the names of those updated."""
    updated = []
    for group in groups:
        current = eks.describe_nodegroup(clusterName=cluster, nodegroupName=group["name"])["nodegroup"]
        target = target_scaling(group, action)
        have = {k: current["scalingConfig"].get(k) for k in target}
        if have == target:
            LOG.info("node group %s already at %s", group["name"], target)
            continue
        eks.update_nodegroup_config(clusterName=cluster, nodegroupName=group["name"], scalingConfig=target)
        LOG.info("node group %s: %s -> %s", group["name"], have, target)
        updated.append(group["name"])
    return updated


def token(session, cluster, region):
    """A Kubernetes bearer token for the caller's IAM identity, as `aws eks get-token` makes it."""
    from botocore.signers import RequestSigner

    sts = session.client("sts", region_name=region)
    signer = RequestSigner(sts.meta.service_model.service_id, region, "sts", "v4",
                           session.get_credentials(), session.events)
    url = signer.generate_presigned_url(
        {"method": "GET", "url": f"https://sts.{region}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
         "body": {}, "headers": {"x-k8s-aws-id": cluster}, "context": {}},
        region_name=region, expires_in=TOKEN_SECONDS, operation_name="")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def scale_request(endpoint, deployment, replicas, bearer):
    """The PATCH that sets a Deployment's replicas through its scale subresource."""
    namespace, name = deployment.split("/", 1)
    return urllib.request.Request(
        f"{endpoint}/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
        data=json.dumps({"spec": {"replicas": replicas}}).encode(),
        method="PATCH",
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/merge-patch+json",
                 "Accept": "application/json"})


def call_kubernetes(open_url, cluster_info, request, absent=None):
    """Sends `request` to the cluster's API server, trusting only the cluster's own CA; returns the JSON body,
    or `absent` when given and the server answers 404. Any other refusal is a KubernetesError of one line."""
    context = ssl.create_default_context(cadata=base64.b64decode(cluster_info["certificateAuthority"]["data"]).decode())
    try:
        with open_url(request, context=context, timeout=20) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        if error.code == 404 and absent is not None:
            return absent
        raise KubernetesError(refusal(request, error)) from None


def refusal(request, error):
    """'PATCH /apis/... answered 403 Forbidden: <the Status message>' from an HTTPError, on one line."""
    try:
        message = json.loads(error.read() or b"{}").get("message", "")
    except ValueError:
        message = ""
    path = urllib.parse.urlsplit(request.full_url).path
    words = f"{request.get_method()} {path} answered {error.code} {error.reason}" + (f": {message}" if message else "")
    return " ".join(words.split())


def kubernetes_request(endpoint, method, path, bearer, body=None):
    """A request to the API server; a body goes as a JSON merge patch (RFC 7386), the only kind sent."""
    headers = {"Authorization": f"Bearer {bearer}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/merge-patch+json"
    return urllib.request.Request(f"{endpoint}{path}", method=method, headers=headers,
                                  data=None if body is None else json.dumps(body).encode())


def scale_autoscaler(open_url, cluster_info, deployment, replicas, bearer):
    body = call_kubernetes(open_url, cluster_info, scale_request(cluster_info["endpoint"], deployment, replicas, bearer))
    LOG.info("%s scaled to %s replicas", deployment, body.get("spec", {}).get("replicas"))


def ready_nodes(open_url, cluster_info, bearer):
    """The names of the nodes whose Ready condition is True."""
    request = urllib.request.Request(f"{cluster_info['endpoint']}/api/v1/nodes", method="GET",
                                     headers={"Authorization": f"Bearer {bearer}", "Accept": "application/json"})
    items = call_kubernetes(open_url, cluster_info, request).get("items", [])
    return [node["metadata"]["name"] for node in items
            if any(c.get("type") == "Ready" and c.get("status") == "True"
                   for c in node.get("status", {}).get("conditions", []))]


def wait_for_a_ready_node(ask, seconds, clock, sleep):
    """Polls `ask()` until it names a node or `seconds` pass; returns the names found, or []."""
    deadline = clock() + seconds
    while True:
        names = ask()
        if names or clock() + POLL_SECONDS > deadline:
            return names
        sleep(POLL_SECONDS)


def run(action, environment, eks, session, open_url, cloudwatch=None):
    """Silences the alarms, stops; or starts, then wakes them. The alarms come back on whatever the
    scale calls do: after a failed start they see the nodes missing and tell someone, and after a failed
    stop the nodes may still run, unwatched otherwise. The error is raised again, so the invocation fails
    and the function's own error alarm, which this never silences, fires too."""
    alarms = parse_alarm_names(environment.get("ALARM_NAMES"))
    cloudwatch = cloudwatch or (session.client("cloudwatch") if alarms else None)
    if action == "stop":
        silence_alarms(cloudwatch, alarms)
        try:
            return scale(action, environment, eks, session, open_url)
        except Exception:
            LOG.error("the stop failed; the nodes may still run, so their alarms are on again")
            unsilence_alarms(cloudwatch, alarms)
            raise
    try:
        return scale(action, environment, eks, session, open_url)
    finally:
        wake_alarms(cloudwatch, alarms)


def scale(action, environment, eks, session, open_url):
    return scale_cluster(action, environment, eks, session, open_url,
                         eks.describe_cluster(name=environment["CLUSTER_NAME"])["cluster"])


def scale_cluster(action, environment, eks, session, open_url, info):
    """Scales the autoscaler and the node groups, or the NodePools, for a cluster already described (`info`,
    DescribeCluster's cluster)."""
    cluster = environment["CLUSTER_NAME"]
    if environment.get("NODE_POOLS") is not None:
        return scale_node_pools(action, environment, eks, session, open_url, info)
    groups = parse_node_groups(environment.get("NODE_GROUPS"))
    deployment = environment["AUTOSCALER"]
    replicas = int(environment["AUTOSCALER_REPLICAS"])

    def autoscaler(count):
        scale_autoscaler(open_url, info, deployment, count,
                         token(session, cluster, eks.meta.region_name))

    if action == "stop":
        autoscaler(0)
        updated = scale_node_groups(eks, cluster, groups, action)
    else:
        updated = scale_node_groups(eks, cluster, groups, action)
        autoscaler(replicas)
    return {"action": action, "cluster": cluster, "updated": updated}


def scale_node_pools(action, environment, eks, session, open_url, info):
    """The Karpenter path: the NodePools' limits, and at stop their NodeClaims (node_pools.py)."""
    cluster = environment["CLUSTER_NAME"]
    pools = node_pools.parse_node_pools(environment["NODE_POOLS"])

    def call(method, path, body=None, absent=None):
        bearer = token(session, cluster, eks.meta.region_name)
        return call_kubernetes(open_url, info, kubernetes_request(info["endpoint"], method, path, bearer, body), absent)

    patched, deleted = node_pools.scale(call, pools, action)
    return {"action": action, "cluster": cluster, "updated": patched, "deletedNodeClaims": deleted}


def restore_before_delete(environment, eks, session, open_url, seconds, clock=time.monotonic, sleep=time.sleep):
    """Starts the nodes and the autoscaler, then waits for a Ready node; returns what happened, in words.
    With Karpenter: restores the NodePools' limits, and waits for nothing, as the system group kept running."""
    cluster = environment["CLUSTER_NAME"]
    info = eks.describe_cluster(name=cluster)["cluster"]
    started = scale_cluster("start", environment, eks, session, open_url, info)
    if environment.get("NODE_POOLS") is not None:
        return (f"NodePools restored ({', '.join(started['updated']) or 'none needed'}); the system node group ran "
                "Karpenter and the controllers throughout.")
    names = wait_for_a_ready_node(
        lambda: ready_nodes(open_url, info, token(session, cluster, eks.meta.region_name)), seconds, clock, sleep)
    restored = ", ".join(started["updated"]) or "none needed"
    if names:
        return f"Node groups restored ({restored}); {len(names)} node(s) Ready, e.g. {names[0]}."
    return (f"Node groups restored ({restored}), but no node was Ready within {seconds} s; the namespaces "
            "may wait for their load balancers and volumes.")


def custom_resource(event, environment, eks, session, open_url, seconds):
    """Delete restores the nodes; Create and Update have nothing to do. Never answers FAILED: a failed
    delete would stop the whole destroy, while namespaces without running controllers only wait."""
    if event["RequestType"] != "Delete":
        respond(event, "SUCCESS", "Nothing to do until the stack is deleted.", open_url)
        return
    try:
        reason = restore_before_delete(environment, eks, session, open_url, seconds)
    except Exception as error:  # noqa: BLE001 (any failure is reported, and the destroy goes on)
        LOG.exception("restoring the nodes before the delete failed")
        reason = f"Restoring the nodes failed ({error}); the namespaces may wait for their load balancers and volumes."
    respond(event, "SUCCESS", reason, open_url)


def handler(event, context):
    import boto3

    session = boto3.session.Session()
    if isinstance(event, dict) and "RequestType" in event:
        seconds = context.get_remaining_time_in_millis() // 1000 - RESERVE_SECONDS
        return custom_resource(event, os.environ, session.client("eks"), session, urllib.request.urlopen, seconds)
    action = parse_action(event)
    return run(action, os.environ, session.client("eks"), session, urllib.request.urlopen)
