"""``databricks-agent init DESCRIPTION``: pick a template, fill its answers from the description, render it.

The template agent's rules propose answers with reasons; ``--set`` overrides them; the answers are checked by
the template package before anything is written (unknown options, bad names and reserved words are errors).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from databricks_ai_agents.cli.context import CliContext
from databricks_ai_agents.cli.params import key_values

if TYPE_CHECKING:
    from databricks_ai_agents.agents.init_agent import InitResult


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
    from databricks_ai_agents.agents.init_agent import InitAgent, InitRequest, tracked
    from databricks_ai_agents.core.definitions import Engine
    from databricks_ai_agents.core.registry import load_agent
    from databricks_ai_agents.core.runner import build_context

    definition = load_agent("init").definition
    context = build_context(
        definition, workdir=obj.project_dir, engine=None if engine is None else cast("Engine", engine)
    )
    request = InitRequest(
        description=description,
        template=template_name,
        answers=key_values(sets, option="--set", example="compute=classic"),
        output_dir=str((output_dir or obj.project_dir).resolve()),
        dry_run=dry_run,
        force=force,
    )
    agent = InitAgent()
    with tracked(request, context) as track:
        # Propose, show the answers and why, then create: the user sees what will be written before it is.
        proposal = track(agent.propose(request, context))
        _show(proposal, obj)
        if dry_run:
            obj.output.data(proposal.model_dump(), "Dry run: nothing was written.")
            return
        if not no_input and sys.stdin.isatty() and not click.confirm("Create the project?", default=True):
            raise click.Abort
        with obj.output.status(f"Rendering {proposal.template} into {proposal.project_dir}"):
            created = track(agent.create(proposal, request, context))
    where = created.project_dir
    obj.output.data(
        created.model_dump(), f"Created {where} ({created.files} files). Next: cd {where} && make install run test"
    )


def _show(proposal: InitResult, obj: CliContext) -> None:
    if obj.output.as_json:
        return  # JSON goes out once, at the end
    click.echo(
        f"Template {proposal.template} {proposal.template_version} ({proposal.reasons['template']}), "
        f"engine {proposal.engine} -> {proposal.project_dir}"
    )
    rows = [[key, value, proposal.reasons.get(key, "template default")] for key, value in proposal.answers.items()]
    obj.output.table(["answer", "value", "why"], rows)
