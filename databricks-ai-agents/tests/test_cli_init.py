"""`databricks-agent init`: the description becomes a rendered project (real subprocess, real cookiecutter)."""

import json

from databricks_ai_agents.testing import run_cli as agent


def test_init_renders_the_project_with_the_answers_it_showed(tmp_path, private_usage_log):
    result = agent(
        "init", "daily sales pipeline from CSV with a dashboard", "--no-input", "--set", "compute=classic", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "the description says 'csv'" in result.stdout
    assert "set by you (--set)" in result.stdout
    project = tmp_path / "daily-sales"
    recorded = json.loads((project / ".databricks-template.json").read_text(encoding="utf-8"))
    assert (recorded["compute"], recorded["source_format"], recorded["dashboard"]) == ("classic", "csv", "yes")
    assert recorded["description"] == "Daily sales pipeline from CSV with a dashboard"
    assert (project / "databricks.yml").is_file()
    # How each answer was chosen is kept with the answers, for a later update from a newer template.
    provenance = recorded["_generated_by"]
    assert (provenance["tool"], provenance["engine"]) == ("databricks-agent", "rules")
    assert provenance["reasons"]["compute"] == "set by you (--set)"
    assert provenance["description"] == "daily sales pipeline from CSV with a dashboard"
    usage = [json.loads(line) for line in private_usage_log.read_text(encoding="utf-8").splitlines()]
    assert [(u["command"], u["outcome"], u["answers"]["compute"]) for u in usage] == [("init", "created", "classic")]


def test_dry_run_writes_nothing_and_json_says_so(tmp_path):
    result = agent("--json", "init", "clickstream from kafka", "--dry-run", "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["written"] is False
    assert payload["answers"]["streaming_ingestion"] == "yes"
    assert payload["project_dir"] == str(tmp_path / "clickstream")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_project_needs_force(tmp_path):
    first = agent("init", "orders pipeline", "--no-input", "--output-dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    again = agent("init", "orders pipeline", "--no-input", "--output-dir", str(tmp_path))
    assert again.returncode == 1
    assert "already exists and is not empty. Fix: choose another output folder or project_slug" in again.stderr
    assert "--force" in again.stderr
    forced = agent("init", "orders pipeline", "--no-input", "--force", "--output-dir", str(tmp_path))
    assert forced.returncode == 0, forced.stderr


def test_bad_answers_and_bad_usage(tmp_path):
    unknown = agent("init", "x pipeline", "--no-input", "--set", "bogus=1", cwd=tmp_path)
    assert unknown.returncode == 1
    assert "bogus is not an option of databricks-pipeline" in unknown.stderr
    reserved = agent("init", "x pipeline", "--no-input", "--set", "catalog_prod=select", cwd=tmp_path)
    assert reserved.returncode == 1
    assert "catalog_prod 'select' is a reserved SQL word" in reserved.stderr
    malformed = agent("init", "x", "--set", "nokey", cwd=tmp_path)
    assert malformed.returncode == 2
    assert "'nokey' is not KEY=VALUE" in malformed.stderr
    assert list(tmp_path.iterdir()) == []
