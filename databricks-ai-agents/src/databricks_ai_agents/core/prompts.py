"""Prompts as files: ``prompts/<agent>/<name>.md`` with YAML front matter, rendered strictly.

The front matter declares the variables; loading fails when the body uses another one or leaves a declared
one unused, and rendering fails when a variable is missing, so a prompt can never go out half-filled.

Example:
    >>> prompt = load_prompt("template", "propose")
    >>> sorted(prompt.variables)[:2]
    ['description', 'options_table']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from databricks_ai_agents.errors import AgentError

PROMPTS_DIR: Final = Path(__file__).resolve().parents[1] / "prompts"


@dataclass(frozen=True)
class Prompt:
    """One prompt file: its front matter and its Jinja body."""

    agent: str
    name: str
    description: str
    variables: frozenset[str]
    body: str
    path: Path

    def render(self, **values: object) -> str:
        """The prompt with ``values`` filled in.

        Raises:
            AgentError: A declared variable is missing, or an undeclared one is given.
        """
        missing = sorted(self.variables - values.keys())
        extra = sorted(values.keys() - self.variables)
        if missing or extra:
            raise AgentError(
                f"prompt {self.path}: missing variables {missing}, unexpected {extra}. "
                "Fix: pass exactly the variables its front matter declares"
            )
        import jinja2

        environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)  # noqa: S701 - plain text for an LLM, not HTML
        return environment.from_string(self.body).render(**values)


def load_prompt(agent: str, name: str, *, root: Path = PROMPTS_DIR) -> Prompt:
    """Read and check ``<root>/<agent>/<name>.md``.

    Raises:
        AgentError: The file is missing, its front matter is malformed, or its variables do not match its body.
    """
    path = root / agent / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise AgentError(f"prompt {path}: cannot read it ({err.strerror}). Fix: add the file or fix the name") from err
    meta, body = _split_front_matter(text, path)
    declared = meta.get("variables")
    if not isinstance(declared, list) or not all(isinstance(v, str) for v in declared):
        raise AgentError(f"prompt {path}: front matter 'variables' must be a list of names")
    used = _variables_used(body, path)
    if used != set(declared):
        raise AgentError(
            f"prompt {path}: the body uses {sorted(used)} but the front matter declares {sorted(declared)}. "
            "Fix: make them the same"
        )
    if meta.get("agent") != agent or meta.get("name") != name:
        raise AgentError(f"prompt {path}: front matter must say agent: {agent} and name: {name}")
    return Prompt(agent, name, str(meta.get("description", "")), frozenset(declared), body, path)


def list_prompts(root: Path = PROMPTS_DIR) -> list[tuple[str, str]]:
    """``(agent, name)`` of every prompt file under ``root``."""
    return sorted((path.parent.name, path.stem) for path in root.glob("*/*.md"))


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str]:
    parts = text.split("---\n", 2)
    if len(parts) != 3 or parts[0].strip():  # noqa: PLR2004 - before, front matter, body
        raise AgentError(f"prompt {path}: must start with a '---' front matter block. Fix: add one")
    try:
        meta = yaml.safe_load(parts[1])
    except yaml.YAMLError as err:
        raise AgentError(f"prompt {path}: front matter is not YAML ({err})") from err
    if not isinstance(meta, dict):
        raise AgentError(f"prompt {path}: front matter must be a mapping")
    return meta, parts[2]


def _variables_used(body: str, path: Path) -> set[str]:
    import jinja2
    from jinja2 import meta

    try:
        return set(meta.find_undeclared_variables(jinja2.Environment(autoescape=False).parse(body)))  # noqa: S701 - see render
    except jinja2.TemplateSyntaxError as err:
        raise AgentError(f"prompt {path}:{err.lineno}: {err.message}. Fix: correct the Jinja syntax") from err
