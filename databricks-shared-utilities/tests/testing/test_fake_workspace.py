"""FakeWorkspace: the real databricks-sdk client against the loopback server (no workspace is reachable here)."""

import re

import pytest

from databricks_utils.errors.exceptions import DatabricksUtilsError
from databricks_utils.testing import FakeWorkspace
from databricks_utils.testing.fake_workspace import SPARK_VERSIONS_PATH

sdk = pytest.importorskip("databricks.sdk", reason="databricks-sdk comes with the dev dependencies")


def client(workspace):
    return sdk.WorkspaceClient(host=workspace.host, token="dapi-fake-token")  # noqa: S106 - loopback only


def test_the_sdk_reads_the_default_runtime_list_and_the_request_is_recorded():
    with FakeWorkspace() as workspace:
        assert client(workspace).clusters.select_spark_version() == "15.4.x-scala2.12"
        assert workspace.requests == [("GET", "/.well-known/databricks-config"), ("GET", SPARK_VERSIONS_PATH)]


def test_extra_routes_are_served_and_unknown_paths_get_the_api_404():
    me = {"userName": "dev@example.com", "id": "42"}
    with FakeWorkspace({"/api/2.0/preview/scim/v2/Me": me}) as workspace:
        assert client(workspace).current_user.me().user_name == "dev@example.com"
        with pytest.raises(sdk.errors.NotFound, match=re.escape("No API found for 'GET /api/2.2/jobs/list'")):
            list(client(workspace).jobs.list())


def test_the_host_exists_only_while_running():
    workspace = FakeWorkspace()
    with pytest.raises(DatabricksUtilsError, match=r"not running\. Fix: use it as a context manager"):
        _ = workspace.host
    with workspace:
        assert workspace.host.startswith("http://127.0.0.1:")
    with pytest.raises(DatabricksUtilsError, match="not running"):
        _ = workspace.host
