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
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from databricks_ai_agents.core.contract import WORKSPACE_PATH_KEY, Agent, AgentContext, WorkspaceSource
from databricks_ai_agents.core.engine import StructuredLlm, Tool
from databricks_ai_agents.errors import AgentError
from databricks_utils.profiling import DatasetProfile, Finding, RuleProposal
from databricks_utils.quality import Provenance, Rule, RuleSet

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

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
    semantics: dict[str, str] = Field(default_factory=dict, description="Column meanings (LLM engine only).")
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
        semantics: dict[str, str] = {}
        if context.engine == "llm" and context.llm is not None:
            with reading(source):
                proposal, semantics = refine_with_llm(
                    profile, proposal, sample.frame, context.llm, source=source.describe()
                )
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
            source=source.describe(),
            profile=profile,
            proposal=proposal,
            semantics=semantics,
            files=files,
            engine=context.engine,
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


REFINE_TOOL: Final = Tool(
    name="propose_semantics_and_rules",
    description="Business meaning per column, and extra quality rules in the rule format.",
    input_schema={
        "type": "object",
        "properties": {
            "semantics": {"type": "object", "additionalProperties": {"type": "string"}},
            "rules": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["semantics", "rules"],
    },
)
LLM_PROVENANCE: Final = Provenance(
    source="llm", evidence="proposed by Claude from the profile; holds on the profiled rows", confidence=0.5
)


def refine_with_llm(
    profile: DatasetProfile, proposal: RuleProposal, frame: DataFrame, llm: StructuredLlm, *, source: str
) -> tuple[RuleProposal, dict[str, str]]:
    """Ask Claude for column meanings and extra rules, and keep only the rules that pass every check.

    A rule is kept when it validates against the rule model, names profiled columns, does not repeat a check
    the profiler proposed on that column, and holds on the profiled rows (even a ``warn`` rule). Kept rules
    carry ``provenance.source: llm``; each dropped one becomes a finding saying why.

    Returns:
        The refined proposal, and the column meanings Claude gave (profiled columns only).
    """
    from databricks_ai_agents.core.prompts import load_prompt
    from databricks_utils.quality import dump_rules

    prompt = load_prompt("profile", "refine").render(
        source=source,
        columns_table=_columns_table(profile),
        rules_yaml=dump_rules(proposal.rules),
        findings="\n".join(f"- {f.column or '(dataset)'}: {f.message}" for f in proposal.findings) or "(none)",
    )
    reply = llm.structured(prompt, tool=REFINE_TOOL, agent="profile")
    columns = {c.name for c in profile.columns}
    raw_semantics, raw_rules = reply.get("semantics"), reply.get("rules")
    semantics = {
        str(k): str(v) for k, v in (raw_semantics if isinstance(raw_semantics, dict) else {}).items() if k in columns
    }
    kept, findings = [], []
    existing = list(proposal.rules.rules)
    for candidate in raw_rules if isinstance(raw_rules, list) else []:
        rule, problem = _checked_llm_rule(candidate, existing, columns, frame)
        if rule is not None:
            kept.append(rule)
            existing.append(rule)
        else:
            name = candidate.get("name", "?") if isinstance(candidate, dict) else "?"
            findings.append(Finding(kind="other", message=f"Claude's rule {name!r} was dropped: {problem}"))
    refined = RuleProposal(
        rules=proposal.rules.model_copy(update={"rules": existing}), findings=(*proposal.findings, *findings)
    )
    return refined, semantics


def _checked_llm_rule(
    candidate: object, existing: list[Rule], columns: set[str], frame: DataFrame
) -> tuple[Rule | None, str]:
    """The rule with LLM provenance, or None and why it was dropped."""
    try:
        rule = Rule.model_validate({**(candidate if isinstance(candidate, dict) else {}), "provenance": LLM_PROVENANCE})
    except ValueError as err:
        return None, f"not a valid rule ({str(err).splitlines()[0]})"
    used = {rule.column} if rule.column else set(rule.columns or [])
    if not used <= columns:
        return None, "it names a column the data does not have"
    if any(r.name == rule.name for r in existing):
        return None, "a rule with that name already exists"
    if any(r.column == rule.column and r.check == rule.check for r in existing):
        return None, "the profiler already proposed that check on that column"
    failures = _failures(rule, frame)
    return (None, failures) if failures else (rule, "")


def _failures(rule: Rule, frame: DataFrame) -> str:
    """Why ``rule`` does not hold on the profiled rows ('' when it does); a warn rule is checked as an error."""
    from databricks_utils.errors import RuleError
    from databricks_utils.quality import apply_rules

    try:
        strict = RuleSet(rules=[rule.model_copy(update={"criticality": "error"})])
        failing = apply_rules(frame, strict).quarantine.count()
    except RuleError as err:
        return f"it does not fit the data ({str(err).splitlines()[0]})"
    return f"it fails on {failing} of the profiled rows" if failing else ""


def _columns_table(profile: DatasetProfile) -> str:
    return "\n".join(
        f"{c.name} | {c.spark_type} | {c.semantic_class.value} | {c.nulls} | {c.approx_distinct} | {c.min} | "
        f"{c.max} | {c.inferred_type or ''}"
        for c in profile.columns
    )
