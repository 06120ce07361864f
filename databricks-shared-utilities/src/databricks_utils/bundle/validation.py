"""``validate_bundle``: every check on a bundle, on the root configuration and on the selected target's view."""

from __future__ import annotations

import logging
from pathlib import Path

from databricks_utils.bundle.document import BundleDocument
from databricks_utils.bundle.jobs import job_problems
from databricks_utils.bundle.json_schema import choose_schema, schema_problems
from databricks_utils.bundle.loader import load_bundle
from databricks_utils.bundle.report import BundleProblem, BundleReport
from databricks_utils.bundle.resources import typed_resource_problems
from databricks_utils.bundle.structure import structure_problems
from databricks_utils.bundle.targets import default_target, target_document, target_names
from databricks_utils.bundle.variables import variable_problems

logger = logging.getLogger(__name__)


def validate_bundle(
    root: Path | str = ".", *, schema: Path | str | None = None, target: str | None = None
) -> BundleReport:
    """Check a Databricks Asset Bundle offline, the way ``databricks bundle validate`` would, without a workspace.

    Reads ``databricks.yml`` (or ``databricks.yaml``, ``bundle.yml``) and its ``include`` files, then checks:
    YAML syntax and duplicate keys; ``bundle.name``; top-level keys; include globs; target modes and the one
    default target; every resource loads into its ``databricks-bundles`` typed class; job task keys and
    dependencies; ``${var.*}`` references and that every target gives each variable a value. The target
    given (else the default one) is also checked with its overrides merged. Against the JSON schema too,
    when one is at hand (see :func:`databricks_utils.bundle.json_schema.choose_schema`).

    Args:
        root: The bundle root folder.
        schema: The bundle JSON schema file (the output of ``databricks bundle schema``).
        target: A target to check with its overrides merged; it must exist.

    Returns:
        The report: ``ok`` when no problem was found, else each problem at its file, line and key path.
        A missing ``databricks.yml`` or a YAML syntax error is a problem, not an exception.

    Raises:
        ConfigFileNotFoundError: ``schema`` (or ``$DATABRICKS_BUNDLE_SCHEMA``) names a missing file.
        ConfigError: That schema file is not a usable JSON schema.
        DependencyMissingError: The ``bundle`` extra (databricks-bundles, jsonschema, regex) is not installed.

    Example:
        >>> report = validate_bundle("my_project", target="prod")  # doctest: +SKIP
        >>> print(report.format())  # doctest: +SKIP
        OK: my_project: 2 resources, targets: dev, prod (schema: not checked)
    """
    loaded = load_bundle(Path(root))
    document = loaded.document
    if document is None:
        return BundleReport(
            root=str(root), bundle_name=None, targets=(), target=target, resource_count=0, problems=loaded.problems
        )
    graph_problems = job_problems(document)
    problems = [
        *loaded.problems,
        *structure_problems(document, target=target),
        *variable_problems(document),
        *graph_problems,
    ]
    typed, notes = typed_resource_problems(document)
    views = [document]
    selected = _selected(document, target)
    if selected is not None:
        view, merge_problems = target_document(document, selected)
        problems.extend(merge_problems)
        if not graph_problems:  # else the target's merge of duplicate tasks would only echo them
            problems.extend(job_problems(view))
        typed.extend(typed_resource_problems(view)[0])
        views.append(view)
    choice = choose_schema(schema)
    notes.extend(choice.notes)
    if choice.text is not None:
        found = [
            problem for view in views for problem in schema_problems(view, choice.text, source=choice.source or "")
        ]
        problems.extend(found)
        # The schema and the typed classes often stumble on the same key; the schema's message says more
        # (close spellings, allowed values), so the typed class's is dropped there.
        places = {_place(problem) for problem in found}
        typed = [problem for problem in typed if _place(problem) not in places]
    problems.extend(typed)
    logger.debug("validated the bundle at %s: %d problems", root, len(problems))
    return BundleReport(
        root=str(root),
        bundle_name=_bundle_name(document),
        targets=target_names(document),
        target=selected,
        resource_count=_resource_count(document),
        problems=_ordered(problems),
        schema_source=choice.source,
        notes=tuple(dict.fromkeys(notes)),
    )


def _selected(document: BundleDocument, target: str | None) -> str | None:
    if target is None:
        return default_target(document)
    return target if target in target_names(document) else None


def _bundle_name(document: BundleDocument) -> str | None:
    name = document.mapping("bundle").get("name")
    return name if isinstance(name, str) else None


def _resource_count(document: BundleDocument) -> int:
    return sum(len(entries) for entries in document.mapping("resources").values() if isinstance(entries, dict))


def _place(problem: BundleProblem) -> tuple[str, int | str]:
    """Where a problem is written: file and line (else key path)."""
    return problem.file, problem.line if problem.line is not None else problem.path


def _ordered(problems: list[BundleProblem]) -> tuple[BundleProblem, ...]:
    """Each problem once, sorted by file, line and path.

    The root and the target's view often find the same problem at the same line, under two key paths
    (``targets.prod.resources...`` and ``resources...``): the first found, the root's, is kept.
    """
    unique: dict[tuple[str, int | str, str], BundleProblem] = {}
    for problem in problems:
        unique.setdefault((*_place(problem), problem.message), problem)
    return tuple(sorted(unique.values(), key=lambda problem: (problem.file, problem.line or 0, problem.path)))
