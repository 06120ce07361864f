"""`databricks-agent init` with the LLM engine: the real anthropic SDK in a real subprocess, talking to the
loopback Messages API server (tests/conftest.py), never to the real API. Claude's answers are validated."""

import json
import os

from databricks_ai_agents.testing import run_cli, tool_use


def agent(*args, env_extra, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")} | env_extra
    return run_cli(*args, env=env, cwd=cwd)


def test_claude_refines_the_rules_and_invalid_answers_are_dropped(messages_api, tmp_path):
    reply = {
        "answers": {
            "cloud": "gcp",
            "compute": "quantum",  # not an allowed value: dropped
            "colour": "blue",  # not an option: dropped
            "databricks_utils_source": "/etc",  # never taken from the model
            "source_format": "json",  # the user's --set wins
        },
        "reasons": {"cloud": "the data lives in BigQuery exports"},
    }
    messages_api.reply(200, tool_use("propose_answers", reply))
    env = {"ANTHROPIC_API_KEY": "sk-ant-loopback", "ANTHROPIC_BASE_URL": messages_api.url}
    result = agent(
        "--json",
        "init",
        "sales from BigQuery exports",
        "--engine",
        "llm",
        "--set",
        "source_format=csv",
        "--dry-run",
        env_extra=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "llm"
    answers, reasons = payload["answers"], payload["reasons"]
    assert (answers["cloud"], reasons["cloud"]) == ("gcp", "Claude: the data lives in BigQuery exports")
    assert answers["compute"] == "serverless"
    assert "colour" not in answers
    assert answers["databricks_utils_source"] != "/etc"
    assert (answers["source_format"], reasons["source_format"]) == ("csv", "set by you (--set)")
    [request] = messages_api.requests
    prompt = request["body"]["messages"][0]["content"]
    assert "sales from BigQuery exports" in prompt
    assert "databricks_utils_source" not in prompt
    assert list(tmp_path.iterdir()) == []


def test_llm_without_a_key_is_refused_and_auto_falls_back_to_rules(tmp_path):
    refused = agent("init", "sales", "--engine", "llm", "--dry-run", env_extra={}, cwd=tmp_path)
    assert refused.returncode == 1
    assert "--engine llm needs ANTHROPIC_API_KEY" in refused.stderr
    auto = agent("--json", "init", "sales from csv", "--dry-run", env_extra={}, cwd=tmp_path)
    assert auto.returncode == 0, auto.stderr
    assert json.loads(auto.stdout)["engine"] == "rules"


def test_an_api_failure_is_one_clear_line(messages_api, tmp_path):
    messages_api.reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "bad model"}})
    env = {"ANTHROPIC_API_KEY": "sk-ant-loopback", "ANTHROPIC_BASE_URL": messages_api.url}
    result = agent("init", "sales", "--engine", "llm", "--dry-run", env_extra=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Error: Claude API call failed (HTTP 400 invalid_request_error: bad model)" in result.stderr
    assert "Traceback" not in result.stderr
    assert "sk-ant-loopback" not in result.stderr
