"""`databricks-agent templates stats`: the usage log summarised and default changes suggested (real subprocess)."""

import json
import os

import pytest

from databricks_ai_agents.testing import run_cli
from databricks_ai_agents.usage import UsageRecord, record_usage

PIPELINE = "databricks-pipeline"


@pytest.fixture
def log(tmp_path):
    return tmp_path / "state" / "usage.jsonl"


def agent(*args, log_path, **extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABRICKS_AGENT_NO_USAGE", "DO_NOT_TRACK"}}
    env |= {"DATABRICKS_AGENT_USAGE_LOG": str(log_path), **extra_env}
    return run_cli(*args, env=env)


def write_runs(log_path, computes, *, outcome="created", template=PIPELINE):
    for i, compute in enumerate(computes):
        answers = {"project_name": f"Project {i}", "compute": compute, "cloud": "aws"}
        record = UsageRecord(
            timestamp=f"2025-03-01T12:{i:02d}:00Z",
            command="init",
            template=template,
            template_version="0.1.0",
            answers=answers,
            engine="rules",
            duration_s=float(i + 1),
            outcome=outcome,
        )
        assert record_usage(record, path=log_path)


def test_no_log_yet_is_a_friendly_line(log):
    result = agent("templates", "stats", log_path=log)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"No usage recorded yet in {log}. `databricks-agent init` records each run there "
        "(local only, never sent anywhere; DATABRICKS_AGENT_NO_USAGE=1 turns it off)."
    )
    payload = json.loads(agent("--json", "templates", "stats", log_path=log).stdout)
    assert (payload["log"], payload["records"], payload["templates"], payload["tracking"]) == (str(log), 0, [], True)
    assert not log.exists()  # reading never creates the log


def test_a_recorded_log_as_a_table_and_as_json(log):
    write_runs(log, ["classic", "classic", "serverless"])
    write_runs(log, ["serverless"], outcome="dry_run")
    with log.open("a", encoding="utf-8") as file:
        file.write("{torn line\n")
    result = agent("templates", "stats", log_path=log)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Usage log {log}: 4 run(s), 1 unreadable line(s) skipped"
    assert lines[1].split() == ["template", "runs", "created", "dry", "runs", "failed", "median", "time", "(created)"]
    assert lines[2].split() == [PIPELINE, "4", "3", "1", "0", "2.0s"]
    assert "Answers in created databricks-pipeline projects:" in lines
    assert any(line.split() == ["compute", "classic", "2,", "serverless", "1"] for line in lines)
    assert "Suggested" not in result.stdout  # only with --suggest

    payload = json.loads(agent("--json", "templates", "stats", log_path=log).stdout)
    assert (payload["records"], payload["skipped"]) == (4, 1)
    (usage,) = payload["templates"]
    assert usage == {
        "template": PIPELINE,
        "runs": 4,
        "created": 3,
        "dry_runs": 1,
        "failed": 0,
        "median_duration_s": 2.0,
        "answers": {
            "project_name": {"Project 0": 1, "Project 1": 1, "Project 2": 1},
            "compute": {"classic": 2, "serverless": 1},
            "cloud": {"aws": 3},
        },
    }
    assert "suggestions" not in payload


def test_suggest_proposes_the_default_that_usage_favours(log):
    write_runs(log, ["classic"] * 8 + ["serverless"] * 2)
    result = agent("templates", "stats", "--suggest", log_path=log)
    assert result.returncode == 0, result.stderr
    assert "Suggested default changes:" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith(f"{PIPELINE}  compute"))
    assert row.split()[:4] == [PIPELINE, "compute", "serverless", "classic"]
    assert "8 of 10 created projects (80%) chose compute=classic; the default is serverless" in row
    assert "databricks-pipeline/cookiecutter.json (for a choice, list the new default first)" in result.stdout

    payload = json.loads(agent("--json", "templates", "stats", "--suggest", log_path=log).stdout)
    # cloud=aws is already the default and project_name is derived from each project: neither is proposed.
    assert [
        (s["option"], s["current_default"], s["proposed"], s["share"], s["runs"]) for s in payload["suggestions"]
    ] == [("compute", "serverless", "classic", 0.8, 10)]


def test_suggest_needs_enough_created_runs(log):
    write_runs(log, ["classic"] * 4)
    write_runs(log, ["classic"] * 6, outcome="failed")
    quiet = agent("templates", "stats", "--suggest", log_path=log)
    assert quiet.returncode == 0, quiet.stderr
    assert "No default changes suggested: no option has 5+ created projects" in quiet.stdout
    loud = json.loads(agent("--json", "templates", "stats", "--suggest", "--min-runs", "4", log_path=log).stdout)
    assert [(s["option"], s["proposed"]) for s in loud["suggestions"]] == [("compute", "classic")]


def test_template_filter_and_uninstalled_templates(log):
    write_runs(log, ["classic"] * 6, template="retired-template")
    payload = json.loads(agent("--json", "templates", "stats", "--suggest", log_path=log).stdout)
    assert [t["template"] for t in payload["templates"]] == ["retired-template"]
    assert payload["suggestions"] == []  # no installed template, no default to change
    other = agent("templates", "stats", "--template", PIPELINE, log_path=log)
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == f"No usage of template '{PIPELINE}' recorded yet in {log}."


@pytest.mark.parametrize("opt_out", [{"DATABRICKS_AGENT_NO_USAGE": "1"}, {"DO_NOT_TRACK": "1"}])
def test_opted_out_says_so(log, opt_out):
    write_runs(log, ["classic"])
    (variable,) = opt_out
    result = agent("templates", "stats", log_path=log, **opt_out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Usage tracking is off ({variable} is set): `databricks-agent init` records nothing. "
        f"Unset {variable} to record usage, or pass --log FILE to read an existing log."
    )
    payload = json.loads(agent("--json", "templates", "stats", log_path=log, **opt_out).stdout)
    assert (payload["tracking"], payload["opted_out_by"], payload["log"]) == (False, variable, None)
    # An explicit --log is still read, with a note that nothing new is being recorded.
    explicit = agent("templates", "stats", "--log", str(log), log_path=log, **opt_out)
    assert explicit.returncode == 0, explicit.stderr
    assert explicit.stdout.splitlines()[0] == f"Usage log {log}: 1 run(s) (tracking is off: {variable} is set)"


def test_a_folder_as_log_is_a_one_line_error(tmp_path, log):
    result = agent("templates", "stats", "--log", str(tmp_path), log_path=log)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: usage log {tmp_path} is a folder. Fix: pass --log a .jsonl file, "
        "or set DATABRICKS_AGENT_USAGE_LOG to one"
    )
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bad_min_runs_is_a_usage_error(log):
    result = agent("templates", "stats", "--min-runs", "0", log_path=log)
    assert result.returncode == 2
    assert "Invalid value for '--min-runs'" in result.stderr


def test_stats_has_help():
    result = agent("templates", "--help", log_path="unused")
    assert result.returncode == 0
    assert "stats" in result.stdout
    help_text = agent("templates", "stats", "--help", log_path="unused").stdout
    for text in ("--suggest", "--log", "--template", "--min-runs", "nothing is ever sent anywhere"):
        assert text in " ".join(help_text.split())
