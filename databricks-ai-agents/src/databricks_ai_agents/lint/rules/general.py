"""Rules about the file itself rather than its Spark code."""

from __future__ import annotations

from databricks_ai_agents.lint.model import Category, RuleSpec, Severity
from databricks_ai_agents.lint.rule import Rule

SYNTAX_ERROR = RuleSpec(
    id="DBA001",
    name="syntax-error",
    severity=Severity.ERROR,
    category=Category.GENERAL,
    summary="The file does not parse as Python",
    rationale=(
        "A file that does not parse cannot be imported, run or reviewed; every other rule is silent on it. "
        "It is reported as a finding, at the line Python names, so one broken file does not stop the review "
        "of the others."
    ),
    fix="Fix the syntax at the reported line (run `python -m py_compile FILE` to see Python's message).",
    flagged="def transform(df)\n    return df",
    clean="def transform(df):\n    return df",
)

# The engine reports syntax errors itself (no check runs on a file that does not parse).
RULES: tuple[Rule, ...] = (Rule(spec=SYNTAX_ERROR),)
