"""A moto_server on 127.0.0.1 for the scripts' tests: a fake AWS that never leaves loopback."""
import atexit
import os
import socket
import subprocess
import time
import unittest
import urllib.request

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-2",
    "AWS_REGION": "us-east-2",
}


# Servers this process started and no test uses now. Starting one takes seconds of CPU, so a server is
# kept for the next test (emptied first, as a new one is) and ended when the process exits.
_IDLE = []


@atexit.register
def _end_idle():
    while _IDLE:
        _IDLE.pop().end()


class MotoServer:
    """A moto_server of its own for as long as the test uses it (`with MotoServer() as moto:`), with no
    resources in it; the process may have served a test before, which it forgot (moto's reset)."""

    def __init__(self):
        self.port = self.url = self.process = None

    def __enter__(self):
        if _IDLE:
            idle = _IDLE.pop()
            self.port, self.url, self.process = idle.port, idle.url, idle.process
            self.reset()
            return self
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # Without its catalogue of public AMIs: moto loads it into every region's EC2 the first time the region is
        # called after a reset, about half a second each, and no test needs it (run_instances takes any image
        # ID, since moto does not check them unless MOTO_ENABLE_AMI_VALIDATION is set).
        self.process = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        env=dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false"),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("moto_server did not start on " + self.url)

    def reset(self):
        """Forgets every resource, so that tests sharing one server start from an empty account."""
        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset", method="POST"), timeout=10)

    def __exit__(self, *exc):
        if self.process.poll() is None:
            idle = MotoServer()
            idle.port, idle.url, idle.process = self.port, self.url, self.process
            _IDLE.append(idle)
        self.process = None

    def end(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # On a busy machine its shutdown can take longer; nothing of it needs to be kept.
            self.process.kill()
            self.process.wait()

    def environment(self):
        """The environment for an AWS CLI or boto3 process aimed at this server only."""
        env = dict(os.environ)
        for key in [k for k in env if k.startswith("AWS_")]:
            del env[key]
        env.update(CREDENTIALS)
        env["AWS_ENDPOINT_URL"] = self.url
        return env

    def client(self, service):
        import boto3

        return boto3.client(service, endpoint_url=self.url, region_name=CREDENTIALS["AWS_REGION"],
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            aws_session_token="testing")


class MotoTestCase(unittest.TestCase):
    """A test case whose tests share one moto_server (`self.moto`), emptied before each test: starting one
    takes seconds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = MotoServer().__enter__()
        cls.addClassCleanup(cls.moto.__exit__)

    def setUp(self):
        super().setUp()
        self.moto.reset()
