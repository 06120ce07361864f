"""Which engine an agent run uses: ``rules`` (deterministic, offline) or ``llm`` (Claude, output validated).

``auto`` means: the LLM when ``ANTHROPIC_API_KEY`` is set, else the rules. Asking for ``llm`` without a
key is an error, not a silent fallback.

Example:
    >>> resolve_engine("auto", environ={})
    'rules'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, Protocol

from databricks_ai_agents.core.definitions import Engine
from databricks_ai_agents.errors import AgentError

API_KEY_VARIABLE: Final = "ANTHROPIC_API_KEY"
ResolvedEngine = Literal["rules", "llm"]


def resolve_engine(requested: Engine, *, environ: Mapping[str, str] | None = None) -> ResolvedEngine:
    """The engine to run for ``requested``.

    Raises:
        AgentError: ``llm`` was asked for and ``ANTHROPIC_API_KEY`` is not set.
    """
    has_key = bool((os.environ if environ is None else environ).get(API_KEY_VARIABLE, "").strip())
    if requested == "rules":
        return "rules"
    if requested == "llm" and not has_key:
        raise AgentError(f"--engine llm needs {API_KEY_VARIABLE}. Fix: export it, or use --engine rules (offline)")
    return "llm" if has_key else "rules"


class StructuredLlm(Protocol):
    """What agents need from an LLM client: one structured answer per call (see ``llm.client.LlmClient``)."""

    def structured(self, prompt: str, *, tool: Tool, agent: str) -> dict[str, object]:
        """The input the model gave ``tool`` for ``prompt``."""
        ...


@dataclass(frozen=True)
class Tool:
    """The tool the model must call: a name, a description and the JSON schema of its input."""

    name: str
    description: str
    input_schema: Mapping[str, object]
