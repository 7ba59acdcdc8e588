"""CodePipeline smoke test: GETs the service a deploy action just updated, retrying with backoff
within a time budget, and reports success or the reason for failure back to the pipeline.

User parameters (JSON, set by PipelineStack):
  url            the service URL the deploy action exported, http:// or https://
  expect         text the page must contain (default "Hello from")
  budgetSeconds  how long to keep trying before failing (default 300)

The same module is the service probe (probe_handler): every five minutes an EventBridge schedule has it
find the URL the last successful production deploy exported (ListActionExecutions), GET the page once,
and publish 1 (answered 200 with the expected text) or 0 as the metric ServiceReachable, which the
"service unreachable" alarm watches. Before the first release there is no such deploy and nothing is
published, so the alarm, which treats missing data as not breaching, stays quiet.
Environment of the probe: PIPELINE_NAME, APP_NAME, EXPECT.

Only the standard library and the runtime's boto3 are used.
"""
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

FIRST_WAIT_SECONDS = 2
MAX_WAIT_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 5
# Kept back from the Lambda's own timeout to report the result.
REPORT_RESERVE_SECONDS = 10


class BadParameters(ValueError):
    """The action's user parameters cannot be used; retrying will not help."""


def parse_parameters(raw):
    try:
        parameters = json.loads(raw)
    except (TypeError, ValueError) as error:
        raise BadParameters(f"user parameters are not JSON: {raw!r}") from error
    if not isinstance(parameters, dict):
        raise BadParameters(f"user parameters must be a JSON object, got {raw!r}")
    url = parameters.get("url")
    if not isinstance(url, str) or urllib.parse.urlparse(url).scheme not in ("http", "https") \
            or not urllib.parse.urlparse(url).netloc:
        raise BadParameters(f"user parameter url must be an http(s) URL with a host, got {url!r}")
    expect = parameters.get("expect", "Hello from")
    if not isinstance(expect, str):
        raise BadParameters(f"user parameter expect must be a string, got {expect!r}")
    budget = parameters.get("budgetSeconds", 300)
    if not isinstance(budget, int) or isinstance(budget, bool) or not 1 <= budget <= 900:
        raise BadParameters(f"user parameter budgetSeconds must be a whole number from 1 to 900, got {budget!r}")
    return url, expect, budget


def fetch(url):
    """Returns (status, body); raises OSError when the service cannot be reached."""
    request = urllib.request.Request(url, headers={"User-Agent": "eks-pipeline-smoke-test"})
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # nosec B310: scheme checked
            return response.status, response.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(65536).decode("utf-8", "replace")


def probe(url, expect, budget, get=fetch, clock=time.monotonic, sleep=time.sleep):
    """Tries until the page answers 200 with the expected text or the budget is spent.
    Returns (passed, summary)."""
    deadline = clock() + budget
    wait = FIRST_WAIT_SECONDS
    attempts = 0
    last = "no attempt made"
    while True:
        attempts += 1
        try:
            status, body = get(url)
            if status == 200 and expect in body:
                return True, f"{url} answered 200 with {expect!r} on attempt {attempts}"
            last = f"status {status}" + ("" if status != 200 else f" without {expect!r} in the body")
        except OSError as error:
            last = f"unreachable ({error})"
        LOG.info("attempt %d: %s", attempts, last)
        if clock() + wait > deadline:
            return False, f"{url} failed the smoke test after {attempts} attempts in {budget} s; last: {last}"
        sleep(wait)
        wait = min(wait * 2, MAX_WAIT_SECONDS)


def run(event, remaining_seconds, codepipeline, get=fetch, clock=time.monotonic, sleep=time.sleep):
    job = event["CodePipeline.job"]
    job_id = job["id"]
    raw = job["data"]["actionConfiguration"]["configuration"].get("UserParameters")
    try:
        url, expect, budget = parse_parameters(raw)
    except BadParameters as error:
        passed, summary = False, str(error)
    else:
        budget = max(1, min(budget, int(remaining_seconds) - REPORT_RESERVE_SECONDS))
        passed, summary = probe(url, expect, budget, get=get, clock=clock, sleep=sleep)
    LOG.info("%s: %s", "passed" if passed else "failed", summary)
    # A failing CodePipeline call raises: Lambda retries the asynchronous invocation, and the action
    # fails on its own timeout if the call never succeeds.
    if passed:
        codepipeline.put_job_success_result(jobId=job_id, executionDetails={"summary": summary[:2048]})
    else:
        codepipeline.put_job_failure_result(
            jobId=job_id, failureDetails={"type": "JobFailed", "message": summary[:5000]})
    return {"passed": passed, "summary": summary}


def handler(event, context):
    import boto3  # the runtime's; imported here so the tests need no AWS SDK

    return run(event, context.get_remaining_time_in_millis() / 1000, boto3.client("codepipeline"))


METRIC_NAMESPACE = "EksPipeline"
METRIC_NAME = "ServiceReachable"
# Action executions are listed newest first, 100 to a page; the search stops after this many pages.
MAX_PAGES = 3


def released_url(codepipeline, pipeline, stage="Production", action="Deploy", variable="SERVICE_URL"):
    """The URL the newest successful `action` of `stage` exported, or None if there is none yet.
    https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html"""
    token = None
    for _ in range(MAX_PAGES):
        page = codepipeline.list_action_executions(pipelineName=pipeline, maxResults=100,
                                                   **({"nextToken": token} if token else {}))
        for detail in page.get("actionExecutionDetails", []):
            if (detail.get("stageName"), detail.get("actionName"), detail.get("status")) == (stage, action, "Succeeded"):
                return detail.get("output", {}).get("outputVariables", {}).get(variable)
        token = page.get("nextToken")
        if not token:
            return None
    return None


def check_once(url, expect, get=fetch):
    """One GET: (reachable, what happened)."""
    try:
        status, body = get(url)
    except OSError as error:
        return False, f"{url} unreachable ({error})"
    if status == 200 and expect in body:
        return True, f"{url} answered 200 with {expect!r}"
    return False, f"{url} answered {status}" + ("" if status != 200 else f" without {expect!r} in the body")


def run_probe(environment, codepipeline, cloudwatch, get=fetch):
    url = released_url(codepipeline, environment["PIPELINE_NAME"])
    if url is None:
        LOG.info("nothing released to production yet: nothing to probe, nothing published")
        return {"released": False}
    reachable, summary = check_once(url, environment.get("EXPECT", "Hello from"), get)
    LOG.info("%s", summary)
    cloudwatch.put_metric_data(Namespace=METRIC_NAMESPACE, MetricData=[{
        "MetricName": METRIC_NAME,
        "Dimensions": [{"Name": "App", "Value": environment["APP_NAME"]}, {"Name": "Stage", "Value": "production"}],
        "Value": 1 if reachable else 0,
        "Unit": "Count"}])
    return {"released": True, "reachable": reachable, "summary": summary}


def probe_handler(event, context):
    import os

    import boto3

    return run_probe(os.environ, boto3.client("codepipeline"), boto3.client("cloudwatch"))
