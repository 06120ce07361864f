"""``databricks-agent list``: the agents (from the registry, with their MCP tools) and the project templates."""

from __future__ import annotations

import click

from databricks_ai_agents.cli.context import CliContext


@click.command("list")
@click.pass_obj
def list_command(obj: CliContext) -> None:
    """List the agents (and their MCP tools) and the project templates."""
    from databricks_ai_agents.core.registry import load_registry
    from databricks_project_templates import list_templates

    registry = load_registry()
    agents = [registry.get(name).definition for name in registry.names]
    templates = list_templates()
    if obj.output.as_json:
        obj.output.data(
            {
                "agents": [
                    {
                        "name": d.name,
                        "description": d.description,
                        "read_only": d.read_only,
                        "default_engine": d.execution.default_engine,
                        "mcp_tool": d.mcp.tool,
                    }
                    for d in agents
                ],
                "templates": [{"name": t.name, "version": t.version, "description": t.description} for t in templates],
            },
            "",
        )
        return
    obj.output.table(
        ["name", "engine", "writes", "mcp tool", "description"],
        [
            [d.name, d.execution.default_engine, "no" if d.read_only else "yes", d.mcp.tool, d.description]
            for d in agents
        ],
        title="Agents",
    )
    click.echo("")
    obj.output.table(
        ["name", "version", "description"],
        [[t.name, t.version, t.description] for t in templates],
        title="Templates",
    )
