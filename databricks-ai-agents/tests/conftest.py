"""The loopback Messages API for the LLM tests (no test may reach the real API)."""

import pytest

from databricks_ai_agents.testing import FakeMessagesApi


@pytest.fixture
def messages_api():
    with FakeMessagesApi() as api:
        yield api


@pytest.fixture(autouse=True)
def private_usage_log(tmp_path_factory, monkeypatch):
    """Every test (and the CLI subprocesses it starts) logs usage to its own file, never to the user's."""
    path = tmp_path_factory.mktemp("usage") / "usage.jsonl"
    monkeypatch.setenv("DATABRICKS_AGENT_USAGE_LOG", str(path))
    return path
