"""``databricks-agent templates``: list the project templates and show one's options."""

from __future__ import annotations

import click

from databricks_ai_agents.cli.context import CliContext
from databricks_ai_agents.cli.output import table


@click.group()
def templates() -> None:
    """List and inspect project templates."""


@templates.command("list")
@click.pass_obj
def list_templates_command(obj: CliContext) -> None:
    """List the templates with their description and tags."""
    from databricks_project_templates import list_templates

    found = list_templates()
    payload = [
        {"name": t.name, "version": t.version, "description": t.description, "tags": list(t.tags)} for t in found
    ]
    text = table(
        ["name", "version", "tags", "description"],
        [[t.name, t.version, ", ".join(t.tags), t.description] for t in found],
    )
    obj.output.data(payload, text)


@templates.command("show")
@click.argument("name")
@click.pass_obj
def show_template_command(obj: CliContext, name: str) -> None:
    """Show template NAME: what it is for and every option with its default and choices."""
    from databricks_project_templates import get_template

    template = get_template(name)
    options = [
        {"name": o.name, "default": o.default, "choices": list(o.choices), "prompt": o.prompt, "derived": o.derived}
        for o in template.options
    ]
    payload = {
        "name": template.name,
        "version": template.version,
        "description": template.description,
        "when_to_use": template.when_to_use,
        "tags": list(template.tags),
        "path": str(template.path),
        "options": options,
    }
    rows = [
        [o.name, " | ".join(o.choices) or ("(derived)" if o.derived else o.default), o.prompt] for o in template.options
    ]
    text = "\n".join(
        [
            f"{template.name} {template.version}: {template.description}",
            f"When to use: {template.when_to_use}",
            "",
            table(["option", "default / choices", "question"], rows),
        ]
    )
    obj.output.data(payload, text)
