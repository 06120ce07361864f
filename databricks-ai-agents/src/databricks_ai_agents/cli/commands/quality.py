"""``databricks-agent quality PATH...``: review PySpark and Databricks code, notebooks included.

Exit status: 0 when no finding reaches ``--fail-on`` (default: the config's, else ``error``), 1 when one
does, 2 for usage errors. ``--format sarif`` writes SARIF 2.1.0 for GitHub code scanning and IDEs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from databricks_ai_agents.cli.context import CliContext

if TYPE_CHECKING:
    from databricks_ai_agents.agents.quality_agent import QualityResult
    from databricks_ai_agents.lint.model import LintReport

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default=None,
    help="text (default; rich in a terminal), json, or sarif (SARIF 2.1.0). Global --json means json.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "never"]),
    default=None,
    help="Exit 1 when a finding is at least this severe.  [default: the config's, else error]",
)
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules: DBA101,DBA2,performance,ALL.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Leave these rules out (same forms as --select).")
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The pyproject.toml to read [tool.databricks-agent.quality] from.  [default: the nearest one]",
)
@click.option(
    "--with-ruff", is_flag=True, help="Also run ruff (with the project's ruff config) and merge its findings."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    help="Worker processes.  [default: one per CPU, up to 8, when there are 64 files or more]",
)
@click.option("--list-rules", is_flag=True, help="List the rules (ID, severity, name, summary) and exit.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "rules", "llm"]),
    default=None,
    help="rules (default): offline; llm: Claude also explains findings and proposes checked patches.",
)
@click.pass_obj
def quality(
    obj: CliContext,
    *,
    paths: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config: Path | None,
    with_ruff: bool,
    jobs: int | None,
    list_rules: bool,
    engine: str | None,
) -> None:
    """Review PATHS (files, folders, notebooks), e.g. `databricks-agent quality src --format sarif -o q.sarif`."""
    if list_rules:
        _list_rules(obj)
        return
    if not paths:
        raise click.UsageError("give at least one file or folder to review, e.g. `databricks-agent quality src`")
    from pydantic import ValidationError

    from databricks_ai_agents.agents.quality_agent import QualityRequest
    from databricks_ai_agents.agents.quality_agent import QualityResult as Result
    from databricks_ai_agents.core.definitions import Engine
    from databricks_ai_agents.core.registry import load_agent
    from databricks_ai_agents.core.runner import run_agent

    try:
        request = QualityRequest(
            paths=[str(path.resolve()) for path in paths],
            select=_codes(select),
            ignore=_codes(ignore),
            fail_on=cast("None", fail_on),
            config=None if config is None else str(config.resolve()),
            with_ruff=with_ruff,
            jobs=jobs,
        )
    except ValidationError as err:
        raise click.UsageError("; ".join(e["msg"] for e in err.errors())) from err
    with obj.output.status(f"Reviewing {', '.join(map(str, paths))}"):
        result = run_agent(
            load_agent("quality"),
            request,
            workdir=obj.project_dir,
            engine=None if engine is None else cast("Engine", engine),
        )
    if not isinstance(result, Result):  # pragma: no cover - run_agent checks the result model
        raise TypeError("the quality agent returned no QualityResult")
    chosen = "json" if obj.output.as_json and fmt is None else (fmt or "text")
    _emit(result, chosen, output, obj)
    if result.failed:
        sys.exit(1)


def _emit(result: QualityResult, fmt: str, output: Path | None, obj: CliContext) -> None:
    if fmt == "text" and output is None:
        _print_text(result.report, obj, fail_on=result.fail_on)
        return
    if fmt == "text":
        body = render_text(result.report)
    elif fmt == "json":
        body = json.dumps(result.model_dump(mode="json"), indent=2)
    else:
        from importlib.metadata import version

        from databricks_ai_agents.lint.rules import all_rules
        from databricks_ai_agents.lint.sarif import to_sarif

        body = json.dumps(to_sarif(result.report, all_rules(), version=version("databricks-ai-agents")), indent=2)
    if output is None:
        click.echo(body)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(body + "\n", encoding="utf-8")
    counts = result.report.counts
    click.echo(
        f"Wrote {output} ({fmt}): {counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos; "
        f"score {result.report.score:g}/100",
        err=True,
    )


def render_text(report: LintReport) -> str:
    """The report as plain text, grouped by file (what pipes, logs and ``--output`` get)."""
    lines: list[str] = []
    for file in report.files:
        if not file.findings:
            continue
        lines.append(f"{file.path}  (score {file.score:g})")
        for f in file.findings:
            where = f"{f.line}:{f.column}" + (f" [cell {f.cell}]" if f.cell else "")
            lines.append(f"  {where:<12} {f.severity.value:<7} {f.rule} {f.name}: {f.message}")
            lines.append(f"  {'':<12} fix: {f.fix}")
            if f.explanation:
                lines.append(f"  {'':<12} why: {f.explanation}")
        lines.append("")
    lines.append(_summary(report))
    lines.extend(f"skipped {s.path}: {s.reason}" for s in report.skipped)
    return "\n".join(lines)


def _summary(report: LintReport) -> str:
    counts = report.counts
    lines = sum(file.lines for file in report.files)
    return (
        f"{len(report.files)} files, {lines} lines, {report.rules_run} rules: {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} infos; score {report.score:g}/100"
    )


def _print_text(report: LintReport, obj: CliContext, *, fail_on: str) -> None:
    if not obj.output.rich:
        click.echo(render_text(report))
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    for file in report.files:
        if not file.findings:
            continue
        console.print(f"[bold]{escape(file.path)}[/]  [dim](score {file.score:g})[/]")
        for f in file.findings:
            where = f"{f.line}:{f.column}" + (f" [cell {f.cell}]" if f.cell else "")
            style = _SEVERITY_STYLE[f.severity.value]
            console.print(
                f"  [dim]{escape(where):<12}[/] [{style}]{f.severity.value:<7}[/] [bold]{f.rule}[/] "
                f"{escape(f.name)}: {escape(f.message)}"
            )
            console.print(f"  {'':<12} [green]fix:[/] {escape(f.fix)}")
        console.print()
    console.print(escape(_summary(report)) + f"  [dim](fail on {fail_on})[/]")
    for skipped in report.skipped:
        console.print(f"[dim]skipped {escape(skipped.path)}: {escape(skipped.reason)}[/]")


def _list_rules(obj: CliContext) -> None:
    from databricks_ai_agents.lint.rules import all_rules

    rules = all_rules()
    if obj.output.as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.spec.id,
                        "name": r.spec.name,
                        "severity": r.spec.severity.value,
                        "category": r.spec.category.value,
                        "summary": r.spec.summary,
                    }
                    for r in rules
                ],
                indent=2,
            )
        )
        return
    obj.output.table(
        ["id", "severity", "category", "name", "summary"],
        [[r.spec.id, r.spec.severity.value, r.spec.category.value, r.spec.name, r.spec.summary] for r in rules],
    )
