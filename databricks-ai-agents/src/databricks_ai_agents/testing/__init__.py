"""Test helpers shipped with the agents: the CLI in a child process, and a loopback Anthropic Messages API."""

from databricks_ai_agents.testing.cli import run_cli
from databricks_ai_agents.testing.fake_messages_api import FakeMessagesApi, api_error, message, tool_use

__all__ = ["FakeMessagesApi", "api_error", "message", "run_cli", "tool_use"]
