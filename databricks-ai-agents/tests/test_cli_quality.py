"""`databricks-agent quality` as users run it: a real subprocess, exit codes, formats, --output and config."""

import json
import os

import pytest

from databricks_ai_agents.testing import run_cli as agent
from databricks_ai_agents.testing import tool_use

pytestmark = pytest.mark.subprocess

BAD = (
    "from pyspark.sql import functions as F\n\n\n"
    "def emptiness(df):\n    if df.count() == 0:\n        return None\n    return df\n"
)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "job.py").write_text(BAD, encoding="utf-8")
    return tmp_path


def test_text_output_groups_findings_by_file_and_fails_on_warning_when_asked(project):
    relaxed = agent("quality", "src", cwd=project)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "src/job.py  (score" in relaxed.stdout
    assert "5:8" in relaxed.stdout
    assert "DBA102 count-for-emptiness" in relaxed.stdout
    assert "fix: Use `df.isEmpty()`" in relaxed.stdout
    assert "1 files, 7 lines" in relaxed.stdout
    strict = agent("quality", "src", "--fail-on", "warning", cwd=project)
    assert strict.returncode == 1
    assert strict.stderr == ""


def test_json_and_sarif_go_to_the_output_file(project):
    result = agent("quality", "src", "--format", "sarif", "-o", "build/q.sarif", cwd=project)
    assert result.returncode == 0, result.stderr
    sarif = json.loads((project / "build" / "q.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["DBA102"]
    assert "Wrote build/q.sarif (sarif)" in result.stderr
    as_json = agent("--json", "quality", "src", cwd=project)
    payload = json.loads(as_json.stdout)
    assert payload["report"]["counts"]["warning"] == 1
    assert payload["failed"] is False
    assert payload["fail_on"] == "error"


def test_select_ignore_and_the_pyproject_config(project):
    (project / "pyproject.toml").write_text(
        '[tool.databricks-agent.quality]\nfail-on = "warning"\nseverity = { DBA102 = "info" }\n', encoding="utf-8"
    )
    configured = agent("--json", "quality", "src", cwd=project)
    payload = json.loads(configured.stdout)
    assert configured.returncode == 0
    assert payload["report"]["counts"] == {"error": 0, "warning": 0, "info": 1}
    assert payload["config"] == str(project / "pyproject.toml")
    ignored = agent("--json", "quality", "src", "--ignore", "DBA102", cwd=project)
    assert json.loads(ignored.stdout)["report"]["counts"]["info"] == 0
    selected = agent("--json", "quality", "src", "--select", "DBA4,DBA5", cwd=project)
    assert json.loads(selected.stdout)["report"]["files"][0]["findings"] == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["quality"], 2, "give at least one file or folder"),
        (["quality", "missing.py"], 2, "'missing.py' does not exist"),
        (["quality", "src", "--fail-on", "sometimes"], 2, "'sometimes' is not one of"),
        (["quality", "src", "--select", "DBA9"], 1, "unknown rule or category DBA9"),
    ],
)
def test_bad_input_gets_one_clear_line_and_the_right_exit_code(project, args, code, message):
    result = agent(*args, cwd=project)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_pyproject_is_named_with_its_field(project):
    (project / "pyproject.toml").write_text('[tool.databricks-agent.quality]\nselect = "DBA1"\n', encoding="utf-8")
    result = agent("quality", "src", cwd=project)
    assert result.returncode == 1
    assert "pyproject.toml [tool.databricks-agent.quality]: select" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_rules_prints_the_catalogue(project):
    result = agent("--json", "quality", "--list-rules")
    rules = json.loads(result.stdout)
    assert len(rules) >= 31
    assert {"id": "DBA102", "name": "count-for-emptiness"}.items() <= rules[
        [r["id"] for r in rules].index("DBA102")
    ].items()


def test_with_ruff_merges_ruffs_findings(project):
    (project / "src" / "extra.py").write_text("import os\n", encoding="utf-8")
    result = agent("--json", "quality", "src", "--with-ruff", "--fail-on", "never", cwd=project)
    assert result.returncode == 0, result.stderr
    findings = [f for file in json.loads(result.stdout)["report"]["files"] for f in file["findings"]]
    ruff = [f for f in findings if f["source"] == "ruff"]
    assert any(f["rule"] == "F401" and f["path"] == "src/extra.py" for f in ruff)


def test_the_llm_engine_keeps_only_a_patch_that_applies_parses_and_fixes(project, messages_api):
    """The real anthropic SDK in the CLI subprocess talks to the loopback Messages API server (conftest)."""
    (project / "src" / "other.py").write_text(BAD.replace("emptiness", "again"), encoding="utf-8")
    good = (
        "--- a/src/job.py\n+++ b/src/job.py\n@@ -5,2 +5,2 @@\n"
        "-    if df.count() == 0:\n+    if df.isEmpty():\n         return None\n"
    )
    wrong_context = "--- a/src/other.py\n+++ b/src/other.py\n@@ -5,1 +5,1 @@\n-    if frame.count() == 0:\n+    if x:\n"
    messages_api.reply(200, tool_use("explain_finding", {"explanation": "count() scans all rows.", "patch": good}))
    messages_api.reply(200, tool_use("explain_finding", {"explanation": "Same here.", "patch": wrong_context}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env |= {"ANTHROPIC_API_KEY": "sk-ant-loopback", "ANTHROPIC_BASE_URL": messages_api.url}
    result = agent("--json", "quality", "src", "--engine", "llm", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "llm"
    by_path = {f["path"]: f for file in payload["report"]["files"] for f in file["findings"]}
    assert by_path["src/job.py"]["explanation"] == "count() scans all rows."
    assert by_path["src/job.py"]["patch"] == good
    assert by_path["src/other.py"]["explanation"] == "Same here."
    assert by_path["src/other.py"]["patch"] is None
    assert len(messages_api.requests) == 2
    assert "src/job.py" in json.dumps(messages_api.requests[0])
