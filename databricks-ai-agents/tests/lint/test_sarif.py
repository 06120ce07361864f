"""SARIF output validates against the official SARIF 2.1.0 schema (read from ../shared, not copied here)."""

import json
import os
from pathlib import Path

import jsonschema
import pytest

from databricks_ai_agents.lint import QualityConfig, review
from databricks_ai_agents.lint.model import Category, Finding, Severity
from databricks_ai_agents.lint.rules import all_rules
from databricks_ai_agents.lint.sarif import to_sarif

REPO = Path(__file__).resolve().parents[3]
# The official schema is never copied into this repository: $SARIF_SCHEMA, else ../shared/schemas next to
# this checkout, else the workplace's /work/shared (CI runs on a clone elsewhere).
CANDIDATES = [
    *([Path(os.environ["SARIF_SCHEMA"])] if os.environ.get("SARIF_SCHEMA") else []),
    REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json",
    Path("/work/shared/schemas/sarif-schema-2.1.0.json"),
]
NOTEBOOK = "# Databricks notebook source\nimport pyspark\n\n# COMMAND ----------\n\nif df.count() == 0:\n    pass\n"


@pytest.fixture(scope="module")
def validator():
    found = next((path for path in CANDIDATES if path.is_file()), None)
    if found is None:
        pytest.fail(f"the official SARIF 2.1.0 schema is in none of {[str(p) for p in CANDIDATES]}: set SARIF_SCHEMA")
    schema = json.loads(found.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def test_a_review_with_findings_notebook_cells_and_ruff_findings_is_valid_sarif(tmp_path, monkeypatch, validator):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nb.py").write_text(NOTEBOOK, encoding="utf-8")
    (tmp_path / "broken.py").write_text("def f(:\n", encoding="utf-8")
    (tmp_path / "data.bin").write_bytes(b"\0\0")
    ruff = Finding(
        rule="F401", name="unused-import", severity=Severity.WARNING, category=Category.GENERAL, path="nb.py",
        line=2, column=8, end_line=2, end_column=15, message="`pyspark` imported but unused",
        fix="Remove unused import", source="ruff",
    )  # fmt: skip
    report = review([tmp_path, tmp_path / "data.bin"], config=QualityConfig(), extra_findings=[ruff])
    sarif = to_sarif(report, all_rules(), version="0.1.0")
    errors = sorted(validator.iter_errors(sarif), key=str)
    assert errors == [], [e.message for e in errors[:5]]
    run = sarif["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {r.id for r in all_rules()}
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["DBA102"]["properties"]["cell"] == 2
    assert results["DBA102"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert results["DBA102"]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "nb.py",
        "uriBaseId": "SRCROOT",
    }
    assert results["DBA001"]["level"] == "error"
    assert results["F401"]["rule"]["toolComponent"] == {"index": 0}
    assert run["tool"]["extensions"][0]["name"] == "ruff"
    assert run["properties"]["skipped"] == [{"path": "data.bin", "reason": "not a Python file or notebook"}]


def test_an_empty_review_is_valid_sarif(validator):
    report = review([], config=QualityConfig())
    sarif = to_sarif(report, all_rules(), version="0.1.0")
    assert list(validator.iter_errors(sarif)) == []
    assert sarif["runs"][0]["results"] == []
