"""Project templates for Databricks: list them, check answers, render them (cookiecutter underneath).

Example:
    >>> from databricks_project_templates import list_templates, render_template
    >>> [t.name for t in list_templates()]
    ['databricks-pipeline']
    >>> render_template("databricks-pipeline", "projects", {"project_name": "Shop"})  # doctest: +SKIP
    PosixPath('.../projects/shop')
"""

from databricks_project_templates.answers import check_answers
from databricks_project_templates.errors import AnswersError, TemplateError, TemplateNotFoundError
from databricks_project_templates.registry import (
    TemplateInfo,
    TemplateOption,
    get_template,
    list_templates,
    template_path,
)
from databricks_project_templates.render import render_template, resolve_answers

__version__ = "0.1.0"

__all__ = [
    "AnswersError",
    "TemplateError",
    "TemplateInfo",
    "TemplateNotFoundError",
    "TemplateOption",
    "__version__",
    "check_answers",
    "get_template",
    "list_templates",
    "render_template",
    "resolve_answers",
    "template_path",
]
