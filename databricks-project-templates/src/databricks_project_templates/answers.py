"""Check a template's answers before anything is written: names, choices, e-mail, paths.

Standard library only: the template's pre-generation hook imports this module in whatever Python
runs ``cookiecutter``, which may not have pydantic or databricks-utils. Each problem names the
answer, the value and the fix, in one line.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

SLUG: Final = re.compile(r"[a-z][a-z0-9-]{0,48}[a-z0-9]")
PACKAGE: Final = re.compile(r"[a-z][a-z0-9_]{0,48}[a-z0-9]")
CATALOG: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# Names a generated package must not take: they would shadow what the project imports.
RESERVED_PACKAGES: Final = frozenset(
    {"pipelines", "tests", "src", "config", "databricks", "databricks_utils", "pyspark", "delta", "pandas", "test"}
)
# Spark SQL / Unity Catalog words that cannot name a catalog or schema unquoted.
RESERVED_SQL: Final = frozenset(
    {
        "all", "and", "as", "by", "catalog", "create", "cross", "database", "default", "delete", "drop", "false",
        "from", "full", "group", "having", "in", "information_schema", "inner", "insert", "intersect", "join",
        "left", "limit", "not", "null", "on", "or", "order", "right", "schema", "select", "system", "table",
        "true", "union", "update", "using", "where", "with",
    }
)  # fmt: skip

# Free-text answers land inside TOML and YAML strings: these characters would end or escape them.
FREE_TEXT: Final = ("project_name", "description", "owner")
UNSAFE_TEXT: Final = re.compile(r'["\\\x00-\x1f\x7f]')

SWITCHES: Final = ("streaming_ingestion", "ml_feature_table", "dashboard", "databricks_app")
CATALOG_ANSWERS: Final = ("catalog_lab", "catalog_dev", "catalog_prod")


def check_answers(answers: Mapping[str, object], *, choices: Mapping[str, list[str]] | None = None) -> list[str]:
    """Every problem with the answers (empty when they are fine).

    Args:
        answers: The cookiecutter context (``cookiecutter`` mapping), after defaults were applied.
        choices: Allowed values of the choice variables (from ``cookiecutter.json``); checked when given.

    Example:
        >>> check_answers({"project_name": "Orders", "project_slug": "orders", "package_name": "class"})
        ["package_name 'class' is a Python keyword. Fix: pick another name, e.g. 'class_pipeline'"]
    """
    problems: list[str] = []
    problems += _name_problems(answers)
    for key in FREE_TEXT:
        if key in answers and UNSAFE_TEXT.search(str(answers[key])):
            problems.append(
                f"{key} {answers[key]!r} contains a double quote, a backslash or a control character. "
                "Fix: remove them (single quotes are fine)"
            )
    problems += _package_problems(str(answers.get("package_name", "")))
    for key in CATALOG_ANSWERS:
        if key in answers:
            problems += _catalog_problems(key, str(answers[key]))
    email = str(answers.get("owner_email", "x@example.com"))
    if not EMAIL.fullmatch(email):
        problems.append(f"owner_email {email!r} is not an e-mail address. Fix: give one like team@example.com")
    for key, allowed in (choices or {}).items():
        if key in answers and str(answers[key]) not in allowed:
            problems.append(f"{key} {answers[key]!r} is not one of {', '.join(allowed)}. Fix: pick one of them")
    problems += _source_problems(str(answers.get("databricks_utils_source", "")))
    return problems


def choices_of(template_variables: Mapping[str, object]) -> dict[str, list[str]]:
    """The choice variables of a ``cookiecutter.json`` (lists), without cookiecutter's private ``_`` keys.

    Example:
        >>> choices_of({"cloud": ["aws", "azure"], "_extensions": ["x.Y"], "name": "n"})
        {'cloud': ['aws', 'azure']}
    """
    return {
        key: [str(item) for item in value]
        for key, value in template_variables.items()
        if isinstance(value, list) and not key.startswith("_")
    }


def _name_problems(answers: Mapping[str, object]) -> list[str]:
    name, slug = str(answers.get("project_name", "")), str(answers.get("project_slug", ""))
    problems = []
    if not name.strip():
        problems.append("project_name is empty. Fix: give the project a name, e.g. 'Orders Pipeline'")
    if any(part in name for part in ("/", "..")):
        problems.append(
            f"project_name {name!r} contains a path separator or '..'. "
            "Fix: use words only; the folder name is derived from it"
        )
    if not SLUG.fullmatch(slug):
        problems.append(
            f"project_slug {slug!r} is not a valid folder/bundle name: 2-50 characters of a-z, 0-9 and '-', "
            "starting with a letter and not ending with '-'. Fix: pass project_slug explicitly, e.g. 'orders-pipeline'"
        )
    return problems


def _package_problems(package: str) -> list[str]:
    if keyword.iskeyword(package) or keyword.issoftkeyword(package):
        return [f"package_name {package!r} is a Python keyword. Fix: pick another name, e.g. '{package}_pipeline'"]
    if not PACKAGE.fullmatch(package):
        return [
            f"package_name {package!r} is not a valid Python package name: 2-50 characters of a-z, 0-9 and '_', "
            "starting with a letter. Fix: pass package_name explicitly, e.g. 'orders_pipeline'"
        ]
    if package in RESERVED_PACKAGES or package in sys.stdlib_module_names:
        return [
            f"package_name {package!r} would shadow the module '{package}' the project imports. "
            f"Fix: pick another name, e.g. '{package}_pipeline'"
        ]
    return []


def _catalog_problems(key: str, value: str) -> list[str]:
    if not CATALOG.fullmatch(value):
        return [
            f"{key} {value!r} is not a valid catalog name (letters, digits and '_', not starting with a digit). "
            "Fix: e.g. 'dev'"
        ]
    if value.lower() in RESERVED_SQL:
        return [f"{key} {value!r} is a reserved SQL word. Fix: pick another catalog name, e.g. '{value}_catalog'"]
    return []


def _source_problems(source: str) -> list[str]:
    if not source:
        return []
    if "'" in source or UNSAFE_TEXT.search(source):
        return [
            f"databricks_utils_source {source!r} contains a quote, a backslash or a control character. "
            "Fix: use a path without them"
        ]
    path = Path(source)
    is_wheel = path.suffix == ".whl" and path.is_file()
    if not (is_wheel or (path / "pyproject.toml").is_file()):
        return [
            f"databricks_utils_source {source!r} is neither a databricks-utils wheel nor a folder with a "
            "pyproject.toml. Fix: point it at databricks-shared-utilities/ of a checkout or a built wheel, or "
            "leave it empty to install from your package index"
        ]
    return []
