"""The exceptions of databricks-ai-agents: one base class; messages say what failed, where, and how to fix it."""

from __future__ import annotations


class AgentError(Exception):
    """Base class of every error an agent or the ``databricks-agent`` command reports to the user."""
