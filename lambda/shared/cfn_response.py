"""The answer a Lambda-backed CloudFormation custom resource owes: a PUT of a JSON body to the pre-signed
ResponseURL of the request (an S3 URL, signed for an empty content type).
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html

Shared by the functions under lambda/ that serve custom resources; each function's folder links to this
file, and the asset follows the link, so every function still ships as one folder of plain Python.
"""
import json
import logging
import urllib.request

LOG = logging.getLogger()


def respond(event, status, reason, open_url, data=None):
    """Answers CloudFormation for `event`: `status` SUCCESS or FAILED, `reason` shown in the stack events."""
    body = json.dumps({
        "Status": status, "Reason": reason[:1000], "Data": data or {},
        # One ID for the resource's life: a new one would make CloudFormation take an update for a replacement.
        "PhysicalResourceId": event.get("PhysicalResourceId") or f"{event['LogicalResourceId']}-{event['RequestId']}",
        "StackId": event["StackId"], "RequestId": event["RequestId"], "LogicalResourceId": event["LogicalResourceId"],
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": "", "Content-Length": str(len(body))})
    with open_url(request, timeout=30) as response:
        LOG.info("CloudFormation answered %s to %s: %s %s", response.status, status, reason, data or "")
