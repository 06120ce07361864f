"""The CLI and MCP contracts, generated from the code: ``specs/.../contracts/``.

``cli.json``, ``mcp.json``, ``cli.md``, and ``profile.schema.json`` (what ``profile.json`` holds).

``cli.json`` lists every command with its arguments, options, exit codes and the JSON schema of its ``--json``
output; ``mcp.json`` lists the MCP server's tools (input and output schemas, annotations), resources and
prompts. A test regenerates both and fails when the committed files differ, and runs every command with
``--json`` to validate its real output against the schema here. Regenerate with ``make contracts``.

Example:
    >>> sorted(cli_reference()["commands"])[:2]
    ['init', 'list']
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Final

import click

EXIT_CODES: Final = {
    "0": "success",
    "1": "failure: one line on stderr naming what, where and the fix (the traceback only with --verbose)",
    "2": "usage error: a bad option or argument (Click's message on stderr)",
}
_STRING_LIST: Final = {"type": "array", "items": {"type": "string"}}
_TEMPLATE: Final = {
    "type": "object",
    "required": ["name", "version", "description", "tags"],
    "properties": {"name": {"type": "string"}, "version": {"type": "string"}, "description": {"type": "string"}},
}
JSON_OUTPUT: Final[dict[str, dict[str, Any] | None]] = {
    "list": {
        "type": "object",
        "required": ["agents", "templates"],
        "properties": {
            "agents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "description", "read_only", "default_engine", "mcp_tool"],
                    "properties": {
                        "read_only": {"type": "boolean"},
                        "default_engine": {"enum": ["auto", "rules", "llm"]},
                    },
                },
            },
            "templates": {"type": "array", "items": {"type": "object", "required": ["name", "version", "description"]}},
        },
    },
    "templates list": {"type": "array", "items": _TEMPLATE},
    "templates show": {
        "type": "object",
        "required": ["name", "version", "description", "when_to_use", "tags", "path", "options"],
        "properties": {
            "tags": _STRING_LIST,
            "options": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "default", "choices", "prompt", "derived"],
                    "properties": {"choices": _STRING_LIST, "derived": {"type": "boolean"}},
                },
            },
        },
    },
    "templates stats": {
        "type": "object",
        "required": ["log", "tracking", "opted_out_by", "templates"],
        "properties": {
            "log": {"type": ["string", "null"]},
            "tracking": {"type": "boolean"},
            "records": {"type": "integer"},
            "skipped": {"type": "integer"},
            "templates": {"type": "array", "items": {"type": "object", "required": ["template", "runs", "created"]}},
            "suggestions": {
                "type": "array",
                "items": {"type": "object", "required": ["template", "option", "current_default", "proposed", "share"]},
            },
            "message": {"type": "string"},
        },
    },
    "serve": None,  # speaks MCP on stdio (or HTTP): see mcp.json
}
"""``--json`` output schema per command; ``init`` takes its schema from the init agent's result model."""


def cli_reference() -> dict[str, Any]:
    """Every command of ``databricks-agent``: help, arguments, options, and its ``--json`` schema."""
    from databricks_ai_agents.agents.init_agent import InitResult
    from databricks_ai_agents.agents.profile_agent import ProfileResult
    from databricks_ai_agents.agents.quality_agent import QualityResult
    from databricks_ai_agents.cli.main import cli

    outputs = {
        **JSON_OUTPUT,
        "init": InitResult.model_json_schema(),
        "profile": ProfileResult.model_json_schema(),
        # `quality --list-rules --json` prints the rule list instead; see code-review-rules.md.
        "quality": QualityResult.model_json_schema(),
    }
    commands: dict[str, Any] = {}
    root = click.Context(cli, info_name="databricks-agent")
    for path, command in _walk(root, cli):
        entry = _command_entry(command)
        if not isinstance(command, click.Group):
            entry["json_output"] = outputs[path]
        commands[path] = entry
    return {
        "program": "databricks-agent",
        "global_options": [_param_entry(p) for p in cli.params if p.name != "version"] + [_version_option()],
        "exit_codes": EXIT_CODES,
        "commands": commands,
    }


