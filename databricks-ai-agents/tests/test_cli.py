"""The databricks-agent command as users run it: real subprocesses, exit codes, text and JSON output."""

import json
import os
import subprocess
import sys

import pytest

from databricks_ai_agents.testing import run_cli as agent

HEAVY = ("pyspark", "anthropic", "mcp", "databricks.sdk", "cookiecutter", "databricks_utils", "pandas")


def test_help_lists_the_commands_and_the_global_options():
    result = agent("--help")
    assert result.returncode == 0
    for text in ("--verbose", "--json", "--project-dir", "templates  List and inspect project templates."):
        assert text in result.stdout


def test_help_imports_none_of_the_heavy_packages():
    probe = (
        "import sys\n"
        "from databricks_ai_agents.cli.main import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='databricks-agent')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {{h.split('.')[0] for h in {HEAVY!r}}}"
        " and any(m == h or m.startswith(h + '.') for h in " + repr(HEAVY) + ")))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_templates_list_as_text_and_json():
    text = agent("templates", "list")
    assert text.returncode == 0
    assert text.stdout.splitlines()[0].split() == ["name", "version", "tags", "description"]
    assert "databricks-pipeline" in text.stdout
    as_json = json.loads(agent("--json", "templates", "list").stdout)
    assert [t["name"] for t in as_json] == ["databricks-pipeline"]
    assert "medallion" in as_json[0]["tags"]


def test_templates_show_gives_every_option():
    shown = json.loads(agent("--json", "templates", "show", "databricks-pipeline").stdout)
    options = {o["name"]: o for o in shown["options"]}
    assert options["compute"]["choices"] == ["serverless", "classic"]
    assert options["package_name"]["derived"] is True
    text = agent("templates", "show", "databricks-pipeline").stdout
    assert "When to use:" in text
    assert "serverless | classic" in text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["templates", "show", "databricks-pipelin"],
            1,
            "Error: no template named 'databricks-pipelin' (did you mean 'databricks-pipeline'?)",
        ),
        (["templates", "bogus"], 2, "No such command 'bogus'"),
        (["--no-such-option"], 2, "No such option '--no-such-option'"),
    ],
)
def test_errors_are_one_line_with_the_right_exit_code(args, code, message):
    result = agent(*args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_verbose_shows_the_traceback_of_a_user_error():
    result = agent("--verbose", "templates", "show", "nope")
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "TemplateNotFoundError" in result.stderr


def test_version():
    result = agent("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("databricks-agent, version 0.1.0")


def test_list_shows_agents_and_templates():
    text = agent("list")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Agents\n")
    assert "template  auto    no      propose_project" in text.stdout
    assert "init      auto    yes     init_project" in text.stdout
    assert "quality   rules   no      review_code" in text.stdout
    assert "databricks-pipeline" in text.stdout
    payload = json.loads(agent("--json", "list").stdout)
    assert [a["name"] for a in payload["agents"]] == ["init", "profile", "quality", "template"]
    assert payload["agents"][0]["mcp_tool"] == "init_project"
    assert [t["name"] for t in payload["templates"]] == ["databricks-pipeline"]


def test_shell_completion_as_the_readme_documents_it():
    def complete(words, cword):
        env = {
            **os.environ,
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
            "_DATABRICKS_AGENT_COMPLETE": "bash_complete",
        }
        result = subprocess.run(
            [sys.executable, "-c", "from databricks_ai_agents.cli.main import main; main()"],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        return result.stdout.split()

    script = subprocess.run(
        [sys.executable, "-c", "from databricks_ai_agents.cli.main import main; main()"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "_DATABRICKS_AGENT_COMPLETE": "bash_source"},
    )
    assert "complete -o nosort -F" in script.stdout
    assert complete("databricks-agent se", 1) == ["plain,serve"]
    assert complete("databricks-agent templates s", 2) == ["plain,show", "plain,stats"]
