"""``databricks-agent init DESCRIPTION``: pick a template, fill its answers from the description, render it.

The template agent's rules propose answers with reasons; ``--set`` overrides them; the answers are checked by
the template package before anything is written (unknown options, bad names and reserved words are errors).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import cast

import click

from databricks_ai_agents.cli.context import CliContext
from databricks_ai_agents.cli.output import table
from databricks_ai_agents.errors import AgentError


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, answer = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE (e.g. --set compute=classic)", param_hint="--set")
        pairs[key.strip()] = answer
    return pairs


@click.command()
@click.argument("description")
@click.option("--template", "template_name", help="Template to use (default: the agent picks; see `templates list`).")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to create the project in (default: --project-dir).",
)
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Set a template answer; repeatable.")
@click.option("--dry-run", is_flag=True, help="Show the template and answers, write nothing.")
@click.option("--force", is_flag=True, help="Render over an existing project folder.")
@click.option("--no-input", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "rules", "llm"]),
    default=None,
    help="rules: offline keyword rules; llm: also ask Claude (needs ANTHROPIC_API_KEY); auto: llm when a key is set.",
)
@click.pass_obj
def init(
    obj: CliContext,
    *,
    description: str,
    template_name: str | None,
    output_dir: Path | None,
    sets: tuple[str, ...],
    dry_run: bool,
    force: bool,
    no_input: bool,
    engine: str | None,
) -> None:
    """Create a project from DESCRIPTION, e.g. "daily sales pipeline from CSV with a dashboard"."""
    from databricks_ai_agents.agents.template_agent import TemplateProposal, TemplateRequest
    from databricks_ai_agents.core.contract import AgentContext
    from databricks_ai_agents.core.definitions import Engine
    from databricks_ai_agents.core.engine import resolve_engine
    from databricks_ai_agents.core.registry import load_registry
    from databricks_project_templates import render_template, resolve_answers

    registered = load_registry().get("template")
    definition = registered.definition
    requested = definition.execution.default_engine if engine is None else cast("Engine", engine)  # a click.Choice
    resolved = resolve_engine(requested)
    llm = None
    if resolved == "llm":
        from databricks_ai_agents.llm.client import LlmClient

        llm = LlmClient.from_env(definition.llm, timeout_s=definition.execution.timeout_s)
    context = AgentContext(
        definition=definition,
        workdir=obj.project_dir,
        logger=logging.getLogger("databricks_ai_agents"),
        engine=resolved,
        llm=llm,
    )
    request = TemplateRequest(description=description, template=template_name, overrides=_parse_sets(sets))
    proposal = registered.implementation().run(request, context)
    if not isinstance(proposal, TemplateProposal):
        raise AgentError(f"the template agent returned {type(proposal).__name__}, not a TemplateProposal")
    answers = resolve_answers(proposal.template, proposal.answers)
    target_parent = (output_dir or obj.project_dir).resolve()
    project = target_parent / answers["project_slug"]
    if project.exists() and any(project.iterdir()) and not force and not dry_run:
        raise AgentError(
            f"{project} already exists and is not empty. Fix: choose another --output-dir, "
            "--set project_slug=<name>, or pass --force to render over it"
        )
    payload: dict[str, object] = {
        "template": proposal.template,
        "answers": answers,
        "reasons": proposal.reasons,
        "project_dir": str(project),
        "engine": resolved,
        "written": False,
    }
    if not obj.output.as_json:
        rows = [[key, value, proposal.reasons.get(key, "template default")] for key, value in answers.items()]
        click.echo(f"Template {proposal.template} ({proposal.reasons['template']}), engine {resolved} -> {project}")
        click.echo(table(["answer", "value", "why"], rows))
    if dry_run:
        if obj.output.as_json:
            obj.output.data(payload, "")
        return
    if not no_input and sys.stdin.isatty() and not click.confirm("Create the project?", default=True):
        raise click.Abort
    rendered = render_template(proposal.template, target_parent, answers, overwrite=force)
    payload["written"] = True
    obj.output.data(payload, f"Created {rendered}. Next: cd {rendered} && make install run test")
