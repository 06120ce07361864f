"""What the code reviewer reports: rule descriptions, findings, and per-file and overall reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How bad a finding is; ``--fail-on`` compares against it."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for info: higher is worse."""
        return {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}[self]


class Category(StrEnum):
    """The rule families; a rule's ID hundreds digit says which (DBA1xx performance, ...)."""

    GENERAL = "general"
    PERFORMANCE = "performance"
    CORRECTNESS = "correctness"
    DATABRICKS = "databricks"
    CONVENTIONS = "conventions"
    TESTABILITY = "testability"


@dataclass(frozen=True)
class RuleSpec:
    """One rule's documentation: what the rule reference, SARIF and ``--explain`` show.

    Example:
        >>> RuleSpec("DBA102", "count-for-emptiness", Severity.WARNING, Category.PERFORMANCE,
        ...     summary="count() used to test emptiness", rationale="...", fix="Use df.isEmpty().",
        ...     flagged="if df.count() == 0: ...", clean="if df.isEmpty(): ...").id
        'DBA102'
    """

    id: str
    name: str
    severity: Severity
    category: Category
    summary: str
    rationale: str
    fix: str
    flagged: str
    clean: str
    example_path: str = "src/project/transforms.py"  # where the examples live (test rules need tests/...)


class Finding(BaseModel):
    """One problem at one place. Lines and columns are 1-based, as editors and SARIF count them.

    For a notebook, ``cell`` is the 1-based cell and ``line`` counts within the file for Databricks
    source notebooks (they are Python files) and within the cell for ``.ipynb`` notebooks.
    """

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="The rule ID, e.g. DBA102.")
    name: str = Field(description="The rule's name, e.g. count-for-emptiness.")
    severity: Severity
    category: Category
    path: str = Field(description="The file, relative to the current directory when it is below it.")
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1)
    cell: int | None = Field(default=None, ge=1, description="The notebook cell, for notebooks.")
    message: str
    fix: str = Field(description="How to fix it.")
    source: str = Field(default="databricks-agent", description="databricks-agent, or ruff with --with-ruff.")
    explanation: str | None = Field(default=None, description="The LLM engine's explanation, when asked.")
    patch: str | None = Field(default=None, description="A unified diff that fixes it (LLM engine; checked).")


class FileReport(BaseModel):
    """One file's findings and score."""

    path: str
    kind: str = Field(description="python, databricks-notebook or ipynb.")
    lines: int
    statements: int
    score: float = Field(ge=0, le=100, description="100 is clean; see databricks_ai_agents.lint.score.")
    findings: list[Finding]


class SkippedFile(BaseModel):
    """A file not reviewed (binary, not Python, unreadable) and why."""

    path: str
    reason: str


class LintReport(BaseModel):
    """The whole review: files, findings, scores, and what was skipped."""

    files: list[FileReport]
    skipped: list[SkippedFile]
    score: float = Field(ge=0, le=100, description="Statement-weighted mean of the file scores.")
    counts: dict[str, int] = Field(description="Findings per severity.")
    rules_run: int

    @property
    def findings(self) -> list[Finding]:
        """Every finding, file by file."""
        return [finding for report in self.files for finding in report.findings]

    def worst(self) -> Severity | None:
        """The worst severity found, or None when clean."""
        severities = [finding.severity for finding in self.findings]
        return max(severities, key=lambda s: s.rank) if severities else None
