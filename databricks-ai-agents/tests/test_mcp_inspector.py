"""The MCP Inspector CLI (npm, a non-Python MCP client) drives `databricks-agent serve` as a subprocess.

`make install` installs the Inspector into .venv/npm when npm is on the machine; without npm this test is
skipped, and with npm a missing Inspector is a failure (a broken install step, not a reason to skip).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSPECTOR = Path(os.environ.get("MCP_INSPECTOR", REPO / ".venv/npm/node_modules/.bin/mcp-inspector"))
SERVE = [sys.executable, "-c", "from databricks_ai_agents.cli.main import main; main()", "serve"]


def inspector(root, *args):
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the MCP Inspector CLI cannot run here")
    assert INSPECTOR.is_file(), f"{INSPECTOR} is missing: run `make install` (it installs the Inspector with npm)"
    result = subprocess.run(
        [str(INSPECTOR), "--cli", *SERVE, "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_inspector_lists_the_tools_with_their_schemas(tmp_path):
    listed = inspector(tmp_path, "--method", "tools/list")
    tools = {tool["name"]: tool for tool in listed["tools"]}
    assert set(tools) == {"init_project", "propose_project", "profile_data", "review_code", "list_templates"}
    assert tools["init_project"]["inputSchema"]["required"] == ["description"]
    assert tools["propose_project"]["annotations"]["readOnlyHint"] is True


def test_the_inspector_calls_a_tool(tmp_path):
    called = inspector(
        tmp_path,
        "--method",
        "tools/call",
        "--tool-name",
        "propose_project",
        "--tool-arg",
        "description=clickstream events from kafka with a dashboard",
    )
    assert called.get("isError") is not True, called
    answers = called["structuredContent"]["answers"]
    assert (answers["streaming_ingestion"], answers["dashboard"]) == ("yes", "yes")
