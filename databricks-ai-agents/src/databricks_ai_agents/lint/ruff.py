"""``--with-ruff``: run ruff's own checks on the same paths and turn its JSON into our findings.

Ruff reads the project's own ruff configuration, so a team keeps one ruff setup for both. Its
syntax-error reports are dropped: DBA001 already reports them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from databricks_ai_agents.errors import AgentError
from databricks_ai_agents.lint.model import Category, Finding, Severity

# Codes that mean the code cannot run as written (flake8's "serious" set): errors; the rest warnings.
_ERROR_PREFIXES = ("E9", "F63", "F7", "F82")


class RuffError(AgentError):
    """ruff is missing or failed; the message says how to install or what it printed."""


def ruff_command() -> list[str]:
    """How to run ruff here: the ``ruff`` on PATH, else ``python -m ruff`` when the package is installed.

    Raises:
        RuffError: when neither exists.
    """
    found = shutil.which("ruff")
    if found:
        return [found]
    from importlib.util import find_spec

    if find_spec("ruff") is None:
        raise RuffError("--with-ruff needs ruff: install it with `pip install ruff` (or `uv add --dev ruff`)")
    return [sys.executable, "-m", "ruff"]


def run_ruff(paths: Sequence[Path], *, display: Any) -> list[Finding]:
    """Ruff's findings on ``paths``, with paths shown by ``display`` (the engine's display_path).

    Raises:
        RuffError: when ruff is missing, fails, or prints something that is not its JSON.
    """
    command = [*ruff_command(), "check", "--output-format", "json", "--no-fix", "--exit-zero", "--quiet"]
    result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [*command, *map(str, paths)], capture_output=True, text=True, check=False, timeout=600
    )
    if result.returncode != 0:
        raise RuffError(f"ruff failed (exit {result.returncode}): {result.stderr.strip()[:500]}")
    try:
        items = json.loads(result.stdout or "[]")
    except ValueError as err:
        raise RuffError(f"ruff printed something that is not JSON: {result.stdout[:200]!r}") from err
    return [finding for item in items if (finding := _finding(item, display)) is not None]


def _finding(item: dict[str, Any], display: Any) -> Finding | None:
    code = item.get("code")
    if not code:  # a syntax error: DBA001 reports it
        return None
    start, end = item.get("location") or {}, item.get("end_location") or {}
    line, column = int(start.get("row", 1)), int(start.get("column", 1))
    fix = item.get("fix") or {}
    return Finding(
        rule=code,
        name=str(item.get("name") or code),
        severity=Severity.ERROR if code.startswith(_ERROR_PREFIXES) else Severity.WARNING,
        category=Category.GENERAL,
        path=display(Path(item["filename"])),
        line=max(line, 1),
        column=max(column, 1),
        end_line=max(int(end.get("row", line)), line),
        end_column=max(int(end.get("column", column + 1)), 1),
        cell=item.get("cell"),
        message=str(item.get("message", "")),
        fix=str(fix.get("message") or f"See {item.get('url') or 'https://docs.astral.sh/ruff/rules/'}"),
        source="ruff",
    )
