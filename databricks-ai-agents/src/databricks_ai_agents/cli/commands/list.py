"""``databricks-agent list``: the agents (from the registry) and the project templates."""

from __future__ import annotations

import click

from databricks_ai_agents.cli.context import CliContext
from databricks_ai_agents.cli.output import table


@click.command("list")
@click.pass_obj
def list_command(obj: CliContext) -> None:
    """List the agents and the project templates."""
    from databricks_ai_agents.core.registry import load_registry
    from databricks_project_templates import list_templates

    registry = load_registry()
    agents = [registry.get(name).definition for name in registry.names]
    templates = list_templates()
    payload = {
        "agents": [
            {
                "name": d.name,
                "description": d.description,
                "read_only": d.read_only,
                "default_engine": d.execution.default_engine,
            }
            for d in agents
        ],
        "templates": [{"name": t.name, "version": t.version, "description": t.description} for t in templates],
    }
    text = "\n".join(
        [
            "Agents",
            table(
                ["name", "engine", "writes", "description"],
                [[d.name, d.execution.default_engine, "no" if d.read_only else "yes", d.description] for d in agents],
            ),
            "",
            "Templates",
            table(["name", "version", "description"], [[t.name, t.version, t.description] for t in templates]),
        ]
    )
    obj.output.data(payload, text)
