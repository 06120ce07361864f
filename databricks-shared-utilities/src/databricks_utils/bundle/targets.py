"""A target's view of the bundle: its overrides merged onto the root, the way ``databricks bundle -t NAME`` sees it.

Follows the CLI's ``Root.MergeTargetOverrides``: the sections ``bundle``, ``workspace``, ``artifacts``,
``resources``, ``sync``, ``permissions`` and ``presets`` merge onto the root; ``cluster_id``, ``compute_id``
and ``git`` land under ``bundle``; ``run_as`` replaces the root's; a target variable written
as a plain value (``catalog: dev``) sets that variable's ``default``. Then list items that share a key are
merged (``MergeJobTasks``, ``MergeJobClusters``, ``MergeJobParameters``, ``MergeJobEnvironments``,
``MergePipelineClusters``), so a target can override one task by repeating its ``task_key``.
"""

from __future__ import annotations

from databricks_utils.bundle.document import BundleDocument, YamlPath
from databricks_utils.bundle.merge import KeyOf, TreeMerger
from databricks_utils.bundle.report import BundleProblem

_SECTIONS = ("bundle", "workspace", "artifacts", "resources", "sync", "permissions", "presets")
# The CLI also copies `mode` to `bundle.mode`, an internal field the JSON schema does not list (it would be
# reported as an unknown key); no check here reads it, so it stays out of the view.
_BUNDLE_FIELDS = ("cluster_id", "compute_id", "git")


def target_names(document: BundleDocument) -> tuple[str, ...]:
    """The names under ``targets``, in file order."""
    return tuple(document.mapping("targets"))


def default_target(document: BundleDocument) -> str | None:
    """The target the CLI uses without ``-t``: the first with ``default: true``, else the only one, else None."""
    targets = document.mapping("targets")
    for name, target in targets.items():
        if isinstance(target, dict) and target.get("default") is True:
            return name
    return next(iter(targets)) if len(targets) == 1 else None


def target_document(document: BundleDocument, name: str) -> tuple[BundleDocument, list[BundleProblem]]:
    """The document with target ``name``'s overrides merged onto the root, and the merge's problems.

    The result has no ``targets`` section (the CLI drops it once a target is selected).
    """
    merger = TreeMerger(fallback_file=document.root_file)
    lookup = document.origins.get
    root = {key: value for key, value in document.data.items() if key != "targets"}
    data = merger.graft(root, dst=(), src=(), lookup=lookup)
    assert isinstance(data, dict)  # noqa: S101 - graft copies a mapping into a mapping
    target = document.mapping("targets", name)
    base: YamlPath = ("targets", name)
    for section in _SECTIONS:
        if section in target:
            data[section] = merger.merge(
                data.get(section), target[section], dst=(section,), src=(*base, section), lookup=lookup
            )
    bundle = data.get("bundle")
    for field in _BUNDLE_FIELDS:
        if field in target and isinstance(bundle, dict):
            bundle[field] = merger.merge(
                bundle.get(field), target[field], dst=("bundle", field), src=(*base, field), lookup=lookup
            )
    if "run_as" in target:
        data["run_as"] = merger.graft(target["run_as"], dst=("run_as",), src=(*base, "run_as"), lookup=lookup)
    _merge_variables(data, target, merger=merger, document=document, base=base)
    _merge_keyed_lists(data, merger)
    merged = BundleDocument(data=data, origins=merger.origins, root_file=document.root_file)
    return merged, merger.problems


def _merge_variables(
    data: dict[str, object], target: dict[str, object], *, merger: TreeMerger, document: BundleDocument, base: YamlPath
) -> None:
    overrides = target.get("variables")
    declared = data.get("variables")
    if not isinstance(overrides, dict) or not isinstance(declared, dict):
        return
    for name, value in overrides.items():
        variable = declared.get(name)
        if not isinstance(variable, dict):  # undeclared: structure.py reports it
            continue
        src = (*base, "variables", name)
        if is_shorthand(value, variable):
            variable["default"] = merger.merge(
                variable.get("default"), value, dst=("variables", name, "default"), src=src, lookup=document.origins.get
            )
        else:
            merger.merge(variable, value, dst=("variables", name), src=src, lookup=document.origins.get)


def is_shorthand(value: object, variable: dict[str, object]) -> bool:
    """Whether a target's variable value is a bare value (``catalog: dev``) rather than ``{default: ...}``.

    A mapping is a bare value too when the variable is ``type: complex`` and the mapping has no ``default``.
    """
    if not isinstance(value, dict):
        return True
    return variable.get("type") == "complex" and "default" not in value and "lookup" not in value


def _key(field: str, *, default: str | None = None, fold: bool = False) -> KeyOf:
    def key_of(item: object) -> str | None:
        value = item.get(field, default) if isinstance(item, dict) else None
        if not isinstance(value, str):
            return None
        return value.lower() if fold else value

    return key_of


_KEYED_LISTS: tuple[tuple[str, str, KeyOf], ...] = (
    ("jobs", "tasks", _key("task_key")),
    ("jobs", "job_clusters", _key("job_cluster_key")),
    ("jobs", "parameters", _key("name")),
    ("jobs", "environments", _key("environment_key")),
    # The CLI compares pipeline cluster labels case-insensitively; no label means "default".
    ("pipelines", "clusters", _key("label", default="default", fold=True)),
)


def _merge_keyed_lists(data: dict[str, object], merger: TreeMerger) -> None:
    resources = data.get("resources")
    if not isinstance(resources, dict):
        return
    for kind_name, field, key_of in _KEYED_LISTS:
        entries = resources.get(kind_name)
        if not isinstance(entries, dict):
            continue
        for name, resource in entries.items():
            items = resource.get(field) if isinstance(resource, dict) else None
            if isinstance(resource, dict) and isinstance(items, list):
                dst = ("resources", kind_name, name, field)
                resource[field] = merger.merge_by_key(items, dst=dst, key_of=key_of)
