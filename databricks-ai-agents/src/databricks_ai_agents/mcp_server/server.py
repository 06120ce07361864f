"""Build the MCP server: a tool per agent, template listing, resources and a prompt per agent.

Each agent's tool takes its input schema from the agent's request model; resources serve the templates'
options and the agent definitions.

Safety: tools carry read-only / destructive / idempotent annotations from the agent definitions; every
:data:`~databricks_ai_agents.core.contract.WorkspacePath` argument is resolved inside the workspace root and
refused when it escapes; ``read_only`` serves only the read-only tools. A user error (bad answers, a path
outside the root, an existing project) comes back as a tool error with its message; the server keeps running.

Example:
    >>> server = build_server(load_registry(), root=WorkspaceRoot(Path(".")))  # doctest: +SKIP
    >>> server.run("stdio")  # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Final

import anyio
import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from databricks_ai_agents import __version__
from databricks_ai_agents.core.contract import (
    workspace_path_fields,
    workspace_path_list_fields,
    workspace_source_fields,
)
from databricks_ai_agents.core.definitions import Engine
from databricks_ai_agents.core.prompts import list_prompts, load_prompt
from databricks_ai_agents.core.registry import AgentRegistry, RegisteredAgent
from databricks_ai_agents.core.runner import run_agent
from databricks_ai_agents.errors import AgentError, is_user_error
from databricks_ai_agents.mcp_server.sandbox import WorkspaceRoot

SERVER_NAME: Final = "databricks-agent"
RESOURCE_SCHEME: Final = "databricks-agent://"
LIST_TEMPLATES_TOOL: Final = "list_templates"
INSTRUCTIONS: Final = (
    "Agents for Databricks data engineering. Every tool works offline. Paths are relative to the workspace "
    "root the server was started with; paths outside it are refused. Create projects with init_project "
    "(dry_run first to show the answers), and read templates and agent definitions as resources."
)


def build_server(
    registry: AgentRegistry, *, root: WorkspaceRoot, read_only: bool = False, engine: Engine | None = None
) -> MCPServer:
    """The server offering ``registry``'s agents (only the read-only ones when ``read_only``).

    Args:
        registry: The agents (see :func:`~databricks_ai_agents.core.registry.load_registry`).
        root: Every path argument must resolve inside it; agents run with it as their working folder.
        read_only: Serve only tools that write nothing.
        engine: Force an engine for every agent (default: each agent's own, ``auto``).
    """
    server = MCPServer(
        SERVER_NAME, title="Databricks data engineering agents", instructions=INSTRUCTIONS, version=__version__
    )
    for name in registry.names:
        registered = registry.get(name)
        if read_only and not registered.definition.read_only:
            continue
        _add_agent_tool(server, registered, root=root, engine=engine)
    _add_template_listing(server)
    _add_resources(server, registry)
    _add_prompts(server, registry, read_only=read_only)
    return server


def tool_signature(registered: RegisteredAgent) -> inspect.Signature:
    """The tool's parameters: the request model's fields less the definition's ``hidden_fields``.

    Fields keep their types, constraints and descriptions; MCP derives the tool's input schema from this.
    """
    model = registered.implementation.request_model
    hidden = set(registered.definition.mcp.hidden_fields)
    parameters = []
    for name, field in model.model_fields.items():
        if name in hidden:
            continue
        annotation: Any = Annotated[
            field.annotation,
            *field.metadata,
            Field(description=field.description, json_schema_extra=field.json_schema_extra),
        ]
        default = inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True)
        parameters.append(
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        )
    return inspect.Signature(parameters, return_annotation=registered.implementation.result_model)


def _add_agent_tool(
    server: MCPServer, registered: RegisteredAgent, *, root: WorkspaceRoot, engine: Engine | None
) -> None:
    definition = registered.definition
    tool = partial(_call_agent, registered, root=root, engine=engine)

    async def run(**arguments: Any) -> BaseModel:
        return await tool(arguments)

    run.__signature__ = tool_signature(registered)  # type: ignore[attr-defined]  # read by inspect.signature
    run.__name__ = definition.mcp.tool
    server.add_tool(
        run,
        name=definition.mcp.tool,
        title=definition.mcp.title,
        description=definition.description,
        annotations=ToolAnnotations(
            title=definition.mcp.title,
            read_only_hint=definition.read_only,
            destructive_hint=definition.mcp.destructive,
            idempotent_hint=definition.mcp.idempotent,
            open_world_hint=False,
        ),
        structured_output=True,
    )


async def _call_agent(
    registered: RegisteredAgent, arguments: dict[str, Any], *, root: WorkspaceRoot, engine: Engine | None
) -> BaseModel:
    """Check paths against the root, build the request, run the agent in a worker thread under its timeout."""
    model = registered.implementation.request_model
    timeout_s = registered.definition.execution.timeout_s
    try:
        for field in workspace_path_fields(model):
            if arguments.get(field) is not None:
                arguments[field] = str(root.resolve(str(arguments[field]), argument=field))
        for field in workspace_path_list_fields(model):
            if isinstance(arguments.get(field), list):
                arguments[field] = [str(root.resolve(str(item), argument=field)) for item in arguments[field]]
        for field in workspace_source_fields(model):
            if arguments.get(field) is not None:
                arguments[field] = root.resolve_source(str(arguments[field]), argument=field)
        request = model.model_validate(arguments)
        with anyio.fail_after(timeout_s):
            return await anyio.to_thread.run_sync(
                partial(run_agent, registered, request, workdir=root.path, engine=engine), abandon_on_cancel=True
            )
    except TimeoutError as err:
        raise ToolError(
            f"{registered.definition.mcp.tool} took longer than {timeout_s:g} s. "
            "Fix: retry, or raise execution.timeout_s in the agent definition"
        ) from err
    except (AgentError, ValidationError) as err:
        raise ToolError(str(err)) from err
    except Exception as err:
        if is_user_error(err):
            raise ToolError(str(err)) from err
        raise


def _add_template_listing(server: MCPServer) -> None:
    def list_templates() -> list[dict[str, object]]:
        """The project templates: name, version, description, tags and when to use each."""
        from databricks_project_templates import list_templates as templates

        return [_template_summary(t) for t in templates()]

    server.add_tool(
        list_templates,
        name=LIST_TEMPLATES_TOOL,
        title="List project templates",
        annotations=ToolAnnotations(
            title="List project templates", read_only_hint=True, idempotent_hint=True, open_world_hint=False
        ),
        structured_output=True,
    )


def _template_summary(template: Any) -> dict[str, object]:
    return {
        "name": template.name,
        "version": template.version,
        "description": template.description,
        "when_to_use": template.when_to_use,
        "tags": list(template.tags),
    }


def _add_resources(server: MCPServer, registry: AgentRegistry) -> None:
    from databricks_project_templates import list_templates

    for template in list_templates():
        options = [o.as_dict() for o in template.options]
        document = json.dumps({**_template_summary(template), "options": options}, indent=2)
        _add_static(server, f"templates/{template.name}", document, f"Template {template.name}: its options")
    for name in registry.names:
        registered = registry.get(name)
        document = json.dumps(
            {
                **registered.definition.model_dump(mode="json"),
                "input_schema": registered.implementation.request_model.model_json_schema(),
                "output_schema": registered.implementation.result_model.model_json_schema(),
            },
            indent=2,
        )
        _add_static(server, f"agents/{name}", document, f"Agent {name}: definition, input and output schemas")


def _add_static(server: MCPServer, path: str, document: str, description: str) -> None:
    def read() -> str:
        return document

    server.resource(f"{RESOURCE_SCHEME}{path}", name=path, description=description, mime_type="application/json")(read)


def _add_prompts(server: MCPServer, registry: AgentRegistry, *, read_only: bool) -> None:
    """One prompt per agent served, from ``prompts/<agent>/mcp.md`` (its variables become the arguments)."""
    available = set(list_prompts())
    for name in registry.names:
        definition = registry.get(name).definition
        if (name, "mcp") not in available or (read_only and not definition.read_only):
            continue
        prompt = load_prompt(name, "mcp")
        server.prompt(name=name, title=definition.mcp.title, description=prompt.description)(_prompt_function(prompt))


def _prompt_function(prompt: Any) -> Callable[..., Awaitable[str]]:
    async def render(**values: str) -> str:
        return str(prompt.render(**values))

    render.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by inspect.signature
        [inspect.Parameter(v, inspect.Parameter.KEYWORD_ONLY, annotation=str) for v in sorted(prompt.variables)],
        return_annotation=str,
    )
    render.__annotations__ = dict.fromkeys(prompt.variables, str) | {"return": str}
    render.__name__ = prompt.name
    return render


def serve(
    registry: AgentRegistry,
    *,
    root: Path,
    read_only: bool = False,
    engine: Engine | None = None,
    transport: str = "stdio",
    host: str = "127.0.0.1",
    port: int = 8765,
) -> None:
    """Run the server until the client disconnects (stdio) or the process is stopped (HTTP)."""
    server = build_server(registry, root=WorkspaceRoot(root), read_only=read_only, engine=engine)
    if transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=host, port=port)
