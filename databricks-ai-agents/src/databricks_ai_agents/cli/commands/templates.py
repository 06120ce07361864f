"""``databricks-agent templates``: list the project templates, show one's options, summarise their usage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from databricks_ai_agents.cli.context import CliContext
from databricks_ai_agents.cli.output import table

if TYPE_CHECKING:
    from databricks_ai_agents.usage import Suggestion, TemplateUsage, UsageRecord

_MIN_SHARE = 0.6
"""The share of created projects a value needs before `stats --suggest` proposes it as the default."""


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
    if obj.output.as_json:
        obj.output.data(payload, "")
        return
    obj.output.table(
        ["name", "version", "tags", "description"],
        [[t.name, t.version, ", ".join(t.tags), t.description] for t in found],
    )


@templates.command("show")
@click.argument("name")
@click.pass_obj
def show_template_command(obj: CliContext, name: str) -> None:
    """Show template NAME: what it is for and every option with its default and choices."""
    from databricks_project_templates import get_template

    template = get_template(name)
    options = [o.as_dict() for o in template.options]
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


@templates.command("stats")
@click.option("--suggest", is_flag=True, help="Also propose default changes that created projects clearly favour.")
@click.option(
    "--log",
    "log_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Usage log to read (default: $DATABRICKS_AGENT_USAGE_LOG, else "
    "${XDG_STATE_HOME:-~/.local/state}/databricks-agent/usage.jsonl).",
)
@click.option("--template", "template_name", default=None, help="Only this template.")
@click.option(
    "--min-runs",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Created projects an option needs before --suggest proposes anything for it.",
)
@click.pass_obj
def stats_command(
    obj: CliContext, *, suggest: bool, log_path: Path | None, template_name: str | None, min_runs: int
) -> None:
    """Summarise the local usage log: runs, outcomes, times and answers per template.

    The log is written by `databricks-agent init` on this machine only; nothing is ever sent anywhere.
    Set DATABRICKS_AGENT_NO_USAGE=1 (or DO_NOT_TRACK=1) to stop recording.
    """
    from databricks_ai_agents.usage import read_usage, summarise, usage_log_path, usage_opt_out

    opted_out_by = usage_opt_out()
    path = log_path or usage_log_path()
    payload: dict[str, object] = {
        "log": None if path is None else str(path),
        "tracking": opted_out_by is None,
        "opted_out_by": opted_out_by,
    }
    if path is None:
        message = (
            f"Usage tracking is off ({opted_out_by} is set): `databricks-agent init` records nothing. "
            f"Unset {opted_out_by} to record usage, or pass --log FILE to read an existing log."
        )
        obj.output.data({**payload, "templates": [], "message": message}, message)
        return
    log = read_usage(path)
    records = [r for r in log.records if template_name is None or r.template == template_name]
    payload |= {"records": len(records), "skipped": log.skipped}
    if not records:
        message = _no_usage_message(path, template_name, opted_out_by)
        obj.output.data({**payload, "templates": [], "message": message}, message)
        return
    summaries = summarise(records)
    payload["templates"] = [s.model_dump(mode="json") for s in summaries]
    text = [_stats_text(path, summaries, skipped=log.skipped, opted_out_by=opted_out_by)]
    if suggest:
        suggestions, locations = _suggestions(records, [s.template for s in summaries], min_runs=min_runs)
        payload["suggestions"] = [s.model_dump(mode="json") for s in suggestions]
        text.append(_suggestions_text(suggestions, locations, min_runs=min_runs))
    obj.output.data(payload, "\n\n".join(text))


def _no_usage_message(path: Path, template_name: str | None, opted_out_by: str | None) -> str:
    if opted_out_by is not None:
        return f"No usage recorded in {path}, and tracking is off ({opted_out_by} is set)."
    if template_name is not None:
        return f"No usage of template {template_name!r} recorded yet in {path}."
    return (
        f"No usage recorded yet in {path}. `databricks-agent init` records each run there "
        "(local only, never sent anywhere; DATABRICKS_AGENT_NO_USAGE=1 turns it off)."
    )


def _stats_text(path: Path, summaries: Sequence[TemplateUsage], *, skipped: int, opted_out_by: str | None) -> str:
    runs = sum(s.runs for s in summaries)
    header = f"Usage log {path}: {runs} run(s)" + (f", {skipped} unreadable line(s) skipped" if skipped else "")
    if opted_out_by is not None:
        header += f" (tracking is off: {opted_out_by} is set)"
    rows = [
        [
            s.template,
            s.runs,
            s.created,
            s.dry_runs,
            s.failed,
            "-" if s.median_duration_s is None else f"{s.median_duration_s:.1f}s",
        ]
        for s in summaries
    ]
    parts = [header, table(["template", "runs", "created", "dry runs", "failed", "median time (created)"], rows)]
    for s in summaries:
        if s.answers:
            answers = [[option, _top_values(counts)] for option, counts in s.answers.items()]
            parts += ["", f"Answers in created {s.template} projects:", table(["option", "values"], answers)]
    return "\n".join(parts)


def _top_values(counts: Mapping[str, int], shown: int = 3) -> str:
    # Free-text answers (project names) are mostly distinct: the first few say enough.
    top = ", ".join(f"{value} {count}" for value, count in list(counts.items())[:shown])
    return top + (f" (+{len(counts) - shown} more)" if len(counts) > shown else "")


def _suggestions(
    records: Sequence[UsageRecord], names: Sequence[str], *, min_runs: int
) -> tuple[list[Suggestion], dict[str, Path]]:
    from databricks_ai_agents.usage import suggest
    from databricks_project_templates import TemplateNotFoundError, get_template

    defaults: dict[str, dict[str, str]] = {}
    choices: dict[tuple[str, str], tuple[str, ...]] = {}
    locations: dict[str, Path] = {}
    for name in names:
        try:
            template = get_template(name)
        except TemplateNotFoundError:
            continue  # recorded with a template no longer installed: there is no default left to change
        locations[name] = template.path
        options = [o for o in template.options if o.choices or not o.derived]
        defaults[name] = {o.name: o.default for o in options}
        choices |= {(name, o.name): o.choices for o in options}
    found = suggest(records, defaults, min_runs=min_runs, min_share=_MIN_SHARE)
    # A value an older template version allowed but this one does not cannot become its default.
    allowed = [s for s in found if not choices[s.template, s.option] or s.proposed in choices[s.template, s.option]]
    return allowed, locations


def _suggestions_text(suggestions: Sequence[Suggestion], locations: Mapping[str, Path], *, min_runs: int) -> str:
    if not suggestions:
        return (
            f"No default changes suggested: no option has {min_runs}+ created projects "
            f"with one other value chosen in {_MIN_SHARE:.0%} or more of them."
        )
    rows = [[s.template, s.option, s.current_default, s.proposed, s.reason] for s in suggestions]
    files = ", ".join(str(locations[name] / "cookiecutter.json") for name in sorted({s.template for s in suggestions}))
    return "\n".join(
        [
            "Suggested default changes:",
            table(["template", "option", "default", "proposed", "why"], rows),
            f"To apply one, edit {files} (for a choice, list the new default first).",
        ]
    )
