"""Test helpers: the pytest plugin's fixtures and their building blocks (importable without pyspark)."""

from databricks_utils.testing.fake_workspace import FakeWorkspace
from databricks_utils.testing.fixtures import build_test_config, isolated_session, release_isolated
from databricks_utils.testing.frames import build_frame
from databricks_utils.testing.tables import TempTables

__all__ = [
    "FakeWorkspace",
    "TempTables",
    "build_frame",
    "build_test_config",
    "isolated_session",
    "release_isolated",
]
