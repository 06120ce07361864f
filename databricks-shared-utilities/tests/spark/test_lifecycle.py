"""Session lifecycle in a fresh process: first-call race, self-healing, stop. Real local Spark.

The same checks for Spark Connect run in connect_checks.py (see test_connect.py).
"""

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.subprocess, pytest.mark.slow]


def test_local_lifecycle(check_lifecycle) -> None:
    check_lifecycle("local", DBX_SPARK__MODE="local")


def test_connect_while_classic_runs_is_a_clear_error(spark_session_long_running) -> None:
    from databricks_utils.config.schema import ProjectConfig, SparkConfig
    from databricks_utils.errors.exceptions import SparkSessionError
    from databricks_utils.spark.sessions import create_session

    config = ProjectConfig(spark=SparkConfig(mode="connect", remote="sc://127.0.0.1:1"))
    with pytest.raises(SparkSessionError, match=r"classic\) Spark session is already running .* new process"):
        create_session(config, "connect", {})
