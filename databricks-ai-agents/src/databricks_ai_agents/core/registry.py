"""The registry: agent definitions joined with their implementations, checked against each other.

Example:
    >>> registry = load_registry()
    >>> registry.names
    ('template',)
"""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from databricks_ai_agents.core.contract import Agent
from databricks_ai_agents.core.definitions import AgentDefinition, load_definitions
from databricks_ai_agents.errors import AgentError


@dataclass(frozen=True)
class RegisteredAgent:
    """A definition and the class implementing it."""

    definition: AgentDefinition
    implementation: type[Agent]  # type: ignore[type-arg]  # any request/result pair


@dataclass(frozen=True)
class AgentRegistry:
    """Every registered agent by name."""

    agents: dict[str, RegisteredAgent]

    @property
    def names(self) -> tuple[str, ...]:
        """The agent names, sorted."""
        return tuple(sorted(self.agents))

    def get(self, name: str) -> RegisteredAgent:
        """The agent called ``name``.

        Raises:
            AgentError: No such agent (the message suggests the closest and lists the agents).
        """
        if name not in self.agents:
            close = difflib.get_close_matches(name, self.names, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AgentError(f"no agent named {name!r}{hint}. Agents: {', '.join(self.names)}")
        return self.agents[name]


def load_registry(path: Path | None = None) -> AgentRegistry:
    """Load the definitions and import each implementation, checking models and classes match.

    Raises:
        AgentError: A definition is invalid, or names a class that is missing or does not fit.
    """
    agents = {name: _register(name, definition) for name, definition in load_definitions(path).items()}
    tools = [a.definition.mcp.tool for a in agents.values()]
    repeated = sorted({tool for tool in tools if tools.count(tool) > 1})
    if repeated:
        raise AgentError(f"mcp.tool {', '.join(repeated)} is used by more than one agent. Fix: give each its own")
    return AgentRegistry(agents=agents)


def load_agent(name: str, path: Path | None = None) -> RegisteredAgent:
    """One agent, importing only its own implementation: what a CLI command that runs one agent needs.

    Every agent module imports its own stack (the profiling agent, databricks-utils' profiling and quality
    models), so loading the whole registry to run one agent cost 0.4 s of start-up.

    Raises:
        AgentError: No such agent, or its definition does not fit its implementation.
    """
    definitions = load_definitions(path)
    if name not in definitions:
        close = difflib.get_close_matches(name, sorted(definitions), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise AgentError(f"no agent named {name!r}{hint}. Agents: {', '.join(sorted(definitions))}")
    return _register(name, definitions[name])


def _register(name: str, definition: AgentDefinition) -> RegisteredAgent:
    implementation = _resolve(definition.implementation, where=f"agents.{name}.implementation")
    if not (isinstance(implementation, type) and issubclass(implementation, Agent)):
        raise AgentError(f"agents.{name}.implementation: {definition.implementation} is not an Agent subclass")
    for field, declared, actual in (
        ("inputs", definition.inputs, implementation.request_model),
        ("outputs", definition.outputs, implementation.result_model),
    ):
        if _resolve(declared, where=f"agents.{name}.{field}") is not actual:
            raise AgentError(
                f"agents.{name}.{field}: {declared} is not the model {implementation.__name__} uses "
                f"({actual.__module__}:{actual.__name__}). Fix: make them agree"
            )
    _check_mcp(definition, implementation.request_model)
    return RegisteredAgent(definition=definition, implementation=implementation)


def _check_mcp(definition: AgentDefinition, request_model: type[BaseModel]) -> None:
    """A hidden field must exist and have a default: the tool cannot ask for it."""
    for field in definition.mcp.hidden_fields:
        info = request_model.model_fields.get(field)
        if info is None or info.is_required():
            problem = "is not a field of" if info is None else "is required by"
            raise AgentError(
                f"agents.{definition.name}.mcp.hidden_fields: {field!r} {problem} {request_model.__name__}. "
                "Fix: hide only optional fields of the request model"
            )


def _resolve(reference: str, *, where: str) -> object:
    module_name, _, attribute = reference.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as err:
        raise AgentError(f"{where}: cannot import {reference} ({err}). Fix: correct the reference") from err
