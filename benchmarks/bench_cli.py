"""The CLI as users meet it, each a new process, against a bare `python -c pass` in the same run.

- `databricks-agent --help` (goal <= 150 ms: no heavy package is imported before a command runs);
- `databricks-agent init "<idea>" --no-input` end to end: propose, check, render the project (goal <= 2 s);
- MCP round trip: spawn `databricks-agent serve`, initialize, tools/list with the MCP SDK's stdio client
  (goal <= 800 ms).

Median of RUNS after one warm-up (file cache, bytecode). The usage log goes to a temporary file.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

RUNS = 15
INIT_RUNS = 7
IDEA = "daily sales pipeline from CSV with a dashboard"


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(command: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(command, check=True, capture_output=True)


def init_once(agent: str, work: Path) -> Callable[[], object]:
    def action() -> None:
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run([agent, "init", IDEA, "--no-input", "--output-dir", str(work)], check=True, capture_output=True)

    return action


# The SDK's own floor: the smallest MCPServer (one tool) spawned and listed the same way.
MINIMAL_SERVER = """
from mcp.server.mcpserver import MCPServer
server = MCPServer("floor")
@server.tool()
def echo(text: str) -> str:
    return text
server.run("stdio")
"""


def mcp_round_trip(params: StdioServerParameters) -> Callable[[], object]:

    async def session() -> int:
        with Path(os.devnull).open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                return len((await client.list_tools()).tools)

    return lambda: anyio.run(session)


def main() -> None:
    agent = shutil.which("databricks-agent") or sys.exit("databricks-agent is not on PATH: run it with `make bench`")
    with tempfile.TemporaryDirectory() as tmp:
        work, usage_log = Path(tmp) / "projects", Path(tmp) / "usage.jsonl"
        os.environ["DATABRICKS_AGENT_USAGE_LOG"] = str(usage_log)
        minimal = StdioServerParameters(command=sys.executable, args=["-c", MINIMAL_SERVER])
        serve = StdioServerParameters(
            command=agent, args=["serve", "--root", tmp], env={"DATABRICKS_AGENT_USAGE_LOG": str(usage_log)}
        )
        rows = [
            ("python -c pass (floor)", median_ms(run([sys.executable, "-c", "pass"]))),
            ("databricks-agent --help", median_ms(run([agent, "--help"]))),
            ("databricks-agent templates --help", median_ms(run([agent, "templates", "--help"]))),
            ("databricks-agent init (end to end)", median_ms(init_once(agent, work), INIT_RUNS)),
            ("MCP floor: minimal MCPServer round trip", median_ms(mcp_round_trip(minimal))),
            ("MCP spawn + initialize + tools/list", median_ms(mcp_round_trip(serve))),
        ]
    base = rows[0][1]
    print(f"Python {sys.version.split()[0]}, median of {RUNS} ({INIT_RUNS} for init)")
    for name, ms in rows:
        print(f"  {name:<38} {ms:>8.1f} ms {ms / base:>6.2f}x floor")
    for (name, ms), goal in zip(rows[1:], (150, None, 2000, None, 800), strict=True):
        if goal is not None:
            print(f"  goal {name} <= {goal} ms: {'met' if ms <= goal else 'MISSED'} ({ms:.1f} ms)")
    print(f"  MCP round trip / SDK floor: {rows[5][1] / rows[4][1]:.2f}x")


if __name__ == "__main__":
    main()
