import pytest

from databricks_utils.config.schema import EnvironmentConfig, ProjectConfig, SparkConfig
from databricks_utils.spark.modes import resolve_mode


@pytest.mark.parametrize("mode", ["local", "connect", "databricks"])
def test_explicit_mode_wins_over_environment(mode: str) -> None:
    choice = resolve_mode(ProjectConfig(spark=SparkConfig(mode=mode)), {"DATABRICKS_RUNTIME_VERSION": "16.4"})
    assert choice.mode == mode
    assert choice.reason == f"spark.mode is '{mode}'"


def test_auto_prefers_databricks_runtime() -> None:
    config = ProjectConfig(spark=SparkConfig(remote="sc://x:1"))
    choice = resolve_mode(config, {"DATABRICKS_RUNTIME_VERSION": "16.4", "SPARK_REMOTE": "sc://y:2"})
    assert choice.mode == "databricks"
    assert "16.4" in choice.reason


def test_auto_uses_configured_remote_then_env_remote() -> None:
    assert resolve_mode(ProjectConfig(spark=SparkConfig(remote="sc://x:1")), {}).reason == "spark.remote is set"
    choice = resolve_mode(ProjectConfig(), {"SPARK_REMOTE": "sc://127.0.0.1:15002"})
    assert (choice.mode, choice.reason) == ("connect", "SPARK_REMOTE is set")


def test_auto_workspace_without_databricks_connect_stays_local() -> None:
    # databricks-connect is deliberately not installed next to pyspark (it replaces it).
    config = ProjectConfig(environment=EnvironmentConfig(workspace_host="https://adb-1.azuredatabricks.net"))
    choice = resolve_mode(config, {"DATABRICKS_HOST": "https://adb-1.azuredatabricks.net"})
    assert choice.mode == "local"
    assert choice.reason == "no cluster, Connect URL or workspace configured"


def test_databricks_mode_off_cluster_without_databricks_connect_names_the_install() -> None:
    from databricks_utils.errors.exceptions import DependencyMissingError
    from databricks_utils.spark.sessions import create_session

    with pytest.raises(DependencyMissingError, match=r"pip install 'databricks-utils\[connect\]'"):
        create_session(ProjectConfig(spark=SparkConfig(mode="databricks")), "databricks", {})
