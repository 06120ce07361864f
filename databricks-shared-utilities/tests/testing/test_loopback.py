"""LoopbackServer: requests reach respond() parsed, replies go back as JSON or raw bytes (real HTTP on 127.0.0.1)."""

import json
import urllib.request

import pytest

from databricks_utils.errors.exceptions import DatabricksUtilsError
from databricks_utils.testing.loopback import LoopbackRequest, LoopbackServer


class Echo(LoopbackServer):
    def respond(self, request: LoopbackRequest) -> tuple[int, object]:
        if request.path == "/raw":
            return 200, b"not json"
        return 201, {"method": request.method, "body": request.body}


def call(url, data=None):
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback http only
        return response.status, response.read()


def test_requests_are_parsed_recorded_and_answered():
    with Echo() as server:
        status, body = call(server.url + "/x", json.dumps({"a": 1}).encode())
        assert (status, json.loads(body)) == (201, {"method": "POST", "body": {"a": 1}})
        assert call(server.url + "/y", b"plain text")[1] == b'{"method": "POST", "body": "plain text"}'
        assert call(server.url + "/raw") == (200, b"not json")
        assert [(r.method, r.path, r.body) for r in server.received] == [
            ("POST", "/x", {"a": 1}),
            ("POST", "/y", "plain text"),
            ("GET", "/raw", None),
        ]


def test_the_url_exists_only_while_running():
    with pytest.raises(DatabricksUtilsError, match=r"Echo is not running\. Fix: use it as a context manager"):
        _ = Echo().url
