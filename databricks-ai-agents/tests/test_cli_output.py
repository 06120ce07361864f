"""Output for people: rich tables when stdout is a terminal (a real pseudo-terminal here), plain when piped."""

import os
import pty
import subprocess
import sys

COMMAND = [sys.executable, "-c", "from databricks_ai_agents.cli.main import main; main()"]


def in_terminal(*args, env=None):
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [*COMMAND, *args], stdout=follower, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})}
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_a_terminal_gets_rich_tables_and_a_pipe_gets_plain_text():
    drawn = in_terminal("list", env={"TERM": "xterm", "COLUMNS": "200"})
    assert "━" in drawn or "─" in drawn  # rich's box drawing
    assert "init_project" in drawn
    piped = subprocess.run([*COMMAND, "list"], capture_output=True, text=True, check=True).stdout
    assert "━" not in piped and "─" not in piped
    assert piped.splitlines()[1].split()[:4] == ["name", "engine", "writes", "mcp"]


def test_a_dumb_terminal_and_json_stay_plain():
    dumb = in_terminal("templates", "list", env={"TERM": "dumb"})
    assert "━" not in dumb and "─" not in dumb
    assert "databricks-pipeline" in dumb
    as_json = in_terminal("--json", "templates", "list", env={"TERM": "xterm"})
    assert as_json.lstrip().startswith("[")
