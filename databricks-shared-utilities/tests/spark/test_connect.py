"""Runs connect_checks.py in a pytest child process against a real Spark Connect server.

pyspark allows one kind of session per process (classic or Connect) and this test process is
classic, so the Connect checks get a process of their own. Coverage follows the child.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.subprocess, pytest.mark.slow]
CHECKS = Path(__file__).with_name("connect_checks.py")


def test_connect_checks_pass_in_their_own_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_CONNECT_MODE_ENABLED", "SPARK_REMOTE")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(CHECKS), "-p", "no:cacheprovider", "-q", "-rA", f"--basetemp={tmp_path}"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]
