"""LLM patches apply strictly; scores weigh findings per statement; ruff is found or named as missing."""

import importlib.util
import shutil

import pytest

from databricks_ai_agents.lint.model import Category, FileReport, Finding, Severity
from databricks_ai_agents.lint.patches import PatchError, apply_patch
from databricks_ai_agents.lint.ruff import RuffError, _finding, ruff_command
from databricks_ai_agents.lint.score import file_score, overall_score

TEXT = "a\nb\nc\nd\ne\n"


def test_a_patch_applies_at_its_line_or_where_its_context_moved():
    assert apply_patch(TEXT, "@@ -2,2 +2,2 @@\n b\n-c\n+C\n") == "a\nb\nC\nd\ne\n"
    # The model miscounted the line: the hunk still applies where its lines are, exactly.
    assert apply_patch(TEXT, "@@ -1,2 +1,2 @@\n d\n-e\n+E\n") == "a\nb\nc\nd\nE\n"
    assert apply_patch(TEXT, "--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n a\n+inserted\n") == "a\ninserted\nb\nc\nd\ne\n"


@pytest.mark.parametrize(
    ("diff", "message"),
    [
        ("", "no hunk"),
        ("just words", "no hunk"),
        ("@@ -2,1 +2,1 @@\n-x\n+y\n", "does not match"),
        ("@@ -2,1 +2,1 @@\n?b\n", "not context"),
    ],
)
def test_a_patch_that_does_not_fit_is_refused(diff, message):
    with pytest.raises(PatchError, match=message):
        apply_patch(TEXT, diff)


def finding(severity):
    return Finding(
        rule="DBA102", name="n", severity=severity, category=Category.PERFORMANCE, path="x.py",
        line=1, column=1, end_line=1, end_column=2, message="m", fix="f",
    )  # fmt: skip


def test_scores_weigh_errors_warnings_and_infos_per_statement():
    assert file_score([], 50) == 100.0
    assert file_score([finding(Severity.ERROR)], 100) == 95.0
    assert file_score([finding(Severity.WARNING)], 100) == 98.0
    assert file_score([finding(Severity.INFO)], 100) == 99.5
    assert file_score([finding(Severity.ERROR)], 2) == 50.0  # tiny files count as 10 statements
    assert file_score([finding(Severity.ERROR)] * 30, 20) == 0.0
    big = FileReport(path="a.py", kind="python", lines=400, statements=300, score=100.0, findings=[])
    small = FileReport(path="b.py", kind="python", lines=20, statements=10, score=50.0, findings=[])
    assert overall_score([big, small]) == round((100 * 300 + 50 * 10) / 310, 1)
    assert overall_score([]) == 100.0


def test_ruff_missing_is_named_with_the_install_command(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuffError, match="pip install ruff"):
        ruff_command()


def test_ruff_items_become_findings_and_syntax_errors_are_left_to_dba001():
    item = {
        "code": "F821",
        "name": "undefined-name",
        "filename": "/abs/job.py",
        "location": {"row": 3, "column": 5},
        "end_location": {"row": 3, "column": 9},
        "message": "Undefined name `spak`",
        "fix": None,
        "url": "https://docs.astral.sh/ruff/rules/undefined-name",
        "cell": None,
    }
    made = _finding(item, display=lambda p: p.name)
    assert (made.rule, made.severity, made.path, made.line, made.source) == (
        "F821",
        Severity.ERROR,
        "job.py",
        3,
        "ruff",
    )
    assert "undefined-name" in made.fix
    assert _finding({**item, "code": "E501"}, display=str).severity is Severity.WARNING
    assert _finding({**item, "code": None}, display=str) is None
