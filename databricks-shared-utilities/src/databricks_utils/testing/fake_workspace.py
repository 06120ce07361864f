"""A Databricks workspace REST stand-in on 127.0.0.1, for tests and benchmarks of code that calls the real SDK.

No workspace is reachable from CI machines, yet tools such as databricks-labs-dqx insist on one
(``DQEngine`` lists the runtime versions on start and for telemetry). ``FakeWorkspace`` answers GET
requests with canned JSON in the REST API's wire format, so the real ``databricks-sdk`` client, its
auth headers and retries all run; only the server is small. Unknown paths get the API's 404 error
body, and every request is recorded so tests can assert what was called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from databricks_utils.testing.loopback import LoopbackRequest, LoopbackServer

SPARK_VERSIONS_PATH: Final = "/api/2.1/clusters/spark-versions"

DEFAULT_ROUTES: Final[Mapping[str, object]] = {
    # The SDK reads host metadata first (and warns when it is missing); no OIDC endpoint: token auth only.
    "/.well-known/databricks-config": {"workspace_id": "1234567890123456", "oidc_endpoint": ""},
    SPARK_VERSIONS_PATH: {
        "versions": [{"key": "15.4.x-scala2.12", "name": "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"}]
    },
}
"""Paths answered out of the box: host metadata and the runtime list (``clusters.spark_versions``)."""


class FakeWorkspace(LoopbackServer):
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
        super().__init__()
        self._routes = {**DEFAULT_ROUTES, **(routes or {})}

    @property
    def host(self) -> str:
        """``http://127.0.0.1:<port>``, the value for ``WorkspaceClient(host=...)``.

        Raises:
            DatabricksUtilsError: The server is not running (outside the ``with`` block).
        """
        return self.url

    @property
    def requests(self) -> list[tuple[str, str]]:
        """``(method, path)`` of every request served so far, in order."""
        return [(request.method, request.path) for request in self.received]

    def respond(self, request: LoopbackRequest) -> tuple[int, object]:
        """The route's JSON for a known GET path, else the REST API's 404 body."""
        route = request.path.split("?", 1)[0]
        if request.method == "GET" and route in self._routes:
            return 200, self._routes[route]
        return 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"No API found for '{request.method} {route}'"}
