"""Bundle variables: every ``${var.NAME}`` names a declared variable, and every target gives each one a value.

Only the ``var`` (and long-form ``variables``) namespace is checked: ``${bundle.*}``, ``${workspace.*}``,
``${resources.*}``, ``${artifacts.*}`` and the rest are resolved by the CLI from state this validator does
not have. Values passed at deploy time (``--var``, ``BUNDLE_VAR_*``) are not considered: a bundle that
validates here deploys without them.
"""

from __future__ import annotations

import re

from databricks_utils.bundle.document import BundleDocument, YamlPath, walk
from databricks_utils.bundle.report import BundleProblem
from databricks_utils.bundle.targets import is_shorthand

# The CLI's reference syntax (libs/dyn/dynvar/ref.go): dotted names with optional [index] parts; `$${...}`
# is an escaped literal, not a reference.
_NAME = r"_*[^\W\d_]+(?:[-_]*[^\W_]+)*"
REFERENCE = re.compile(rf"(?<!\$)\$\{{({_NAME}(?:\.{_NAME}(?:\[[0-9]+\])*)*(?:\[[0-9]+\])*)\}}")
_VARIABLE_NAMESPACES = ("var", "variables")


def variable_problems(document: BundleDocument) -> list[BundleProblem]:
    """Undeclared ``${var.*}`` references, undeclared target variables, and variables a target leaves unset."""
    return [*_undeclared_references(document), *_undeclared_overrides(document), *_unset(document)]


def referenced_variable(reference: str) -> str | None:
    """The variable a reference path names (``var.catalog`` -> ``catalog``), or None for other namespaces.

    Example:
        >>> referenced_variable("var.tags[0]"), referenced_variable("bundle.name")
        ('tags', None)
    """
    parts = reference.split(".")
    if parts[0] not in _VARIABLE_NAMESPACES or len(parts) < 2:  # noqa: PLR2004 - namespace and name
        return None
    return parts[1].split("[", 1)[0]


def _undeclared_references(document: BundleDocument) -> list[BundleProblem]:
    declared = document.mapping("variables")
    known = ", ".join(declared) or "none"
    problems = []
    for path, value in walk(document.data):
        if not isinstance(value, str) or "${" not in value:
            continue
        for match in REFERENCE.finditer(value):
            name = referenced_variable(match.group(1))
            if name is not None and name not in declared:
                problems.append(
                    document.problem(
                        path,
                        f"{match.group(0)} refers to variable '{name}', which is not declared (declared: {known}). "
                        f"Fix: declare '{name}' under top-level 'variables:' or correct the name",
                    )
                )
    return problems


def _overrides(document: BundleDocument) -> list[tuple[str, dict[str, object]]]:
    """Each target's name and its ``variables`` mapping (empty when it sets none)."""
    result = []
    for name, target in document.mapping("targets").items():
        overrides = target.get("variables") if isinstance(target, dict) else None
        result.append((name, overrides if isinstance(overrides, dict) else {}))
    return result


def _undeclared_overrides(document: BundleDocument) -> list[BundleProblem]:
    declared = document.mapping("variables")
    return [
        document.problem(
            ("targets", target, "variables", name),
            f"target '{target}' sets variable '{name}', which is not declared under top-level 'variables'. "
            f"Fix: declare '{name}' there (with a description) or correct the name",
        )
        for target, overrides in _overrides(document)
        for name in overrides
        if name not in declared
    ]


def _has_value(variable: object) -> bool:
    if not isinstance(variable, dict):
        return variable is not None
    return variable.get("default") is not None or variable.get("lookup") is not None


def _unset(document: BundleDocument) -> list[BundleProblem]:
    declared = document.mapping("variables")
    required = {name: variable for name, variable in declared.items() if not _has_value(variable)}
    targets = _overrides(document)
    if not targets:
        return [
            document.problem(
                ("variables", name),
                f"variable '{name}' has neither a default nor a lookup, and there is no target to set it. "
                "Fix: give it a 'default:'",
            )
            for name in required
        ]
    problems = []
    for target, overrides in targets:
        for name, variable in required.items():
            if not _target_sets(overrides.get(name), variable):
                path: YamlPath = ("targets", target, "variables", name)
                problems.append(
                    document.problem(
                        path,
                        f"variable '{name}' has no default and target '{target}' gives it no value, so deploying "
                        f"'{target}' fails. Fix: write '{name}: <value>' under targets.{target}.variables or give "
                        f"variables.{name} a default",
                    )
                )
    return problems


def _target_sets(value: object, variable: object) -> bool:
    if value is None:
        return False
    if isinstance(variable, dict) and is_shorthand(value, variable):
        return True
    return _has_value(value)
