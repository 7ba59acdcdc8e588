"""Calls to an EKS cluster's Kubernetes API from a Lambda function: a bearer token made from the function's
own IAM identity (as `aws eks get-token` makes it), and requests that trust only the cluster's own CA.
https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html

Shared by the functions under lambda/ that talk to the cluster; each function's folder links to this file.
"""
import base64
import json
import ssl
import urllib.request

TOKEN_PREFIX = "k8s-aws-v1."
TOKEN_SECONDS = 60


def token(session, cluster, region):
    """A Kubernetes bearer token for the caller's IAM identity, bound to `cluster`."""
    from botocore.signers import RequestSigner

    sts = session.client("sts", region_name=region)
    signer = RequestSigner(sts.meta.service_model.service_id, region, "sts", "v4",
                           session.get_credentials(), session.events)
    url = signer.generate_presigned_url(
        {"method": "GET", "url": f"https://sts.{region}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
         "body": {}, "headers": {"x-k8s-aws-id": cluster}, "context": {}},
        region_name=region, expires_in=TOKEN_SECONDS, operation_name="")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def call(open_url, cluster_info, request):
    """Sends `request` to the API server of `cluster_info` (DescribeCluster's cluster); returns the JSON body."""
    context = ssl.create_default_context(cadata=base64.b64decode(cluster_info["certificateAuthority"]["data"]).decode())
    with open_url(request, context=context, timeout=20) as response:
        return json.loads(response.read() or b"{}")


def get(open_url, cluster_info, path, bearer):
    """GETs `path` (e.g. /api/v1/persistentvolumes) from the cluster's API server."""
    request = urllib.request.Request(f"{cluster_info['endpoint']}{path}", method="GET",
                                     headers={"Authorization": f"Bearer {bearer}", "Accept": "application/json"})
    return call(open_url, cluster_info, request)
