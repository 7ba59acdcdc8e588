"""Off-hours with Karpenter: parks the NodePools and removes their nodes, and restores the pools' limits.

stop:  merge-patches every NodePool's spec.limits to zero, then deletes the NodeClaims of those NodePools.
       Zero limits alone remove nothing: Karpenter checks a NodePool's limits only before it launches a node
       ("If a limit has been exceeded, nodes provisioning is prevented until some nodes have been terminated",
       https://karpenter.sh/docs/concepts/nodepools/#speclimits). Deleting a NodeClaim makes Karpenter cordon
       and drain its node and terminate the instance, its finalizer holding the objects until then
       (https://karpenter.sh/docs/concepts/disruption/#manual-methods: `kubectl delete nodeclaims -l
       karpenter.sh/nodepool=$NODEPOOL_NAME`). The limits go first, so that the drained pods, pending again,
       get no new node. Karpenter drains through the eviction API, so a PodDisruptionBudget that allows no
       eviction holds its node (#termination-controller there). The limits are no drift ("behavioral fields
       are not considered for Drift", #drift there): a change of them replaces no node.
start: merge-patches every NodePool's limits back to the configured ones; Karpenter then launches nodes for
       the pending pods.

`call(method, path, body=None, absent=None)` sends one request to the API server and returns its JSON body
(`absent` when the object is not there, if given); the API is karpenter.sh/v1, whose NodePools and NodeClaims
are cluster-scoped (https://karpenter.sh/docs/concepts/nodepools/, https://karpenter.sh/docs/concepts/nodeclaims/).
"""
import logging
import urllib.parse

from settings import BadRequest, json_list

LOG = logging.getLogger()

NODEPOOLS = "/apis/karpenter.sh/v1/nodepools"
NODECLAIMS = "/apis/karpenter.sh/v1/nodeclaims"
# Karpenter's label on each NodeClaim (and node) with the name of the NodePool that launched it.
NODEPOOL_LABEL = "karpenter.sh/nodepool"


def parse_node_pools(raw):
    """NODE_POOLS: a JSON list of {"name", "limits": {resource: quantity}}, the limits each pool is deployed with."""
    pools = json_list("NODE_POOLS", raw)
    for pool in pools:
        limits = pool.get("limits") if isinstance(pool, dict) else None
        if not isinstance(pool, dict) or not isinstance(pool.get("name"), str) or not pool["name"] \
                or not isinstance(limits, dict) or not limits \
                or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in limits.items()):
            raise BadRequest(f"each NodePool needs a name and limits of resource names to quantities: {pool!r}")
    return pools


def target_limits(pool, action):
    """The limits a NodePool should have after the action: every configured resource at "0", or as configured."""
    if action == "stop":
        return {resource: "0" for resource in pool["limits"]}
    return dict(pool["limits"])


def set_limits(call, pools, action):
    """Patches each pool whose limits are not the action's; returns the names of those patched."""
    patched = []
    for pool in pools:
        path = f"{NODEPOOLS}/{urllib.parse.quote(pool['name'])}"
        current = call("GET", path).get("spec", {}).get("limits", {})
        target = target_limits(pool, action)
        have = {resource: current.get(resource) for resource in target}
        if have == target:
            LOG.info("NodePool %s already at limits %s", pool["name"], target)
            continue
        # A JSON merge patch replaces only the keys it names, so the rest of the pool stays as deployed.
        call("PATCH", path, {"spec": {"limits": target}})
        LOG.info("NodePool %s: limits %s -> %s", pool["name"], have, target)
        patched.append(pool["name"])
    return patched


def delete_node_claims(call, pools):
    """Deletes every NodeClaim labelled with one of the pools; returns their names. Those already being deleted
    are asked again (harmless); one gone between the list and its delete is gone, as wanted."""
    deleted = []
    for pool in pools:
        selector = urllib.parse.urlencode({"labelSelector": f"{NODEPOOL_LABEL}={pool['name']}"})
        for claim in call("GET", f"{NODECLAIMS}?{selector}").get("items", []):
            name = claim["metadata"]["name"]
            call("DELETE", f"{NODECLAIMS}/{urllib.parse.quote(name)}", absent={})
            LOG.info("NodeClaim %s of NodePool %s deleted; Karpenter drains and terminates its node", name,
                     pool["name"])
            deleted.append(name)
    return deleted


def scale(call, pools, action):
    """stop: limits to zero, then the pools' NodeClaims deleted; start: limits restored. Returns
    (names of the pools patched, names of the NodeClaims deleted)."""
    patched = set_limits(call, pools, action)
    deleted = delete_node_claims(call, pools) if action == "stop" else []
    return patched, deleted
