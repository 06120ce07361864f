"""The profiling agent: profile a dataset in at most 3 Spark jobs, propose rules with evidence, write reports.

The deterministic engine does the whole job offline (databricks-utils' profiler and rule proposer). Outputs in
``out_dir``: ``profile.json`` (schema in ``specs/.../contracts/profile.schema.json``), ``profile.md``,
``profile.html`` (self-contained, inline SVG charts), ``rules.yml`` (our rule format), ``dqx_checks.yml`` (DQX)
and ``monte_carlo.yml`` (monitors as code).

Example:
    >>> result = run_agent(load_registry().get("profile"), ProfileRequest(source="data/orders.csv"),
    ...                    workdir=Path("."))  # doctest: +SKIP
    >>> result.profile.row_count  # doctest: +SKIP
    42
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from databricks_ai_agents.core.contract import WORKSPACE_PATH_KEY, Agent, AgentContext, WorkspaceSource
from databricks_ai_agents.errors import AgentError
from databricks_utils.profiling import DatasetProfile
from databricks_utils.profiling.findings import RuleProposal

OUTPUT_FILES: Final = ("profile.json", "profile.md", "profile.html", "rules.yml", "dqx_checks.yml", "monte_carlo.yml")


class ProfileRequest(BaseModel):
    """What to profile, how much of it, and where the reports go."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: WorkspaceSource = Field(
        min_length=1, description="A file, folder or glob (csv, json, parquet, delta), or a table name."
    )
    format: Literal["csv", "json", "parquet", "delta"] | None = Field(
        default=None, description="The file format when the file names do not tell it."
    )
    options: dict[str, str] = Field(default_factory=dict, description="Reader options, e.g. {'nullValue': 'NA'}.")
    sample_rows: int | None = Field(default=None, ge=1, description="Profile a seeded random sample of N rows.")
    sample_fraction: float | None = Field(default=None, gt=0, le=1, description="Or a seeded random fraction.")
    seed: int = Field(default=42, description="The sample's random seed (same seed, same rows).")
    top_k: int = Field(default=10, ge=1, le=100, description="Most frequent values kept per categorical column.")
    table: str | None = Field(
        default=None,
        pattern=r"^[^.\s]+\.[^.\s]+\.[^.\s]+$",
        description="catalog.schema.table the monitors watch (default: the table profiled, else main.default.<file>).",
    )
    out_dir: str | None = Field(
        default=None,
        description="Folder for profile.json/.md/.html, rules.yml, dqx_checks.yml, monte_carlo.yml.",
        json_schema_extra={WORKSPACE_PATH_KEY: True},
    )


class ProfileResult(BaseModel):
    """The profile, the proposed rules and findings, and the files written."""

    model_config = ConfigDict(frozen=True)

    source: str
    profile: DatasetProfile
    proposal: RuleProposal
    files: list[str] = Field(default_factory=list, description="Files written into out_dir.")
    engine: str


class ProfileAgent(Agent[ProfileRequest, ProfileResult]):
    """Profile, propose, report. Its rules engine is databricks-utils' profiler and rule proposer."""

    request_model = ProfileRequest
    result_model = ProfileResult

    def run(self, request: ProfileRequest, context: AgentContext) -> ProfileResult:
        """Profile ``request.source`` and write the reports into ``request.out_dir`` when given."""
        from databricks_utils.profiling import profile_dataframe
        from databricks_utils.profiling.rules import propose_rules
        from databricks_utils.profiling.source import read_source, reading, resolve_source, sample_frame
        from databricks_utils.spark import get_spark

        if request.sample_rows is not None and request.sample_fraction is not None:
            raise AgentError("sample_rows and sample_fraction: give one, not both. Fix: drop one of them")
        source = resolve_source(request.source, base_dir=context.workdir, format=request.format)
        frame = read_source(get_spark(), source, options=request.options)
        with reading(source):  # Spark reads lazily: a bad row or file fails here, with the same clear error
            sample = sample_frame(frame, rows=request.sample_rows, fraction=request.sample_fraction, seed=request.seed)
            described = f"{sample.description} of {source.describe()}"
            profile = profile_dataframe(sample.frame, top_k=request.top_k, sample=described)
        proposal = propose_rules(profile, dataset=source.location)
        context.logger.info(
            "profile: %d rows, %d columns, %d rules, %d findings",
            profile.row_count,
            len(profile.columns),
            len(proposal.rules.rules),
            len(proposal.findings),
        )
        files: list[str] = []
        if request.out_dir is not None:
            table = request.table or _monitored_table(source.location, source.kind)
            files = write_outputs((context.workdir / request.out_dir).resolve(), profile, proposal, table=table)
        return ProfileResult(
            source=source.describe(), profile=profile, proposal=proposal, files=files, engine=context.engine
        )


def _monitored_table(location: str, kind: str) -> str:
    """The table the monitors watch: the profiled table when fully named, else ``main.default.<name>``."""
    from databricks_utils.profiling.rules import slugify

    if kind == "table" and location.count(".") == 2:  # noqa: PLR2004 - catalog.schema.table
        return location
    name = location.rsplit(".", 1)[-1] if kind == "table" else Path(location.rstrip("/")).stem
    return f"main.default.{slugify(name) or 'dataset'}"


def write_outputs(folder: Path, profile: DatasetProfile, proposal: RuleProposal, *, table: str) -> list[str]:
    """Write every report and rule file into ``folder`` (created); return their paths."""
    from databricks_ai_agents.reports import profile_html, profile_markdown
    from databricks_utils.profiling.monte_carlo import monte_carlo_monitors
    from databricks_utils.quality import dump_dqx, dump_rules

    title = f"Profile of {table}"
    texts = {
        "profile.json": profile.model_dump_json(indent=2) + "\n",
        "profile.md": profile_markdown(profile, proposal, title=title),
        "profile.html": profile_html(profile, proposal, title=title),
        "rules.yml": dump_rules(proposal.rules),
        "dqx_checks.yml": dump_dqx(proposal.rules),
        "monte_carlo.yml": monte_carlo_monitors(profile, table=table),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in OUTPUT_FILES]
