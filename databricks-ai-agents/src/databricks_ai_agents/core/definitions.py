"""Agent definitions: ``config/agent_definition.yaml`` validated into pydantic models, with clear errors.

Example:
    >>> definitions = load_definitions()
    >>> definitions["template"].execution.default_engine
    'auto'
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from databricks_ai_agents.errors import AgentError

DEFINITIONS_FILE: Final = Path(__file__).resolve().parents[1] / "config" / "agent_definition.yaml"
_REFERENCE: Final = r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$"
Engine = Literal["auto", "rules", "llm"]


class LlmSettings(BaseModel):
    """How the agent's LLM engine calls Claude (used only when an API key is set)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(min_length=1)
    max_tokens: int = Field(default=2048, ge=1, le=64000)
    temperature: float | None = Field(default=None, ge=0.0, le=1.0, description="Only for models that accept it.")


class ExecutionSettings(BaseModel):
    """Limits and the default engine of one agent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(default=120, gt=0)
    default_engine: Engine = "auto"


class McpSettings(BaseModel):
    """How the agent appears as a tool of the MCP server (``databricks-agent serve``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="The tool's name, e.g. init_project.")
    title: str = Field(min_length=1, description="A short human title IDEs show.")
    hidden_fields: tuple[str, ...] = Field(
        default=(), description="Request fields the tool does not offer (they keep their defaults), e.g. force."
    )
    destructive: bool = Field(default=False, description="May the tool overwrite or delete what exists?")
    idempotent: bool = Field(default=False, description="Does calling it twice with the same input change nothing?")


class AgentDefinition(BaseModel):
    """One agent: what it does, its implementation, its request and result models, and its settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)
    implementation: str = Field(pattern=_REFERENCE, description="module.path:ClassName")
    inputs: str = Field(pattern=_REFERENCE, description="module.path:RequestModel")
    outputs: str = Field(pattern=_REFERENCE, description="module.path:ResultModel")
    read_only: bool = False
    llm: LlmSettings
    execution: ExecutionSettings = ExecutionSettings()
    mcp: McpSettings


def load_definitions(path: Path | None = None) -> dict[str, AgentDefinition]:
    """Read and validate the agent definitions file.

    Raises:
        AgentError: The file is missing or not YAML, or an entry is invalid (every problem, with its field).
    """
    source = path or DEFINITIONS_FILE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as err:
        raise AgentError(f"{source}: cannot read the agent definitions ({err.strerror}). Fix: reinstall") from err
    except yaml.YAMLError as err:
        raise AgentError(f"{source}: not valid YAML ({err}). Fix: correct the syntax") from err
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("agents"), dict):
        raise AgentError(f"{source}: expected 'version: 1' and an 'agents:' mapping. Fix: follow the shipped file")
    definitions, problems = {}, []
    for name, body in data["agents"].items():
        try:
            definitions[name] = AgentDefinition.model_validate({"name": name, **(body or {})})
        except ValidationError as err:
            problems += [
                f"agents.{name}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors(include_url=False)
            ]
        except TypeError:
            problems.append(f"agents.{name}: must be a mapping of settings")
    if problems:
        raise AgentError(f"{source}: {'; '.join(problems)}. Fix: correct these fields")
    return definitions