def _walk(ctx: click.Context, group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += _walk(click.Context(command, info_name=name, parent=ctx), command, f"{path} ")
    return found


def _command_entry(command: click.Command) -> dict[str, Any]:
    return {
        "help": (command.help or "").strip().split("\n\n")[0],
        "arguments": [_param_entry(p) for p in command.params if isinstance(p, click.Argument)],
        "options": [_param_entry(p) for p in command.params if isinstance(p, click.Option)],
    }


def _param_entry(param: click.Parameter) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": param.name, "required": param.required}
    if isinstance(param, click.Option):
        entry["flags"] = sorted(param.opts + param.secondary_opts)
        entry["help"] = param.help or ""
        entry["is_flag"] = param.is_flag
        entry["multiple"] = param.multiple
        if not param.is_flag and isinstance(param.default, str | int | float | bool):
            entry["default"] = param.default
    if isinstance(param.type, click.Choice):
        entry["choices"] = [str(choice) for choice in param.type.choices]
    return entry


def _version_option() -> dict[str, Any]:
    return {
        "name": "version",
        "required": False,
        "flags": ["--version"],
        "help": "Show the version and exit.",
        "is_flag": True,
        "multiple": False,
    }


def mcp_reference() -> dict[str, Any]:
    """The MCP server's tools, resources and prompts as a client sees them (full server; --read-only marked)."""
    import anyio

    from databricks_ai_agents.core.registry import load_registry
    from databricks_ai_agents.mcp_server.sandbox import WorkspaceRoot
    from databricks_ai_agents.mcp_server.server import build_server

    registry = load_registry()
    server = build_server(registry, root=WorkspaceRoot(Path.cwd()))
    read_only = {
        t.name for t in anyio.run(build_server(registry, root=WorkspaceRoot(Path.cwd()), read_only=True).list_tools)
    }

    async def listing() -> tuple[Any, Any, Any]:
        return await server.list_tools(), await server.list_resources(), await server.list_prompts()

    tools, resources, prompts = anyio.run(listing)
    return {
        "server": "databricks-agent serve",
        "transports": ["stdio (default)", "streamable-http on 127.0.0.1 (--transport http)"],
        "tools": [
            {
                **t.model_dump(
                    mode="json",
                    by_alias=True,
                    exclude_none=True,
                    include={"name", "title", "description", "input_schema", "output_schema", "annotations"},
                ),
                "served_with_read_only": t.name in read_only,
            }
            for t in tools
        ],
        "resources": [
            r.model_dump(
                mode="json", by_alias=True, exclude_none=True, include={"uri", "name", "description", "mime_type"}
            )
            for r in resources
        ],
        "prompts": [p.model_dump(mode="json", by_alias=True, exclude_none=True) for p in prompts],
    }


def render_markdown(cli_doc: dict[str, Any], mcp_doc: dict[str, Any]) -> str:
    """A readable summary of both contracts (the JSON files are the reference)."""
    lines = [
        "# databricks-agent: CLI and MCP contract",
        "",
        "Generated by `make contracts` from the code (`databricks_ai_agents.cli.reference`); do not edit.",
        "The JSON files next to it are the full reference: `cli.json` (options, `--json` output schemas) and",
        "`mcp.json` (tool input and output schemas, annotations).",
        "",
        "## Exit codes",
        "",
        *[f"- `{code}`: {meaning}" for code, meaning in cli_doc["exit_codes"].items()],
        "",
        "## Global options",
        "",
        *[f"- `{', '.join(o['flags'])}`: {o['help']}" for o in cli_doc["global_options"]],
        "",
        "## Commands",
        "",
    ]
    for path, command in cli_doc["commands"].items():
        arguments = " ".join(a["name"].upper() for a in command["arguments"])
        lines += [f"### `databricks-agent {path}{' ' + arguments if arguments else ''}`", "", command["help"], ""]
        lines += [f"- `{', '.join(o['flags'])}`: {o['help']}" for o in command["options"]]
        lines += [""]
    lines += [
        "## MCP tools (`databricks-agent serve`)",
        "",
        "| tool | read-only | destructive | with --read-only | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for tool in mcp_doc["tools"]:
        hints = tool.get("annotations", {})
        lines.append(
            f"| `{tool['name']}` | {hints.get('readOnlyHint', False)} | {hints.get('destructiveHint', '')} | "
            f"{tool['served_with_read_only']} | {tool.get('description', '')} |"
        )
    lines += [
        "",
        "## MCP resources",
        "",
        *[f"- `{r['uri']}`: {r.get('description', '')}" for r in mcp_doc["resources"]],
    ]
    lines += [
        "",
        "## MCP prompts",
        "",
        *[f"- `{p['name']}`: {p.get('description', '')}" for p in mcp_doc["prompts"]],
        "",
    ]
    return "\n".join(lines)


def write_contracts(folder: Path) -> list[Path]:
    """Write ``cli.json``, ``mcp.json``, ``cli.md``, ``profile.schema.json`` and ``code-review-rules.md``."""
    from databricks_ai_agents.lint.reference import rule_reference
    from databricks_ai_agents.lint.rules import all_rules
    from databricks_utils.profiling import DatasetProfile

    cli_doc, mcp_doc = cli_reference(), mcp_reference()
    files = {
        "profile.schema.json": json.dumps(DatasetProfile.model_json_schema(), indent=2) + "\n",
        "cli.json": json.dumps(cli_doc, indent=2, sort_keys=False) + "\n",
        "mcp.json": json.dumps(mcp_doc, indent=2, sort_keys=False) + "\n",
        "cli.md": render_markdown(cli_doc, mcp_doc),
        "code-review-rules.md": rule_reference(all_rules()),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


if __name__ == "__main__":
    for written in write_contracts(Path(sys.argv[1])):
        click.echo(f"wrote {written}")
