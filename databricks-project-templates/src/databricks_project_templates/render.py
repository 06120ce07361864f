"""Render a template into a new project: answers checked first, nothing written when they are wrong.

cookiecutter is imported inside the functions (it costs ~170 ms): listing templates stays fast.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from databricks_project_templates.answers import check_answers
from databricks_project_templates.errors import AnswersError, TemplateError
from databricks_project_templates.registry import TemplateInfo, did_you_mean, get_template


def resolve_answers(name: str, answers: Mapping[str, object] | None = None) -> dict[str, str]:
    """The full answers a render would use: defaults, derived values and ``answers``, checked.

    Args:
        name: The template.
        answers: Values for some options; the rest take their defaults (derived ones are computed).

    Returns:
        Every option's value, in question order.

    Raises:
        TemplateNotFoundError: No such template.
        AnswersError: An answer names an unknown option, or the answers break a rule (all problems at once).

    Example:
        >>> resolve_answers("databricks-pipeline", {"project_name": "Shop Events"})["package_name"]
        'shop_events'
    """
    template = get_template(name)
    given = {key: str(value) for key, value in (answers or {}).items()}
    unknown = [key for key in given if key not in template.option_names]
    if unknown:
        raise AnswersError(template.name, [_unknown_option(template, key) for key in unknown])
    context = _rendered_context(template, given)
    resolved = {option: str(context[option]) for option in template.option_names}
    choices = {option.name: list(option.choices) for option in template.options if option.choices}
    problems = check_answers(resolved, choices=choices)
    if problems:
        raise AnswersError(template.name, problems)
    return resolved


def render_template(
    name: str,
    output_dir: str | Path,
    answers: Mapping[str, object] | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Render template ``name`` into ``output_dir/<project_slug>`` and return that folder.

    Args:
        name: The template (see :func:`~databricks_project_templates.registry.list_templates`).
        output_dir: Where the project folder is created.
        answers: Values for some options (see :func:`resolve_answers`).
        overwrite: Render over an existing project folder (files the template does not produce are kept).

    Raises:
        TemplateNotFoundError: No such template.
        AnswersError: The answers are not valid; nothing was written.
        TemplateError: The project folder exists and ``overwrite`` is false, or rendering failed.

    Example:
        >>> render_template("databricks-pipeline", "/tmp/projects", {"project_name": "Shop"})  # doctest: +SKIP
        PosixPath('/tmp/projects/shop')
    """
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    resolved = resolve_answers(name, answers)
    target = Path(output_dir).resolve() / resolved["project_slug"]
    if target.exists() and not overwrite:
        raise TemplateError(
            f"{target} already exists. Fix: choose another output folder or project_slug, or pass overwrite=True"
        )
    template = get_template(name)
    created = not target.exists()
    try:
        project = cookiecutter(
            str(template.path),
            no_input=True,
            extra_context=resolved,
            output_dir=str(target.parent),
            overwrite_if_exists=overwrite,
        )
    except (CookiecutterException, OSError) as err:
        if created:  # nothing half-written: a folder this call created goes away with the failure
            shutil.rmtree(target, ignore_errors=True)
        raise TemplateError(f"rendering {name!r} into {target} failed: {err}. Fix: check the output folder") from err
    return Path(project)


def _rendered_context(template: TemplateInfo, given: Mapping[str, str]) -> dict[str, object]:
    """The answers as cookiecutter computes them (defaults, choices, derived values), without writing."""
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    context = generate_context(context_file=str(template.path / "cookiecutter.json"), extra_context=dict(given))
    with _importable(template.path):  # the template's Jinja extension lives in its folder
        return dict(prompt_for_config(context, no_input=True))


@contextlib.contextmanager
def _importable(folder: Path) -> Iterator[None]:
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))


def _unknown_option(template: TemplateInfo, key: str) -> str:
    hint = did_you_mean(key, template.option_names) or f" (options: {', '.join(template.option_names)})"
    return f"{key} is not an option of {template.name}{hint}. Fix: use one of its options"
