"""Jinja extension of this template: where the rendered project installs databricks-utils from.

Cookiecutter puts the template folder on ``sys.path`` while rendering and loads the class named in
``cookiecutter.json``'s ``_extensions``. The default answer for ``databricks_utils_source`` is,
in order: the ``DATABRICKS_UTILS_SOURCE`` environment variable (a folder or a wheel), the
``databricks-shared-utilities`` folder of the monorepo this template sits in (a checkout), else
empty, meaning the package index. The name ``databricks-utils`` on PyPI belongs to an unrelated
2018 package, so the rendered project also pins ``>=0.1``.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

# local_extensions.py -> databricks-pipeline -> templates -> databricks_project_templates -> src
# -> databricks-project-templates -> the monorepo root
_MONOREPO_LEVELS = 5


def databricks_utils_source() -> str:
    """The path the rendered project installs databricks-utils from, or "" for the package index."""
    configured = os.environ.get("DATABRICKS_UTILS_SOURCE", "").strip()
    if configured:
        return str(Path(configured).expanduser().resolve())
    checkout = Path(__file__).resolve().parents[_MONOREPO_LEVELS] / "databricks-shared-utilities"
    return str(checkout) if (checkout / "pyproject.toml").is_file() else ""


class DatabricksUtilsSource(Extension):
    """Adds the ``databricks_utils_source()`` global used by ``cookiecutter.json``."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["databricks_utils_source"] = databricks_utils_source
