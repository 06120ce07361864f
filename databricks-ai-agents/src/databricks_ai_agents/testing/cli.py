"""Run ``databricks-agent`` as users do: a real child process, output captured, never raising on failure."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ENTRY = "from databricks_ai_agents.cli.main import main; main()"


def run_cli(
    *args: str,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """``databricks-agent ARGS`` in a new process of this interpreter (the installed entry point's code).

    Example:
        >>> run_cli("--version").returncode  # doctest: +SKIP
        0
    """
    return subprocess.run(  # noqa: S603 - this interpreter and our own entry point
        [sys.executable, "-c", ENTRY, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=None if env is None else dict(env),
        timeout=timeout,
    )
