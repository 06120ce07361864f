"""The loopback Messages API for the LLM tests (no test may reach the real API)."""

import pytest

from databricks_ai_agents.testing import FakeMessagesApi


@pytest.fixture
def messages_api():
    with FakeMessagesApi() as api:
        yield api
