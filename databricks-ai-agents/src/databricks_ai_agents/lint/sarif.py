"""SARIF 2.1.0 output, the format GitHub code scanning and IDE SARIF viewers read.

One run, one ``tool.driver`` (databricks-agent) with every rule that ran, plus ``tool.extensions`` for
ruff when its findings were merged. Notebook findings carry their cell in ``properties.cell``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from databricks_ai_agents.lint.model import Finding, LintReport, Severity
from databricks_ai_agents.lint.rule import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(report: LintReport, rules: Sequence[Rule], *, version: str) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (a JSON-ready dict).

    Example:
        >>> from databricks_ai_agents.lint.model import LintReport
        >>> empty = LintReport(files=[], skipped=[], score=100, counts={}, rules_run=0)
        >>> to_sarif(empty, [], version="0.1.0")["version"]
        '2.1.0'
    """
    ours = [finding for finding in report.findings if finding.source == "databricks-agent"]
    theirs = [finding for finding in report.findings if finding.source != "databricks-agent"]
    index = {rule.id: position for position, rule in enumerate(rules)}
    driver = {
        "name": "databricks-agent",
        "semanticVersion": version,
        "rules": [_descriptor(rule) for rule in rules],
    }
    tool: dict[str, Any] = {"driver": driver}
    extension_rules: dict[str, int] = {}
    if theirs:
        codes = sorted({finding.rule for finding in theirs})
        extension_rules = {code: position for position, code in enumerate(codes)}
        tool["extensions"] = [
            {
                "name": "ruff",
                "informationUri": "https://docs.astral.sh/ruff/",
                "rules": [{"id": code, "helpUri": f"https://docs.astral.sh/ruff/rules/#{code}"} for code in codes],
            }
        ]
    results = [_result(f, index.get(f.rule), None) for f in ours] + [
        _result(f, extension_rules[f.rule], 0) for f in theirs
    ]
    run: dict[str, Any] = {
        "tool": tool,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().absolute().as_uri() + "/"}},
        "properties": {"score": report.score, "skipped": [s.model_dump() for s in report.skipped]},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _descriptor(rule: Rule) -> dict[str, Any]:
    spec = rule.spec
    return {
        "id": spec.id,
        "name": _pascal(spec.name),
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": spec.rationale},
        "help": {
            "text": f"{spec.rationale}\n\nFix: {spec.fix}",
            "markdown": (
                f"{spec.rationale}\n\n**Fix:** {spec.fix}\n\nFlagged:\n```python\n{spec.flagged}\n```\n\n"
                f"Clean:\n```python\n{spec.clean}\n```"
            ),
        },
        "defaultConfiguration": {"level": _LEVELS[spec.severity]},
        "properties": {"category": spec.category.value, "tags": [spec.category.value]},
    }


def _result(finding: Finding, rule_index: int | None, extension: int | None) -> dict[str, Any]:
    path = Path(finding.path)
    uri = path.as_posix() if not path.is_absolute() else path.as_uri()
    location: dict[str, Any] = {"uri": uri}
    if not path.is_absolute():
        location["uriBaseId"] = "SRCROOT"
    region = {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": finding.end_line,
        "endColumn": max(finding.end_column, finding.column + 1)
        if finding.end_line == finding.line
        else finding.end_column,
    }
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.message}. Fix: {finding.fix}" if finding.fix else finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
    }
    if rule_index is not None:
        reference: dict[str, Any] = {"id": finding.rule, "index": rule_index}
        if extension is not None:
            reference["toolComponent"] = {"index": extension}
        result["rule"] = reference
    properties: dict[str, Any] = {"category": finding.category.value}
    if finding.cell is not None:
        properties["cell"] = finding.cell
    if finding.explanation:
        properties["explanation"] = finding.explanation
    if finding.patch:
        properties["patch"] = finding.patch
    result["properties"] = properties
    return result


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))
