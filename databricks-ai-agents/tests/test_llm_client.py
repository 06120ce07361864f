"""The LLM client with the real anthropic SDK against a loopback server speaking the Messages API wire format.

No test reaches the real API: the server in conftest.py answers on 127.0.0.1 with canned Messages API bodies.
"""

import logging

import pytest

from databricks_ai_agents.core.definitions import LlmSettings
from databricks_ai_agents.core.engine import Tool, resolve_engine
from databricks_ai_agents.errors import AgentError
from databricks_ai_agents.llm.client import LlmClient
from databricks_ai_agents.testing import api_error as error
from databricks_ai_agents.testing import message, tool_use

TOOL = Tool("propose_answers", "answers", {"type": "object", "properties": {"answers": {"type": "object"}}})
SETTINGS = LlmSettings(model="claude-test", max_tokens=256)


def client(api, **kwargs):
    return LlmClient(
        SETTINGS, api_key="sk-ant-loopback-not-a-secret", timeout_s=5, base_url=api.url, sleep=lambda _: None, **kwargs
    )


def test_a_tool_call_comes_back_as_its_input_and_usage_is_logged(messages_api, caplog):
    messages_api.reply(200, tool_use("propose_answers", {"answers": {"cloud": "gcp"}}))
    with caplog.at_level(logging.INFO):
        assert client(messages_api).structured("hello", tool=TOOL, agent="template") == {"answers": {"cloud": "gcp"}}
    [sent] = messages_api.requests
    assert sent["path"] == "/v1/messages"
    headers = {key.lower(): value for key, value in sent["headers"].items()}
    # The 2.x SDK sends the key as a bearer token (1.x used x-api-key).
    assert "sk-ant-loopback-not-a-secret" in headers.get("authorization", "") + headers.get("x-api-key", "")
    body = sent["body"]
    assert (body["model"], body["max_tokens"], body["tool_choice"]) == (
        "claude-test",
        256,
        {"type": "tool", "name": "propose_answers"},
    )
    assert body["messages"] == [{"role": "user", "content": "hello"}]
    assert "temperature" not in body
    usage = [r for r in caplog.records if r.getMessage() == "metric llm_usage"]
    assert usage
    assert usage[0].metrics == {"agent": "template", "model": "claude-test", "input_tokens": 120, "output_tokens": 40}
    assert "sk-ant-loopback" not in caplog.text


def test_a_json_object_in_text_is_accepted_too(messages_api):
    messages_api.reply(200, message([{"type": "text", "text": 'Sure: {"answers": {"dashboard": "no"}} done'}]))
    assert client(messages_api).structured("x", tool=TOOL, agent="t") == {"answers": {"dashboard": "no"}}


def test_overloaded_then_success_is_retried(messages_api):
    messages_api.reply(*error(529, "overloaded_error", "Overloaded"))
    messages_api.reply(429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}})
    messages_api.reply(200, tool_use("propose_answers", {"answers": {}}))
    assert client(messages_api).structured("x", tool=TOOL, agent="t") == {"answers": {}}
    assert len(messages_api.requests) == 3


def test_persistent_overload_gives_up_with_a_clear_error(messages_api):
    for _ in range(4):
        messages_api.reply(*error(529, "overloaded_error", "Overloaded"))
    with pytest.raises(AgentError, match=r"still failing after 4 attempts \(HTTP 529 overloaded_error: Overloaded\)"):
        client(messages_api).structured("x", tool=TOOL, agent="t")


def test_a_bad_request_is_not_retried(messages_api):
    messages_api.reply(*error(400, "invalid_request_error", "model: unknown model"))
    with pytest.raises(
        AgentError, match=r"Claude API call failed \(HTTP 400 invalid_request_error: model: unknown model\)"
    ):
        client(messages_api).structured("x", tool=TOOL, agent="t")
    assert len(messages_api.requests) == 1


def test_a_malformed_body_is_a_clear_error(messages_api):
    messages_api.reply(200, b"{not json")
    with pytest.raises(AgentError, match="Claude API sent a reply that is not valid JSON"):
        client(messages_api).structured("x", tool=TOOL, agent="t")


def test_a_reply_without_the_tool_or_json_is_refused(messages_api):
    messages_api.reply(200, message([{"type": "text", "text": "I cannot help with that."}]))
    with pytest.raises(AgentError, match="neither a propose_answers call nor a JSON object"):
        client(messages_api).structured("x", tool=TOOL, agent="t")


def test_temperature_is_sent_only_when_configured(messages_api):
    messages_api.reply(200, tool_use("propose_answers", {}))
    LlmClient(
        SETTINGS.model_copy(update={"temperature": 0.2}), api_key="k", timeout_s=5, base_url=messages_api.url
    ).structured("x", tool=TOOL, agent="t")
    assert messages_api.requests[0]["body"]["temperature"] == 0.2


def test_the_key_comes_from_the_environment():
    with pytest.raises(AgentError, match=r"needs ANTHROPIC_API_KEY\. Fix: export it, or use --engine rules"):
        LlmClient.from_env(SETTINGS, timeout_s=5, environ={})
    assert resolve_engine("auto", environ={}) == "rules"
    assert resolve_engine("auto", environ={"ANTHROPIC_API_KEY": "k"}) == "llm"
    assert resolve_engine("rules", environ={"ANTHROPIC_API_KEY": "k"}) == "rules"
    with pytest.raises(AgentError, match="--engine llm needs ANTHROPIC_API_KEY"):
        resolve_engine("llm", environ={})
