"""Without the Delta jars: parquet with one notice, or a clear error when Delta is required."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from databricks_utils.config.schema import ProjectConfig, SparkConfig
from databricks_utils.errors.exceptions import DeltaUnavailableError
from databricks_utils.spark.sessions import create_session

PROBE = Path(__file__).with_name("delta_fallback_probe.py")


def test_required_delta_without_jars_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_UTILS_JARS_DIR", str(tmp_path / "no-jars"))
    config = ProjectConfig(spark=SparkConfig(require_delta=True, warehouse_dir=tmp_path / "wh"))
    with pytest.raises(DeltaUnavailableError, match=r"run 'databricks-utils install-delta'") as err:
        create_session(config, "local", {})
    assert "io.delta:delta-spark_" in str(err.value)
    assert str(tmp_path / "no-jars") in str(err.value)


@pytest.mark.spark
@pytest.mark.subprocess
@pytest.mark.slow
def test_missing_jars_fall_back_to_parquet_with_one_notice(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBX_", "SPARK_CONNECT", "SPARK_REMOTE"))}
    env |= {
        "DATABRICKS_UTILS_JARS_DIR": str(tmp_path / "no-jars"),
        "DBX_SPARK__REQUIRE_DELTA": "false",
        "DBX_SPARK__WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DBX_SPARK__CATALOG_IMPLEMENTATION": "hive",
    }
    result = subprocess.run(
        [sys.executable, str(PROBE)], capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["delta_enabled"] is False
    assert out["provider"] == "parquet"
    assert len(out["notices"]) == 1
    assert "databricks-utils install-delta" in out["notices"][0]
    assert out["rows"] == 3
