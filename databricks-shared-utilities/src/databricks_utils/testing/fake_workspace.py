"""A Databricks workspace REST stand-in on 127.0.0.1, for tests and benchmarks of code that calls the real SDK.

No workspace is reachable from CI machines, yet tools such as databricks-labs-dqx insist on one
(``DQEngine`` lists the runtime versions on start and for telemetry). ``FakeWorkspace`` answers GET
requests with canned JSON in the REST API's wire format, so the real ``databricks-sdk`` client, its
auth headers and retries all run; only the server is small. Unknown paths get the API's 404 error
body, and every request is recorded so tests can assert what was called.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import ClassVar, Final

from databricks_utils.errors.exceptions import DatabricksUtilsError

SPARK_VERSIONS_PATH: Final = "/api/2.1/clusters/spark-versions"

DEFAULT_ROUTES: Final[Mapping[str, object]] = {
    # The SDK reads host metadata first (and warns when it is missing); no OIDC endpoint: token auth only.
    "/.well-known/databricks-config": {"workspace_id": "1234567890123456", "oidc_endpoint": ""},
    SPARK_VERSIONS_PATH: {
        "versions": [{"key": "15.4.x-scala2.12", "name": "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"}]
    },
}
"""Paths answered out of the box: host metadata and the runtime list (``clusters.spark_versions``)."""


class FakeWorkspace:
    """A threaded HTTP server on 127.0.0.1 (a free port) serving canned JSON per GET path.

    Args:
        routes: Path (without query string) -> JSON body, added to :data:`DEFAULT_ROUTES`.

    Example:
        >>> with FakeWorkspace() as workspace:  # doctest: +SKIP
        ...     client = WorkspaceClient(host=workspace.host, token="dapi-fake")
        ...     client.clusters.select_spark_version()
        '15.4.x-scala2.12'
    """

    def __init__(self, routes: Mapping[str, object] | None = None) -> None:
        self._routes = {**DEFAULT_ROUTES, **(routes or {})}
        self._requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def host(self) -> str:
        """``http://127.0.0.1:<port>``, the value for ``WorkspaceClient(host=...)``.

        Raises:
            DatabricksUtilsError: The server is not running (outside the ``with`` block).
        """
        if self._server is None:
            raise DatabricksUtilsError(
                "FakeWorkspace is not running. Fix: use it as a context manager (with FakeWorkspace() as workspace)"
            )
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def requests(self) -> list[tuple[str, str]]:
        """``(method, path)`` of every request served so far, in order."""
        with self._lock:
            return list(self._requests)

    def __enter__(self) -> FakeWorkspace:
        handler = type("_BoundHandler", (_Handler,), {"workspace": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, name="fake-workspace", daemon=True).start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, method: str, path: str) -> tuple[int, object]:
        with self._lock:
            self._requests.append((method, path))
        route = path.split("?", 1)[0]
        if method == "GET" and route in self._routes:
            return 200, self._routes[route]
        return 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"No API found for '{method} {route}'"}


class _Handler(BaseHTTPRequestHandler):
    workspace: ClassVar[FakeWorkspace]

    def do_GET(self) -> None:
        self._reply("GET")

    def do_POST(self) -> None:
        self._reply("POST")

    def _reply(self, method: str) -> None:
        status, payload = self.workspace._answer(method, self.path)
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        del format, args  # requests are recorded in FakeWorkspace.requests, not printed
