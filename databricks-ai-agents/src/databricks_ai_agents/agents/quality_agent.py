"""The quality agent: review PySpark and Databricks code (files, folders, notebooks) with the DBA rules.

The deterministic engine is :mod:`databricks_ai_agents.lint`: it does the whole review offline. With the
LLM engine, Claude also explains the worst findings and proposes a patch for each; a patch is kept only
when it applies to the file, the patched file parses, and it has fewer findings of that rule.

Example:
    >>> result = run_agent(load_registry().get("quality"), QualityRequest(paths=["src"]),
    ...                    workdir=Path("."))  # doctest: +SKIP
    >>> result.report.score, result.failed  # doctest: +SKIP
    (98.5, False)
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from databricks_ai_agents.core.contract import WORKSPACE_PATH_KEY, Agent, AgentContext, WorkspacePaths
from databricks_ai_agents.core.engine import StructuredLlm, Tool
from databricks_ai_agents.lint.config import QualityConfig, check_codes, find_pyproject, load_config
from databricks_ai_agents.lint.model import Finding, LintReport, Severity

MAX_EXPLAINED: Final = 20
CONTEXT_LINES: Final = 30
EXPLAIN_TOOL: Final = Tool(
    name="explain_finding",
    description="Explain one code-review finding and propose a minimal unified diff that fixes it.",
    input_schema={
        "type": "object",
        "properties": {
            "explanation": {"type": "string", "description": "Why this is a problem here, in 1-3 sentences."},
            "patch": {
                "type": "string",
                "description": "A unified diff (--- a/FILE, +++ b/FILE, @@ hunks) against the file as shown, or ''.",
            },
        },
        "required": ["explanation", "patch"],
    },
)


class QualityRequest(BaseModel):
    """What to review and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paths: WorkspacePaths = Field(description="Python files, notebooks (.py source or .ipynb) or folders.")
    select: list[str] = Field(
        default_factory=list, description="Only these rules: IDs (DBA101), prefixes (DBA1), categories or ALL."
    )
    ignore: list[str] = Field(default_factory=list, description="Leave these rules out (IDs, prefixes, categories).")
    fail_on: Literal["error", "warning", "never"] | None = Field(
        default=None, description="Fail when a finding is at least this severe (default: the config's, else error)."
    )
    config: str | None = Field(
        default=None,
        description="The pyproject.toml with [tool.databricks-agent.quality] (default: the nearest one).",
        json_schema_extra={WORKSPACE_PATH_KEY: True},
    )
    with_ruff: bool = Field(default=False, description="Also run ruff's checks and merge its findings.")
    jobs: int | None = Field(
        default=None, ge=1, le=64, description="Worker processes (default: one per CPU, up to 8, from 64 files)."
    )


class QualityResult(BaseModel):
    """The review, and whether it fails at the chosen level."""

    model_config = ConfigDict(frozen=True)

    report: LintReport
    fail_on: Literal["error", "warning", "never"]
    failed: bool = Field(description="True when a finding is at least as severe as fail_on.")
    config: str | None = Field(description="The pyproject.toml the configuration came from, if any.")
    engine: str


class QualityAgent(Agent[QualityRequest, QualityResult]):
    """Review code with the lint engine; explain and patch findings with the LLM engine."""

    request_model = QualityRequest
    result_model = QualityResult

    def run(self, request: QualityRequest, context: AgentContext) -> QualityResult:
        """Review ``request.paths`` (relative to the workdir)."""
        from databricks_ai_agents.lint.engine import display_path, review
        from databricks_ai_agents.lint.rules import all_rules

        paths = [_within(context.workdir, path) for path in request.paths]
        config = resolve_config(request, paths, workdir=context.workdir)
        extra: list[Finding] = []
        if request.with_ruff:
            from databricks_ai_agents.lint.ruff import run_ruff

            extra = run_ruff(paths, display=display_path)
        report = review(paths, config=config, rules=all_rules(), extra_findings=extra, jobs=request.jobs)
        if context.engine == "llm" and context.llm is not None:
            report = explain_findings(report, context.llm)
        return QualityResult(
            report=report,
            fail_on=config.fail_on,
            failed=fails(report, config.fail_on),
            config=config.source,
            engine=context.engine,
        )


