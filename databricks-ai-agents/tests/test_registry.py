"""Agent definitions and the registry: the shipped file loads, and every kind of mistake is a clear AgentError."""

import logging
from pathlib import Path

import pytest

from databricks_ai_agents.agents.template_agent import TemplateAgent, TemplateProposal, TemplateRequest
from databricks_ai_agents.core.contract import AgentContext
from databricks_ai_agents.core.definitions import load_definitions
from databricks_ai_agents.core.registry import load_agent, load_registry
from databricks_ai_agents.errors import AgentError

GOOD = """\
version: 1
agents:
  template:
    description: Proposes answers.
    implementation: databricks_ai_agents.agents.template_agent:TemplateAgent
    inputs: databricks_ai_agents.agents.template_agent:TemplateRequest
    outputs: databricks_ai_agents.agents.template_agent:TemplateProposal
    llm: {model: claude-test}
    mcp: {tool: propose_project, title: Propose}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agents.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_definitions_load_into_a_registry_that_runs():
    registry = load_registry()
    assert registry.names == ("init", "profile", "quality", "template")
    assert registry.get("init").definition.mcp.hidden_fields == ("force",)
    registered = registry.get("template")
    assert registered.implementation is TemplateAgent
    assert registered.definition.read_only is True
    context = AgentContext(definition=registered.definition, workdir=Path(), logger=logging.getLogger("t"))
    result = registered.implementation().run(TemplateRequest(description="sales from csv"), context)
    assert isinstance(result, TemplateProposal)
    assert result.answers["source_format"] == "csv"


def test_defaults_apply_to_optional_settings(tmp_path):
    definition = load_definitions(write(tmp_path, GOOD))["template"]
    assert (definition.llm.max_tokens, definition.llm.temperature) == (2048, None)
    assert (definition.execution.timeout_s, definition.execution.default_engine) == (120, "auto")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agents: {}\n", "expected 'version: 1' and an 'agents:' mapping"),
        ("version: 1\nagents: [\n", "not valid YAML"),
        (
            GOOD.replace("llm: {model: claude-test}", "llm: {model: claude-test, temperature: 3}"),
            "agents.template.llm.temperature",
        ),
        (GOOD + "    colour: blue\n", "agents.template.colour: Extra inputs are not permitted"),
        (GOOD.replace("  template:", "  Template:"), "agents.Template.name: String should match pattern"),
        (GOOD.replace("    description: Proposes answers.\n", ""), "agents.template.description: Field required"),
        (
            GOOD.replace("version: 1\nagents:\n", "version: 1\nagents:\n  broken: 3\n"),
            "agents.broken: must be a mapping",
        ),
    ],
)
def test_definition_errors_name_the_field(tmp_path, text, message):
    with pytest.raises(AgentError, match="Fix:") as caught:
        load_definitions(write(tmp_path, text))
    assert message in str(caught.value)


def test_a_missing_file_is_an_agent_error(tmp_path):
    with pytest.raises(AgentError, match="cannot read the agent definitions"):
        load_definitions(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("template_agent:TemplateAgent", "template_agent:Nope"), "agents.template.implementation: cannot import"),
        (("template_agent:TemplateAgent", "template_agent:propose"), "is not an Agent subclass"),
        (("template_agent:TemplateRequest", "template_agent:TemplateProposal"), "agents.template.inputs: "),
        (("agents.template_agent:TemplateProposal", "core.definitions:LlmSettings"), "agents.template.outputs: "),
    ],
)
def test_implementations_must_match_their_definition(tmp_path, change, message):
    with pytest.raises(AgentError, match=message):
        load_registry(write(tmp_path, GOOD.replace(*change)))


def test_unknown_agents_suggest_the_closest():
    expected = r"no agent named 'templat' \(did you mean 'template'\?\)\. Agents: init, profile, quality, template"
    with pytest.raises(AgentError, match=expected):
        load_registry().get("templat")


def test_mcp_settings_are_checked_against_the_request_model(tmp_path):
    def hiding(field):
        return GOOD.replace("title: Propose}", f"title: Propose, hidden_fields: [{field}]}}")

    with pytest.raises(AgentError, match=r"mcp.hidden_fields: 'nope' is not a field of TemplateRequest"):
        load_registry(write(tmp_path, hiding("nope")))
    with pytest.raises(AgentError, match=r"'description' is required by TemplateRequest"):
        load_registry(write(tmp_path, hiding("description")))
    twice = GOOD + GOOD.split("agents:\n", 1)[1].replace("  template:", "  template_two:")
    with pytest.raises(AgentError, match=r"mcp\.tool propose_project is used by more than one agent"):
        load_registry(write(tmp_path, twice))


def test_load_agent_imports_only_that_agent():
    """A CLI command running one agent must not pay for the others' imports (the profiler's stack)."""
    import subprocess
    import sys

    probe = (
        "import sys; from databricks_ai_agents.core.registry import load_agent; "
        "agent = load_agent('quality'); "
        "print(agent.implementation.__name__, 'databricks_ai_agents.agents.profile_agent' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["QualityAgent", "False"]
    with pytest.raises(AgentError, match=r"no agent named 'qualty' \(did you mean 'quality'\?\)"):
        load_agent("qualty")
