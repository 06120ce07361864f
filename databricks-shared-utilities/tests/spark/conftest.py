import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from databricks_utils.spark.connect_server import ConnectServer

PROBE = Path(__file__).with_name("lifecycle_probe.py")


@pytest.fixture(scope="session")
def connect_server() -> Iterator[ConnectServer]:
    """A real Spark Connect server from the pyspark wheel on 127.0.0.1, with Delta when installed."""
    with ConnectServer() as server:
        yield server


@pytest.fixture
def check_lifecycle(tmp_path: Path) -> Callable[..., None]:
    """Run lifecycle_probe.py in a fresh process and check what it saw: race, heal, expiry, stop."""

    def check(mode: str, *args: str, **env: str) -> None:
        inherited = {k: v for k, v in os.environ.items() if k not in ("SPARK_CONNECT_MODE_ENABLED", "SPARK_REMOTE")}
        child_env = inherited | {
            "DBX_SPARK__HEALTH_CHECK_INTERVAL_S": "0",
            "DBX_SPARK__WAREHOUSE_DIR": str(tmp_path / "warehouse"),
            **env,
        }
        result = subprocess.run(
            [sys.executable, str(PROBE), *args],
            check=False,
            capture_output=True,
            text=True,
            env=child_env,
            cwd=tmp_path,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        out = json.loads(result.stdout.strip().splitlines()[-1])
        assert out["mode"] == mode
        assert out["distinct_sessions"] == 1, "32 racing threads must share one session"
        assert out["created_after_race"] == 1
        assert out["healed_is_new"] is True
        assert out["healed_works"] is True
        assert out["created_after_heal"] == 2
        assert out["expired_replaced"] is True
        assert out["created_after_expiry"] == 3
        assert out["initialized_after_stop"] is False
        assert out["mode_after_stop"] is None
        assert out["recreated_works"] is True
        assert out["created_at_end"] == 4

    return check
