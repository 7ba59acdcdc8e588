"""Request handlers for the tests' stand-in servers on 127.0.0.1 (the Lambdas' tests import this too): each
answers as the service it stands in for does, and keeps http.server's request log off the terminal."""
import http.server
import json


class JsonStandIn(http.server.BaseHTTPRequestHandler):
    """A handler that answers JSON and logs nothing."""

    def answer(self, code, body):
        reply = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


class CloudFormationStandIn(JsonStandIn):
    """Takes a custom resource's answer on its ResponseURL, as S3's pre-signed URL does: each PUT's JSON body
    goes to `answers`, which a test sets to a list of its own before it starts the server."""

    answers = None

    def do_PUT(self):  # noqa: N802 (the http.server naming)
        self.answers.append(self.received(json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def received(self, body):
        """What `answers` keeps of a PUT: its body."""
        return body
