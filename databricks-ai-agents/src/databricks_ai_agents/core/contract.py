"""The agent contract: typed request in, typed result out, with a context that injects what the agent needs.

Example:
    >>> class Echo(Agent[MyRequest, MyResult]):  # doctest: +SKIP
    ...     request_model, result_model = MyRequest, MyResult
    ...     def run(self, request, context):
    ...         return MyResult(text=request.text)
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar, Final, Generic, TypeVar

from pydantic import BaseModel, Field

from databricks_ai_agents.core.definitions import AgentDefinition
from databricks_ai_agents.core.engine import ResolvedEngine, StructuredLlm

RequestT = TypeVar("RequestT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)

WORKSPACE_PATH_KEY: Final = "x-workspace-path"
WorkspacePath = Annotated[str, Field(json_schema_extra={WORKSPACE_PATH_KEY: True})]
"""A request field holding a path: relative paths are read from the agent's ``workdir``, and the MCP server
resolves it inside its workspace root, refusing any path that escapes it."""


WorkspaceSource = Annotated[str, Field(json_schema_extra={WORKSPACE_PATH_KEY: "or-table"})]
"""A request field holding a data source: a path (file, folder, glob), checked like :data:`WorkspacePath`, or a
table name, passed through unchanged."""


WorkspacePaths = Annotated[list[str], Field(min_length=1, json_schema_extra={WORKSPACE_PATH_KEY: "list"})]
"""A request field holding one or more paths, each checked like :data:`WorkspacePath`."""


def workspace_path_list_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` declared as :data:`WorkspacePaths`."""
    return _marked(model, "list")


def workspace_source_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` declared as :data:`WorkspaceSource`."""
    return _marked(model, "or-table")


def workspace_path_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` declared as :data:`WorkspacePath` (the ones a sandbox must check).

    Example:
        >>> class Req(BaseModel):
        ...     output_dir: WorkspacePath = "."
        ...     name: str = ""
        >>> workspace_path_fields(Req)
        ('output_dir',)
    """
    return _marked(model, True)


def _marked(model: type[BaseModel], marker: object) -> tuple[str, ...]:
    # `is` for True: a bare `==` would also match 1, and "list" must not match True.
    return tuple(
        name
        for name, field in model.model_fields.items()
        if isinstance(field.json_schema_extra, dict)
        and (
            field.json_schema_extra.get(WORKSPACE_PATH_KEY) is True
            if marker is True
            else field.json_schema_extra.get(WORKSPACE_PATH_KEY) == marker
        )
    )


@dataclass(frozen=True)
class AgentContext:
    """What an agent run gets besides its request.

    Attributes:
        definition: The agent's validated definition (LLM and execution settings).
        workdir: The folder the agent may read and write in; paths outside it are refused by callers.
        logger: Where the agent logs (structured, via databricks-utils' configuration).
        engine: ``rules`` (deterministic, offline) or ``llm`` (Claude, output validated), already resolved.
        llm: The LLM client when ``engine`` is ``llm``, else None.
    """

    definition: AgentDefinition
    workdir: Path
    logger: logging.Logger
    engine: ResolvedEngine = "rules"
    llm: StructuredLlm | None = None


class Agent(ABC, Generic[RequestT, ResultT]):
    """Base class of every agent: one deterministic engine that does the whole job offline, at least."""

    request_model: ClassVar[type[BaseModel]]
    result_model: ClassVar[type[BaseModel]]

    @abstractmethod
    def run(self, request: RequestT, context: AgentContext) -> ResultT:
        """Do the agent's job for ``request``."""
