"""The templates shipped in this package: their manifests (``template.yaml``) and options (``cookiecutter.json``).

Example:
    >>> [t.name for t in list_templates()]
    ['databricks-pipeline']
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import yaml

from databricks_project_templates.answers import choices_of
from databricks_project_templates.errors import TemplateError, TemplateNotFoundError

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
MANIFEST: Final = "template.yaml"


@dataclass(frozen=True)
class TemplateOption:
    """One question of a template.

    Attributes:
        name: The cookiecutter variable.
        default: Its default (a Jinja expression when ``derived``).
        choices: Allowed values for choice questions (the first is the default), else empty.
        prompt: The question as asked.
        derived: True when the default is computed from other answers (``project_slug`` from ``project_name``).
    """

    name: str
    default: str
    choices: tuple[str, ...]
    prompt: str
    derived: bool

    def as_dict(self) -> dict[str, object]:
        """The option as JSON-ready data (what ``templates show --json`` and the MCP resource give).

        Example:
            >>> TemplateOption("cloud", "aws", ("aws", "azure"), "Cloud?", False).as_dict()["choices"]
            ['aws', 'azure']
        """
        return {
            "name": self.name,
            "default": self.default,
            "choices": list(self.choices),
            "prompt": self.prompt,
            "derived": self.derived,
        }


@dataclass(frozen=True)
class TemplateInfo:
    """A template: what its manifest says, where it is, and its questions."""

    name: str
    version: str
    description: str
    tags: tuple[str, ...]
    when_to_use: str
    path: Path
    options: tuple[TemplateOption, ...]

    def option(self, name: str) -> TemplateOption:
        """The option called ``name``.

        Raises:
            TemplateError: The template has no such option (the message suggests the closest).
        """
        for option in self.options:
            if option.name == name:
                return option
        raise TemplateError(f"template {self.name!r} has no option {name!r}{did_you_mean(name, self.option_names)}")

    @property
    def option_names(self) -> tuple[str, ...]:
        """The names of the options, in question order."""
        return tuple(option.name for option in self.options)


def list_templates() -> list[TemplateInfo]:
    """Every template in this package, sorted by name.

    Raises:
        TemplateError: A template's manifest or cookiecutter.json is broken (a packaging bug).
    """
    return [_load(path) for path in sorted(TEMPLATES_DIR.iterdir()) if (path / MANIFEST).is_file()]


def get_template(name: str) -> TemplateInfo:
    """The template called ``name``.

    Raises:
        TemplateNotFoundError: No template has that name (the message lists the templates).
    """
    templates = {template.name: template for template in list_templates()}
    if name not in templates:
        raise TemplateNotFoundError(
            f"no template named {name!r}{did_you_mean(name, templates)}. Available: {', '.join(sorted(templates))}"
        )
    return templates[name]


def template_path(name: str) -> Path:
    """The folder of template ``name``, for ``cookiecutter <path>``.

    Example:
        >>> template_path("databricks-pipeline").name
        'databricks-pipeline'
    """
    return get_template(name).path


@cache
def _load(path: Path) -> TemplateInfo:
    try:
        manifest = yaml.safe_load((path / MANIFEST).read_text(encoding="utf-8"))
        variables = json.loads((path / "cookiecutter.json").read_text(encoding="utf-8"))
        return TemplateInfo(
            name=str(manifest["name"]),
            version=str(manifest["version"]),
            description=" ".join(str(manifest["description"]).split()),
            tags=tuple(str(tag) for tag in manifest.get("tags", [])),
            when_to_use=" ".join(str(manifest.get("when_to_use", "")).split()),
            path=path,
            options=_options(variables),
        )
    except (OSError, KeyError, TypeError, yaml.YAMLError, json.JSONDecodeError) as err:
        raise TemplateError(
            f"template folder {path} is broken ({err!r}). Fix: reinstall databricks-project-templates"
        ) from err


def _options(variables: dict[str, object]) -> tuple[TemplateOption, ...]:
    prompts = variables.get("__prompts__", {})
    choices = choices_of(variables)
    options = []
    for name, value in variables.items():
        if name.startswith("_"):
            continue
        default = choices[name][0] if name in choices else str(value)
        prompt = str(prompts.get(name, name)) if isinstance(prompts, dict) else name
        options.append(
            TemplateOption(
                name, default, tuple(choices.get(name, ())), prompt, derived="{{" in default or "{%" in default
            )
        )
    return tuple(options)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or "" when none is close."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""
