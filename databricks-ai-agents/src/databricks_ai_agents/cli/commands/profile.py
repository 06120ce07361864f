"""``databricks-agent profile SOURCE``: profile a dataset, propose quality rules, write the reports.

SOURCE is a file, folder or glob (csv, json, parquet, delta) or a table name. The whole data is profiled
unless ``--sample-rows`` / ``--sample-fraction`` draw a seeded random sample.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from databricks_ai_agents.cli.context import CliContext
from databricks_ai_agents.cli.params import key_values

if TYPE_CHECKING:
    from databricks_ai_agents.agents.profile_agent import ProfileResult
    from databricks_utils.profiling import ColumnProfile


@click.command()
@click.argument("source")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "parquet", "delta"]), help="When the names do not tell."
)
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="A reader option, e.g. nullValue=NA.")
@click.option("--sample-rows", type=click.IntRange(min=1), help="Profile a seeded random sample of N rows.")
@click.option("--sample-fraction", type=click.FloatRange(0, 1, min_open=True), help="Or a seeded random fraction.")
@click.option("--seed", type=int, default=42, show_default=True, help="The sample's seed (same seed, same rows).")
@click.option("--top-k", type=click.IntRange(1, 100), default=10, show_default=True, help="Top values kept per column.")
@click.option("--table", help="The table name used in the Monte Carlo monitors (default: the source's name).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write profile.json/.md/.html, rules.yml, dqx_checks.yml and monte_carlo.yml here.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "rules", "llm"]),
    default=None,
    help="rules: offline; llm: also ask Claude (needs ANTHROPIC_API_KEY); auto: llm when a key is set.",
)
@click.pass_obj
def profile(
    obj: CliContext,
    *,
    source: str,
    fmt: str | None,
    options: tuple[str, ...],
    sample_rows: int | None,
    sample_fraction: float | None,
    seed: int,
    top_k: int,
    table: str | None,
    out_dir: Path | None,
    engine: str | None,
) -> None:
    """Profile SOURCE and propose quality rules, e.g. `databricks-agent profile data/orders.csv --out build/profile`."""
    from typing import cast

    from pydantic import ValidationError

    from databricks_ai_agents.agents.profile_agent import ProfileRequest
    from databricks_ai_agents.agents.profile_agent import ProfileResult as Result
    from databricks_ai_agents.core.definitions import Engine
    from databricks_ai_agents.core.registry import load_agent
    from databricks_ai_agents.core.runner import run_agent

    if sample_rows is not None and sample_fraction is not None:
        raise click.UsageError("give --sample-rows or --sample-fraction, not both")
    fields = {
        "source": source,
        "format": fmt,
        "options": key_values(options, option="--option", example="nullValue=NA"),
        "sample_rows": sample_rows,
        "sample_fraction": sample_fraction,
        "seed": seed,
        "top_k": top_k,
        "table": table,
        "out_dir": None if out_dir is None else str(out_dir.resolve()),
    }
    try:
        request = ProfileRequest.model_validate(fields)
    except ValidationError as err:
        problems = "; ".join(f"--{'.'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}" for e in err.errors())
        raise click.UsageError(problems) from err
    with obj.output.status(f"Profiling {source}"):
        result = run_agent(
            load_agent("profile"),
            request,
            workdir=obj.project_dir,
            engine=None if engine is None else cast("Engine", engine),
        )
    if not isinstance(result, Result):  # pragma: no cover - run_agent checks the result model
        raise TypeError("the profile agent returned no ProfileResult")
    if obj.output.as_json:
        obj.output.data(result.model_dump(mode="json"), "")
        return
    _summary(result, obj)


def _summary(result: ProfileResult, obj: CliContext) -> None:
    profile = result.profile
    click.echo(
        f"{result.source}: {profile.row_count} rows, {len(profile.columns)} columns, {profile.jobs_used} Spark jobs"
    )
    click.echo(f"Profiled: {profile.sample}")
    rows = [
        [
            c.name,
            c.spark_type,
            c.semantic_class.value,
            f"{c.null_share:.1%}",
            "" if c.approx_distinct is None else c.approx_distinct,
            _note(c),
        ]
        for c in profile.columns
    ]
    obj.output.table(["column", "type", "class", "nulls", "distinct", "notes"], rows)
    rules, findings = result.proposal.rules.rules, result.proposal.findings
    click.echo(f"\n{len(rules)} rules proposed, {len(findings)} findings")
    for finding in findings:
        click.echo(f"  [{finding.severity}] {finding.column or '(dataset)'}: {finding.message}")
    if result.files:
        click.echo(f"\nWrote {len(result.files)} files into {Path(result.files[0]).parent}")


def _note(column: ColumnProfile) -> str:
    notes = []
    if column.inferred_type and column.inferred_type != "string":
        notes.append(f"looks like {column.inferred_type} ({column.inferred_type_share or 0:.0%})")
    if column.sentinel_tokens:
        notes.append(f"nulls written as {', '.join(column.sentinel_tokens)}")
    if column.outliers:
        notes.append(f"{column.outliers} outliers")
    return "; ".join(notes)
