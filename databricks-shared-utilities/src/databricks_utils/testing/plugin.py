"""The databricks-utils pytest plugin, loaded automatically through the ``pytest11`` entry point.

Fixtures:
    spark_session_long_running: one Spark session for the whole test run (session scope). It is the
        process's ``get_spark()`` session, so code under test that calls ``get_spark()`` gets it too.
    spark_session: per test, an isolated ``newSession()`` of that session: SQL conf, temp views and
        the current schema do not leak between tests; ``get_spark()`` returns it during the test.
    test_config: the project's ``local`` config with a temporary warehouse; override per test with
        ``@pytest.mark.dbx_config(**{"spark.shuffle_partitions": 1})`` or by redefining the fixture.
    temp_tables: a factory of uniquely named tables, dropped after the test even when it fails.

Marker ``integration``: tests that need a live Databricks workspace; skipped unless ``DATABRICKS_HOST``
is set, so the same suite runs on a laptop, in CI and against a workspace.

Importing this module imports no pyspark and starts no JVM; the first fixture that needs Spark does.

Example:
    >>> def test_orders(spark_session, temp_tables):  # doctest: +SKIP
    ...     name = temp_tables([{"id": 1}])
    ...     assert spark_session.table(name).count() == 1
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from databricks_utils.config.schema import ProjectConfig
from databricks_utils.testing.fixtures import build_test_config, isolated_session, release_isolated
from databricks_utils.testing.tables import TempTables

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MARKER = "dbx_config"
INTEGRATION = "integration"
WORKSPACE_ENV = "DATABRICKS_HOST"


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers so ``--strict-markers`` projects accept them."""
    config.addinivalue_line("markers", f"{MARKER}(**overrides): dotted-key config overrides for test_config")
    config.addinivalue_line(
        "markers", f"{INTEGRATION}: needs a live Databricks workspace; skipped unless {WORKSPACE_ENV} is set"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``integration`` tests when no workspace is configured, saying how to run them."""
    if os.environ.get(WORKSPACE_ENV):
        return
    skip = pytest.mark.skip(reason=f"needs a Databricks workspace: set {WORKSPACE_ENV} (and credentials) to run")
    for item in items:
        if item.get_closest_marker(INTEGRATION) is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _dbx_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark-warehouse")


@pytest.fixture(scope="session")
def spark_session_long_running(_dbx_warehouse: Path) -> SparkSession:
    """One Spark session for the whole run, created through ``SparkSessionFactory`` (Delta when installed).

    It is not stopped at the end: the JVM exits with the test process, and an in-process nested
    pytest run (pytester) must not stop its parent's session.
    """
    from databricks_utils.spark.factory import SparkSessionFactory

    return SparkSessionFactory.create(build_test_config(_dbx_warehouse))


@pytest.fixture
def spark_session(spark_session_long_running: SparkSession) -> Iterator[SparkSession]:
    """An isolated session per test; ``get_spark()`` returns it while the test runs."""
    from databricks_utils.spark.factory import SparkSessionFactory

    session = isolated_session(spark_session_long_running)
    try:
        with SparkSessionFactory.override(session):
            yield session
    finally:
        release_isolated(session)


@pytest.fixture
def test_config(request: pytest.FixtureRequest, tmp_path: Path) -> ProjectConfig:
    """The ``local`` config with a temporary warehouse, plus any ``@pytest.mark.dbx_config`` overrides."""
    overrides: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        overrides.update(marker.kwargs)
    return build_test_config(tmp_path / "warehouse", overrides)


@pytest.fixture
def temp_tables(spark_session: SparkSession, request: pytest.FixtureRequest) -> Iterator[TempTables]:
    """Create tables named after the test; all are dropped at teardown, pass or fail.

    Call it like a function (``temp_tables(rows)``) or use ``temp_tables.create(...)``.
    """
    tables = TempTables(spark_session, prefix=request.node.name)
    try:
        yield tables
    finally:
        tables.drop_all()
