"""Unit tests of the smoke test: python3 -m unittest discover -s lambda/smoke_test"""
import json
import unittest

import smoke_test


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeCodePipeline:
    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    def put_job_success_result(self, **kwargs):
        self.calls.append(("success", kwargs))
        if self.fail:
            raise RuntimeError("AccessDenied: codepipeline:PutJobSuccessResult")

    def put_job_failure_result(self, **kwargs):
        self.calls.append(("failure", kwargs))
        if self.fail:
            raise RuntimeError("AccessDenied: codepipeline:PutJobFailureResult")


def event(parameters):
    raw = parameters if isinstance(parameters, str) else json.dumps(parameters)
    return {"CodePipeline.job": {"id": "job-1", "data": {"actionConfiguration": {
        "configuration": {"FunctionName": "smoke", "UserParameters": raw}}}}}


def responses(*answers):
    """A fake fetch that returns (or raises) each answer in turn, then repeats the last."""
    seen = []

    def get(url):
        seen.append(url)
        answer = answers[min(len(seen), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    get.seen = seen
    return get


class SmokeTest(unittest.TestCase):
    URL = "http://hello.elb.us-east-2.amazonaws.com"

    def run_smoke(self, parameters, get, remaining=600, codepipeline=None):
        clock = FakeClock()
        pipeline = codepipeline or FakeCodePipeline()
        result = smoke_test.run(event(parameters), remaining, pipeline, get=get, clock=clock, sleep=clock.sleep)
        return result, pipeline, clock

    def test_success_after_the_load_balancer_comes_up(self):
        get = responses(ConnectionRefusedError("refused"), (503, "no healthy targets"),
                        (200, "<h1>Hello from hello-0</h1>"))
        result, pipeline, clock = self.run_smoke({"url": self.URL}, get)
        self.assertTrue(result["passed"])
        self.assertEqual(3, len(get.seen))
        self.assertEqual([2, 4], clock.sleeps, "exponential backoff between attempts")
        self.assertEqual("success", pipeline.calls[0][0])
        self.assertEqual("job-1", pipeline.calls[0][1]["jobId"])
        self.assertIn("on attempt 3", pipeline.calls[0][1]["executionDetails"]["summary"])

    def test_timeout_reports_the_last_reason(self):
        get = responses(ConnectionRefusedError("refused"))
        result, pipeline, clock = self.run_smoke({"url": self.URL, "budgetSeconds": 60}, get)
        self.assertFalse(result["passed"])
        self.assertLessEqual(clock.now, 60, "stays within its budget")
        self.assertEqual([2, 4, 8, 16, 30], clock.sleeps)
        kind, call = pipeline.calls[0]
        self.assertEqual("failure", kind)
        self.assertEqual("JobFailed", call["failureDetails"]["type"])
        self.assertIn("after 6 attempts in 60 s; last: unreachable (refused)", call["failureDetails"]["message"])

    def test_backoff_is_capped(self):
        get = responses((502, "bad gateway"))
        _, _, clock = self.run_smoke({"url": self.URL, "budgetSeconds": 200}, get)
        self.assertEqual([2, 4, 8, 16, 30, 30, 30, 30, 30], clock.sleeps)

    def test_budget_is_cut_to_the_time_the_lambda_has_left(self):
        get = responses(ConnectionRefusedError("refused"))
        result, _, clock = self.run_smoke({"url": self.URL, "budgetSeconds": 900}, get, remaining=40)
        self.assertLessEqual(clock.now, 30)
        self.assertIn("in 30 s", result["summary"])

    def test_wrong_status_fails(self):
        get = responses((500, "Hello from hello-0 but broken"))
        result, pipeline, _ = self.run_smoke({"url": self.URL, "budgetSeconds": 5}, get)
        self.assertFalse(result["passed"])
        self.assertIn("last: status 500", pipeline.calls[0][1]["failureDetails"]["message"])

    def test_missing_text_fails(self):
        get = responses((200, "Welcome to nginx"))
        result, _, _ = self.run_smoke({"url": self.URL, "expect": "Hello from", "budgetSeconds": 5}, get)
        self.assertFalse(result["passed"])
        self.assertIn("status 200 without 'Hello from' in the body", result["summary"])

    def test_malformed_parameters_fail_without_fetching(self):
        cases = {
            "not json": "user parameters are not JSON",
            json.dumps(["http://x"]): "must be a JSON object",
            json.dumps({}): "url must be an http(s) URL",
            json.dumps({"url": "ftp://hello"}): "url must be an http(s) URL",
            json.dumps({"url": "http://"}): "url must be an http(s) URL",
            json.dumps({"url": "#{StagingDeploy.SERVICE_URL}"}): "url must be an http(s) URL",
            json.dumps({"url": self.URL, "budgetSeconds": "300"}): "budgetSeconds must be a whole number",
            json.dumps({"url": self.URL, "budgetSeconds": 0}): "budgetSeconds must be a whole number",
            json.dumps({"url": self.URL, "expect": 7}): "expect must be a string",
        }
        for raw, message in cases.items():
            with self.subTest(raw=raw):
                get = responses((200, "Hello from"))
                result, pipeline, _ = self.run_smoke(raw, get)
                self.assertFalse(result["passed"])
                self.assertEqual([], get.seen)
                self.assertEqual("failure", pipeline.calls[0][0])
                self.assertIn(message, pipeline.calls[0][1]["failureDetails"]["message"])

    def test_missing_user_parameters_fail(self):
        broken = event("{}")
        del broken["CodePipeline.job"]["data"]["actionConfiguration"]["configuration"]["UserParameters"]
        pipeline = FakeCodePipeline()
        result = smoke_test.run(broken, 600, pipeline, get=responses((200, "Hello from")))
        self.assertFalse(result["passed"])
        self.assertIn("user parameters are not JSON: None", pipeline.calls[0][1]["failureDetails"]["message"])

    def test_a_failing_codepipeline_call_raises_so_lambda_retries(self):
        get = responses((200, "Hello from hello-0"))
        with self.assertRaisesRegex(RuntimeError, "PutJobSuccessResult"):
            self.run_smoke({"url": self.URL}, get, codepipeline=FakeCodePipeline(fail=True))
        get = responses((404, "no"))
        with self.assertRaisesRegex(RuntimeError, "PutJobFailureResult"):
            self.run_smoke({"url": self.URL, "budgetSeconds": 1}, get, codepipeline=FakeCodePipeline(fail=True))


class FetchTest(unittest.TestCase):
    """fetch against a real HTTP server on loopback."""

    @classmethod
    def setUpClass(cls):
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                status = 200 if self.path == "/" else 404
                body = b"Hello from test" if status == 200 else b"not found"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        cls.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def test_fetch_returns_status_and_body(self):
        self.assertEqual((200, "Hello from test"), smoke_test.fetch(self.base + "/"))
        self.assertEqual((404, "not found"), smoke_test.fetch(self.base + "/missing"))

    def test_fetch_raises_oserror_when_nothing_listens(self):
        port = self.server.server_address[1]
        with self.assertRaises(OSError):
            smoke_test.fetch(f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/")


if __name__ == "__main__":
    unittest.main()


class ProbeTest(unittest.TestCase):
    """The service probe, with CodePipeline and CloudWatch as botocore Stubbers (each call checked
    against the API's model) and the page as a function."""

    ENVIRONMENT = {"PIPELINE_NAME": "eks-pipeline", "APP_NAME": "eks-pipeline", "EXPECT": "Hello from"}

    def clients(self):
        import boto3
        from botocore.stub import Stubber

        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-2")
        codepipeline, cloudwatch = session.client("codepipeline"), session.client("cloudwatch")
        return codepipeline, Stubber(codepipeline), cloudwatch, Stubber(cloudwatch)

    @staticmethod
    def execution(stage, action, status, url=None):
        detail = {"pipelineExecutionId": "e-" + stage + status, "stageName": stage, "actionName": action,
                  "status": status}
        if url:
            detail["output"] = {"outputVariables": {"SERVICE_URL": url}}
        return detail

    def expect_published(self, stubber, value):
        stubber.add_response("put_metric_data", {}, {"Namespace": "EksPipeline", "MetricData": [{
            "MetricName": "ServiceReachable",
            "Dimensions": [{"Name": "App", "Value": "eks-pipeline"}, {"Name": "Stage", "Value": "production"}],
            "Value": value, "Unit": "Count"}]})

    def test_before_the_first_release_nothing_is_published(self):
        codepipeline, pipeline_stub, cloudwatch, cloudwatch_stub = self.clients()
        pipeline_stub.add_response("list_action_executions", {"actionExecutionDetails": [
            self.execution("Staging", "Deploy", "Succeeded", "http://staging.example"),
            self.execution("Production", "Deploy", "Failed")]},
            {"pipelineName": "eks-pipeline", "maxResults": 100})
        with pipeline_stub, cloudwatch_stub:
            result = smoke_test.run_probe(self.ENVIRONMENT, codepipeline, cloudwatch,
                                          get=lambda url: self.fail("nothing may be fetched"))
        self.assertEqual({"released": False}, result)

    def test_the_newest_successful_production_deploy_is_probed_and_its_answer_published(self):
        codepipeline, pipeline_stub, cloudwatch, cloudwatch_stub = self.clients()
        pipeline_stub.add_response("list_action_executions", {"actionExecutionDetails": [
            self.execution("Production", "Deploy", "InProgress"),
            self.execution("Production", "SmokeTest", "Succeeded")], "nextToken": "page-2"},
            {"pipelineName": "eks-pipeline", "maxResults": 100})
        pipeline_stub.add_response("list_action_executions", {"actionExecutionDetails": [
            self.execution("Production", "Deploy", "Succeeded", "http://new.example"),
            self.execution("Production", "Deploy", "Succeeded", "http://old.example")]},
            {"pipelineName": "eks-pipeline", "maxResults": 100, "nextToken": "page-2"})
        self.expect_published(cloudwatch_stub, 1)
        fetched = []
        with pipeline_stub, cloudwatch_stub:
            result = smoke_test.run_probe(self.ENVIRONMENT, codepipeline, cloudwatch,
                                          get=lambda url: fetched.append(url) or (200, "<h1>Hello from hello</h1>"))
            cloudwatch_stub.assert_no_pending_responses()
        self.assertEqual(["http://new.example"], fetched)
        self.assertTrue(result["reachable"])

    def test_a_page_that_fails_or_cannot_be_reached_publishes_zero(self):
        def refused(url):
            raise ConnectionRefusedError("connection refused")

        for get in (refused, lambda url: (503, "busy"), lambda url: (200, "It works")):
            codepipeline, pipeline_stub, cloudwatch, cloudwatch_stub = self.clients()
            pipeline_stub.add_response("list_action_executions", {"actionExecutionDetails": [
                self.execution("Production", "Deploy", "Succeeded", "http://prod.example")]},
                {"pipelineName": "eks-pipeline", "maxResults": 100})
            self.expect_published(cloudwatch_stub, 0)
            with pipeline_stub, cloudwatch_stub:
                result = smoke_test.run_probe(self.ENVIRONMENT, codepipeline, cloudwatch, get=get)
                cloudwatch_stub.assert_no_pending_responses()
            self.assertFalse(result["reachable"], result["summary"])

    def test_the_search_stops_after_a_few_pages(self):
        codepipeline, pipeline_stub, _, _ = self.clients()
        for page in range(smoke_test.MAX_PAGES):
            pipeline_stub.add_response("list_action_executions", {
                "actionExecutionDetails": [self.execution("Staging", "Deploy", "Succeeded", "http://s")],
                "nextToken": f"page-{page + 2}"},
                {"pipelineName": "eks-pipeline", "maxResults": 100, **({"nextToken": f"page-{page + 1}"} if page else {})})
        with pipeline_stub:
            self.assertIsNone(smoke_test.released_url(codepipeline, "eks-pipeline"))
            pipeline_stub.assert_no_pending_responses()
