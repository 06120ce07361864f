"""The CLI and MCP contracts in specs/ match the code, every command's --json output matches its schema, and
the README documents every command."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from databricks_ai_agents.cli.reference import cli_reference, write_contracts
from databricks_ai_agents.testing import run_cli as agent
from databricks_ai_agents.usage import UsageRecord, record_usage

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = REPO / "specs" / "001-ai-native-data-eng-process" / "contracts"


@pytest.mark.parametrize("name", ["cli.json", "mcp.json", "cli.md", "profile.schema.json", "code-review-rules.md"])
def test_the_committed_contracts_match_the_code(tmp_path, name):
    write_contracts(tmp_path)
    committed = (CONTRACTS / name).read_text(encoding="utf-8")
    assert committed == (tmp_path / name).read_text(encoding="utf-8"), f"{name} is stale: run `make contracts`"


def test_every_command_has_help_and_its_json_output_has_a_schema():
    commands = cli_reference()["commands"]
    expected = {
        "init",
        "list",
        "profile",
        "quality",
        "serve",
        "templates",
        "templates list",
        "templates show",
        "templates stats",
    }
    assert expected <= set(commands)
    for path, command in commands.items():
        assert command["help"], f"{path} has no help"
        assert all(option["help"] for option in command["options"]), f"an option of {path} has no help"
        if path != "templates":
            assert "json_output" in command


def _records(log):
    for compute in ["classic"] * 6 + ["serverless"]:
        record_usage(
            UsageRecord.now(
                command="init",
                template="databricks-pipeline",
                answers={"compute": compute},
                engine="rules",
                duration_s=1.0,
                outcome="created",
            ),
            path=log,
        )


@pytest.mark.parametrize(
    ("path", "args"),
    [
        ("list", ["list"]),
        ("templates list", ["templates", "list"]),
        ("templates show", ["templates", "show", "databricks-pipeline"]),
        ("templates stats", ["templates", "stats"]),
        ("templates stats", ["templates", "stats", "--suggest", "--log", "{log}"]),
        ("init", ["init", "orders from csv", "--dry-run", "--output-dir", "{tmp}"]),
        ("profile", ["profile", "{csv}"]),
        ("quality", ["quality", "{py}", "--fail-on", "never"]),
    ],
)
def test_json_output_matches_the_contract(tmp_path, path, args):
    log = tmp_path / "usage.jsonl"
    if "{log}" in args:
        _records(log)
    csv = tmp_path / "orders.csv"
    csv.write_text("id,status\n1,open\n2,shipped\n3,open\n", encoding="utf-8")
    py = tmp_path / "job.py"
    py.write_text(
        "from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n", encoding="utf-8"
    )
    result = agent("--json", *[a.format(log=log, tmp=tmp_path, csv=csv, py=py) for a in args])
    assert result.returncode == 0, result.stderr
    schema = json.loads((CONTRACTS / "cli.json").read_text(encoding="utf-8"))["commands"][path]["json_output"]
    jsonschema.validate(json.loads(result.stdout), schema)


def test_the_readme_documents_every_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path in cli_reference()["commands"]:
        assert re.search(rf"databricks-agent {re.escape(path)}\b", readme), f"README does not mention `{path}`"
