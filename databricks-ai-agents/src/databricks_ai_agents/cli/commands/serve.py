"""``databricks-agent serve``: the agents as an MCP server for IDE assistants (stdio by default).

Register it in an MCP client, e.g. Claude Code: ``claude mcp add databricks-agent -- databricks-agent serve``;
or in an ``mcp.json``: ``{"command": "databricks-agent", "args": ["serve", "--root", "."]}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from databricks_ai_agents.cli.context import CliContext


@click.command()
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Workspace root: every path a tool gets must resolve inside it. [default: --project-dir]",
)
@click.option("--read-only", is_flag=True, help="Serve only the tools that write nothing.")
@click.option(
    "--transport",
    type=click.Choice(["stdio", "http"]),
    default="stdio",
    show_default=True,
    help="stdio for IDEs that spawn the server; http for streamable HTTP on --host:--port.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP only: the address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="HTTP only: the port.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "rules", "llm"]),
    default=None,
    help="Force an engine for every tool (default: each agent's own; auto uses Claude when ANTHROPIC_API_KEY is set).",
)
@click.pass_obj
def serve(
    obj: CliContext, *, root: Path | None, read_only: bool, transport: str, host: str, port: int, engine: str | None
) -> None:
    """Serve the agents over MCP (stdio by default) to an IDE assistant."""
    from databricks_ai_agents.core.definitions import Engine
    from databricks_ai_agents.core.registry import load_registry
    from databricks_ai_agents.mcp_server.server import serve as run_server

    if transport == "http" and host not in {"127.0.0.1", "localhost", "::1"}:
        click.echo(
            f"Warning: serving on {host} exposes the tools to your network; there is no authentication.", err=True
        )
    run_server(
        load_registry(),
        root=(root or obj.project_dir).resolve(),
        read_only=read_only,
        engine=None if engine is None else cast("Engine", engine),
        transport="stdio" if transport == "stdio" else "streamable-http",
        host=host,
        port=port,
    )
