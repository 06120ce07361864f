"""Test helpers shipped with the agents: a loopback stand-in for the Anthropic Messages API."""

from databricks_ai_agents.testing.fake_messages_api import FakeMessagesApi, api_error, message, tool_use

__all__ = ["FakeMessagesApi", "api_error", "message", "tool_use"]
