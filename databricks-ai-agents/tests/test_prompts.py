"""Prompt files: every shipped prompt loads and renders; mistakes in a prompt file are clear AgentErrors."""

import pytest

from databricks_ai_agents.core.prompts import list_prompts, load_prompt
from databricks_ai_agents.errors import AgentError


@pytest.mark.parametrize(("agent", "name"), list_prompts())
def test_every_shipped_prompt_renders_with_its_declared_variables(agent, name):
    prompt = load_prompt(agent, name)
    rendered = prompt.render(**{variable: f"<{variable}>" for variable in prompt.variables})
    for variable in prompt.variables:
        assert f"<{variable}>" in rendered
    assert "{{" not in rendered and "{%" not in rendered


def test_the_template_agent_has_its_prompt():
    assert ("template", "propose") in list_prompts()


def write(tmp_path, body, *, agent="demo", name="ask", variables="[topic]"):
    folder = tmp_path / agent
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(
        f"---\nagent: {agent}\nname: {name}\ndescription: d\nvariables: {variables}\n---\n{body}", encoding="utf-8"
    )
    return tmp_path


def test_rendering_is_strict(tmp_path):
    prompt = load_prompt("demo", "ask", root=write(tmp_path, "Tell me about {{ topic }}.\n"))
    assert prompt.render(topic="Delta") == "Tell me about Delta.\n"
    with pytest.raises(AgentError, match=r"missing variables \['topic'\], unexpected \[\]"):
        prompt.render()
    with pytest.raises(AgentError, match=r"unexpected \['colour'\]"):
        prompt.render(topic="x", colour="blue")


@pytest.mark.parametrize(
    ("body", "variables", "message"),
    [
        (
            "About {{ topic }} and {{ other }}",
            "[topic]",
            "the body uses ['other', 'topic'] but the front matter declares ['topic']",
        ),
        ("No variables", "[topic]", "the body uses [] but the front matter declares ['topic']"),
        ("About {{ topic }", "[topic]", "Fix: correct the Jinja syntax"),
        ("About {{ topic }}", "topic", "front matter 'variables' must be a list of names"),
    ],
)
def test_prompt_file_mistakes(tmp_path, body, variables, message):
    root = write(tmp_path, body, variables=variables)
    with pytest.raises(AgentError, match="prompt ") as caught:
        load_prompt("demo", "ask", root=root)
    assert message in str(caught.value)


def test_front_matter_must_exist_and_name_the_prompt(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "bare.md").write_text("Just text", encoding="utf-8")
    with pytest.raises(AgentError, match="must start with a '---' front matter block"):
        load_prompt("demo", "bare", root=tmp_path)
    root = write(tmp_path, "{{ topic }}", name="ask")
    (root / "demo" / "renamed.md").write_text((root / "demo" / "ask.md").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(AgentError, match="front matter must say agent: demo and name: renamed"):
        load_prompt("demo", "renamed", root=root)
    with pytest.raises(AgentError, match="cannot read it"):
        load_prompt("demo", "missing", root=root)
    (tmp_path / "demo" / "list.md").write_text("---\n- a\n---\nx", encoding="utf-8")
    with pytest.raises(AgentError, match="front matter must be a mapping"):
        load_prompt("demo", "list", root=tmp_path)
    (tmp_path / "demo" / "bad.md").write_text("---\na: [\n---\nx", encoding="utf-8")
    with pytest.raises(AgentError, match="front matter is not YAML"):
        load_prompt("demo", "bad", root=tmp_path)
