"""Run a registered agent the same way from the CLI and the MCP server: engine resolved, context built.

Example:
    >>> from databricks_ai_agents.core.registry import load_registry
    >>> from databricks_ai_agents.agents.template_agent import TemplateRequest
    >>> proposal = run_agent(load_registry().get("template"), TemplateRequest(description="orders from CSV"),
    ...                      workdir=Path("."), engine="rules")
    >>> proposal.answers["source_format"]
    'csv'
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel

from databricks_ai_agents.core.contract import AgentContext
from databricks_ai_agents.core.definitions import AgentDefinition, Engine
from databricks_ai_agents.core.engine import StructuredLlm, resolve_engine
from databricks_ai_agents.core.registry import RegisteredAgent
from databricks_ai_agents.errors import AgentError

LOGGER_NAME = "databricks_ai_agents"


def build_context(definition: AgentDefinition, *, workdir: Path, engine: Engine | None = None) -> AgentContext:
    """The context for one run of ``definition``'s agent: ``engine`` (default: the agent's) resolved.

    Raises:
        AgentError: ``llm`` was asked for without ``ANTHROPIC_API_KEY``.
    """
    resolved = resolve_engine(definition.execution.default_engine if engine is None else engine)
    llm: StructuredLlm | None = None
    if resolved == "llm":
        # Imported here: the SDK costs ~1.2 s and only the LLM engine needs it.
        from databricks_ai_agents.llm.client import LlmClient

        llm = LlmClient.from_env(definition.llm, timeout_s=definition.execution.timeout_s)
    return AgentContext(
        definition=definition, workdir=workdir, logger=logging.getLogger(LOGGER_NAME), engine=resolved, llm=llm
    )


def run_agent(
    registered: RegisteredAgent, request: BaseModel, *, workdir: Path, engine: Engine | None = None
) -> BaseModel:
    """Run ``registered`` on ``request`` and check it returned its declared result model.

    Raises:
        AgentError: The request is not the agent's request model, or the agent broke its contract.
    """
    implementation = registered.implementation
    if not isinstance(request, implementation.request_model):
        raise AgentError(
            f"agent {registered.definition.name!r} takes {implementation.request_model.__name__}, "
            f"not {type(request).__name__}"
        )
    context = build_context(registered.definition, workdir=workdir, engine=engine)
    result = implementation().run(request, context)
    if not isinstance(result, implementation.result_model):
        raise AgentError(
            f"agent {registered.definition.name!r} returned {type(result).__name__}, "
            f"not {implementation.result_model.__name__}"
        )
    return result
