"""Structural checks the JSON schema does not make: ``bundle.name``, top-level keys, target modes and defaults.

The official schema accepts any top-level key and any ``mode`` string (its root has
``additionalProperties: {}``, and ``mode`` is a plain string), so a misspelt ``resource:`` or
``mode: dev`` would pass it; the CLI rejects both.
"""

from __future__ import annotations

import difflib

from databricks_utils.bundle.document import BundleDocument
from databricks_utils.bundle.merge import kind
from databricks_utils.bundle.report import BundleProblem
from databricks_utils.bundle.targets import target_names

# The `properties` of the root of the official bundle schema (databricks/cli bundle/schema/jsonschema.json);
# a test compares this list with the schema file when it is at hand.
TOP_LEVEL_KEYS = frozenset(
    {
        "artifacts",
        "bundle",
        "environments",
        "experimental",
        "include",
        "permissions",
        "presets",
        "python",
        "resources",
        "run_as",
        "scripts",
        "sync",
        "targets",
        "variables",
        "workspace",
    }
)
TARGET_MODES = ("development", "production")


def structure_problems(document: BundleDocument, *, target: str | None = None) -> list[BundleProblem]:
    """Problems with the bundle's name, top-level keys and targets (and the ``target`` asked for, if any)."""
    return [
        *_bundle_name(document),
        *_top_level_keys(document),
        *_targets(document),
        *_selected_target(document, target),
    ]


def _bundle_name(document: BundleDocument) -> list[BundleProblem]:
    bundle = document.data.get("bundle")
    name = bundle.get("name") if isinstance(bundle, dict) else None
    if isinstance(name, str) and name.strip():
        return []
    got = "missing" if name is None else f"{kind(name)}, not a name"
    return [
        document.problem(
            ("bundle", "name"),
            f"bundle.name is {got}; the CLI needs it to name the deployment. "
            "Fix: write 'bundle:' then '  name: my_bundle' in databricks.yml",
        )
    ]


def _top_level_keys(document: BundleDocument) -> list[BundleProblem]:
    problems = []
    for key in document.data:
        if key in TOP_LEVEL_KEYS:
            continue
        close = difflib.get_close_matches(key, TOP_LEVEL_KEYS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        problems.append(
            document.problem(
                (key,),
                f"unknown top-level key '{key}'; the CLI rejects it. "
                f"Fix: {hint}Top-level keys are {', '.join(sorted(TOP_LEVEL_KEYS))}",
            )
        )
    return problems


def _targets(document: BundleDocument) -> list[BundleProblem]:
    targets = document.data.get("targets")
    if targets is None:
        return []
    if not isinstance(targets, dict):
        return [
            document.problem(
                ("targets",),
                f"'targets' must map target names to settings, got {kind(targets)}. Fix: write 'targets:' then "
                "'  dev:' with its settings indented below",
            )
        ]
    problems: list[BundleProblem] = []
    for name, target in targets.items():
        if target is not None and not isinstance(target, dict):
            problems.append(
                document.problem(
                    ("targets", name),
                    f"target '{name}' must be a mapping of settings, got {kind(target)}. "
                    "Fix: write 'mode:', 'default:', 'workspace:'... indented under it",
                )
            )
        elif target is not None and "mode" in target and target["mode"] not in TARGET_MODES:
            problems.append(
                document.problem(
                    ("targets", name, "mode"),
                    f"mode {target['mode']!r} is not a deployment mode. Fix: write 'mode: development' or "
                    "'mode: production', or remove the line",
                )
            )
    return problems + _defaults(document, targets)


def _defaults(document: BundleDocument, targets: dict[str, object]) -> list[BundleProblem]:
    defaults = [name for name, target in targets.items() if isinstance(target, dict) and target.get("default") is True]
    if len(defaults) > 1:
        return [
            document.problem(
                ("targets", name, "default"),
                f"targets {', '.join(defaults)} are all marked 'default: true'; the CLI needs exactly one. "
                f"Fix: keep 'default: true' on {defaults[0]} only",
            )
            for name in defaults[1:]
        ]
    if not defaults and len(targets) > 1:
        # With a single target the CLI selects it anyway; with several it cannot choose.
        return [
            document.problem(
                ("targets",),
                f"none of the targets ({', '.join(targets)}) has 'default: true', so every CLI command would need "
                "'-t NAME'. Fix: add 'default: true' to one target (usually the development one)",
            )
        ]
    return []


def _selected_target(document: BundleDocument, target: str | None) -> list[BundleProblem]:
    names = target_names(document)
    if target is None or target in names:
        return []
    defined = f"the bundle defines: {', '.join(names)}" if names else "the bundle defines no targets"
    return [
        document.problem(
            ("targets",),
            f"target '{target}' does not exist; {defined}. Fix: pass one of them to --target",
        )
    ]
