"""Spark Connect against a real server from the pyspark wheel on 127.0.0.1 (no stand-in).

Run by test_connect.py in a pytest child process: pyspark allows a classic or a Connect session
per process, never both, and the main test process is classic.

Every Connect session made here is stopped before the server goes away: an open session's client
otherwise retries releasing it against a dead server at interpreter exit, for minutes.
"""

import os
from collections.abc import Iterator

import pytest

from databricks_utils.config.schema import ProjectConfig, SparkConfig
from databricks_utils.errors.exceptions import SparkSessionError
from databricks_utils.spark.connect_server import ConnectServer, free_port
from databricks_utils.spark.sessions import CONNECT_MARKER_ENV, create_session
from databricks_utils.testing import isolated_session

pytestmark = [pytest.mark.spark, pytest.mark.subprocess, pytest.mark.slow]


def _connect_config(url: str) -> ProjectConfig:
    return ProjectConfig(spark=SparkConfig(mode="connect", remote=url, shuffle_partitions=3))


@pytest.fixture
def sessions() -> Iterator[list]:
    """Collects Connect sessions a test makes and stops them all at teardown.

    pyspark marks the process as Connect-only (SPARK_CONNECT_MODE_ENABLED) when it builds a Connect
    session; the mark is removed afterwards so later classic tests in this process can start.
    """
    marked_before = CONNECT_MARKER_ENV in os.environ
    made: list = []
    yield made
    for session in made:
        session.stop()
    if not marked_before:
        os.environ.pop(CONNECT_MARKER_ENV, None)


def test_queries_and_delta_tables_through_connect(connect_server: ConnectServer, sessions: list) -> None:
    created = create_session(_connect_config(connect_server.url), "connect", {})
    spark = created.session
    sessions.append(spark)
    assert created.mode == "connect"
    assert type(spark).__module__ == "pyspark.sql.connect.session"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "3"
    assert spark.range(10).filter("id % 2 = 0").count() == 5
    spark.sql("CREATE SCHEMA IF NOT EXISTS connect_check")
    spark.range(3).write.mode("overwrite").saveAsTable("connect_check.numbers")
    assert spark.sql("DESCRIBE DETAIL connect_check.numbers").first()["format"] == "delta"


def test_isolated_connect_sessions_do_not_share_temp_views(connect_server: ConnectServer, sessions: list) -> None:
    root = create_session(_connect_config(connect_server.url), "connect", {}).session
    sessions.append(root)
    first = isolated_session(root)
    sessions.append(first)
    second = isolated_session(root)
    sessions.append(second)
    first.range(1).createOrReplaceTempView("mine")
    first.conf.set("spark.sql.shuffle.partitions", "5")
    assert first.catalog.tableExists("mine")
    assert not second.catalog.tableExists("mine")
    assert second.conf.get("spark.sql.shuffle.partitions") == "3"


def test_connect_url_from_spark_remote_env(connect_server: ConnectServer, sessions: list) -> None:
    config = ProjectConfig(spark=SparkConfig(mode="connect"))
    spark = create_session(config, "connect", {"SPARK_REMOTE": connect_server.url}).session
    sessions.append(spark)
    assert spark.range(2).count() == 2


def test_connect_lifecycle(check_lifecycle, connect_server: ConnectServer) -> None:
    check_lifecycle("connect", "connect", DBX_SPARK__MODE="auto", SPARK_REMOTE=connect_server.url)


def test_local_mode_in_a_connect_process_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONNECT_MARKER_ENV, "1")
    with pytest.raises(SparkSessionError, match=r"already used Spark Connect .* one kind per process"):
        create_session(ProjectConfig(), "local", {})


def test_connect_without_url_is_a_clear_error() -> None:
    with pytest.raises(SparkSessionError, match=r"no URL is configured: set spark.remote .* or the SPARK_REMOTE"):
        create_session(ProjectConfig(spark=SparkConfig(mode="connect")), "connect", {})


def test_server_that_cannot_start_reports_its_log() -> None:
    server = ConnectServer(master="not-a-master", delta=False, startup_timeout_s=60)
    with pytest.raises(SparkSessionError, match=r"Spark Connect server exited with code .* Last log lines"):
        server.start()
    assert server.log_file is None  # cleaned up after the failure


def test_server_command_is_bound_to_loopback_with_delta() -> None:
    server = ConnectServer(port=free_port())
    command = server.command()
    assert "spark.connect.grpc.binding.address=127.0.0.1" in command
    assert f"spark.connect.grpc.binding.port={server.port}" in command
    assert "--jars" in command
    assert server.url == f"sc://127.0.0.1:{server.port}"