def resolve_config(request: QualityRequest, paths: list[Path], *, workdir: Path) -> QualityConfig:
    """The pyproject configuration (given, or the nearest above the first path) with the request's choices on top."""
    from databricks_ai_agents.lint.rules import all_rules

    known = {rule.id for rule in all_rules()}
    if request.config is not None:
        pyproject: Path | None = _within(workdir, request.config)
        if not pyproject.is_file():  # type: ignore[union-attr]
            from databricks_ai_agents.lint.config import QualityConfigError

            raise QualityConfigError(f"--config {request.config}: no such file; give a pyproject.toml")
    else:
        pyproject = find_pyproject(paths[0])
    config = load_config(pyproject, known_rules=known)
    check_codes([*request.select, *request.ignore], known_rules=known, where="--select/--ignore")
    return config.merged(select=request.select or None, ignore=request.ignore or None, fail_on=request.fail_on)


def fails(report: LintReport, fail_on: str) -> bool:
    """True when a finding is at least as severe as ``fail_on`` (never: always False)."""
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(finding.severity.rank >= threshold for finding in report.findings)


def explain_findings(report: LintReport, llm: StructuredLlm) -> LintReport:
    """The report with Claude's explanation and a checked patch on up to MAX_EXPLAINED findings, worst first."""
    from databricks_ai_agents.core.prompts import load_prompt

    ranked = sorted(
        (f for f in report.findings if f.source == "databricks-agent" and f.cell is None),
        key=lambda f: (-f.severity.rank, f.path, f.line),
    )[:MAX_EXPLAINED]
    chosen = {id(f) for f in ranked}
    files = []
    for file_report in report.files:
        if not any(id(f) in chosen for f in file_report.findings):
            files.append(file_report)
            continue
        text = Path(file_report.path).read_text(encoding="utf-8")
        findings = []
        for finding in file_report.findings:
            if id(finding) in chosen:
                prompt = load_prompt("quality", "explain").render(
                    path=finding.path,
                    rule=f"{finding.rule} {finding.name}",
                    message=finding.message,
                    fix=finding.fix,
                    line=str(finding.line),
                    excerpt=_excerpt(text, finding.line),
                )
                reply = llm.structured(prompt, tool=EXPLAIN_TOOL, agent="quality")
                explained = finding.model_copy(
                    update={
                        "explanation": str(reply.get("explanation") or "").strip() or None,
                        "patch": checked_patch(text, str(reply.get("patch") or ""), finding),
                    }
                )
                findings.append(explained)
            else:
                findings.append(finding)
        files.append(file_report.model_copy(update={"findings": findings}))
    return report.model_copy(update={"files": files})


def checked_patch(text: str, patch: str, finding: Finding) -> str | None:
    """``patch`` when it applies to ``text``, the result parses and has fewer findings of the rule; else None."""
    from databricks_ai_agents.lint.engine import review_text
    from databricks_ai_agents.lint.patches import PatchError, apply_patch

    if not patch.strip():
        return None
    try:
        patched = apply_patch(text, patch)
        ast.parse(patched)
    except (PatchError, SyntaxError, ValueError):
        return None
    remaining = [f for f in review_text(patched, path=finding.path) if f.rule == finding.rule]
    if len(remaining) >= len([f for f in review_text(text, path=finding.path) if f.rule == finding.rule]):
        return None
    return patch


def _excerpt(text: str, line: int) -> str:
    lines = text.splitlines()
    start = max(line - 1 - CONTEXT_LINES, 0)
    end = min(line + CONTEXT_LINES, len(lines))
    return "\n".join(f"{number:>5}  {lines[number - 1]}" for number in range(start + 1, end + 1))


def _within(workdir: Path, path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else workdir / candidate
