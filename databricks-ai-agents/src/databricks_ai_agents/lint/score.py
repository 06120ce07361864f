"""A file's score: 100 when clean, less the findings' weight per statement.

``score = 100 * (1 - (5 * errors + 2 * warnings + 0.5 * infos) / max(statements, 10))``, floored at 0.
One error in a 100-statement module costs 5 points; in a 10-line script, 50. The overall score weights
each file by its statements, so a big clean module is not hidden by a small messy one, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable

from databricks_ai_agents.lint.model import FileReport, Finding, Severity

WEIGHTS = {Severity.ERROR: 5.0, Severity.WARNING: 2.0, Severity.INFO: 0.5}
MIN_STATEMENTS = 10


def file_score(findings: Iterable[Finding], statements: int) -> float:
    """The 0-100 score of one file.

    Example:
        >>> file_score([], 40)
        100.0
    """
    penalty = sum(WEIGHTS[finding.severity] for finding in findings)
    return round(max(0.0, 100.0 * (1.0 - penalty / max(statements, MIN_STATEMENTS))), 1)


def overall_score(files: Iterable[FileReport]) -> float:
    """The statement-weighted mean of the file scores (100 when nothing was reviewed)."""
    weighted = total = 0.0
    for report in files:
        weight = max(report.statements, MIN_STATEMENTS)
        weighted += report.score * weight
        total += weight
    return round(weighted / total, 1) if total else 100.0
