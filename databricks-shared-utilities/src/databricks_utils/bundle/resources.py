"""Load each resource into its ``databricks-bundles`` typed class (``Job.from_dict``...); a failure is a problem.

The typed classes are generated from the same Go structs as the CLI, and catch misspelt keys, missing
required fields and values of the wrong type even when no JSON schema is at hand. Their errors do not say
where: the culprit is found by removing one key or item at a time and seeing which removal changes the
error. ``${...}`` references are accepted wherever the classes accept them (the whole value is one
reference); a value with a reference inside text (``"${var.hours}0"`` for an integer) is a type error to
the classes but the CLI resolves it before typing it, so such a value is replaced by a bare reference and
the resource is loaded again.
"""

from __future__ import annotations

import copy
import importlib
import re
from typing import Any

from databricks_utils.bundle.document import BundleDocument, YamlPath
from databricks_utils.bundle.report import BundleProblem
from databricks_utils.bundle.variables import REFERENCE
from databricks_utils.errors.exceptions import missing_dependency

# resources.<kind> -> the public module and class of databricks-bundles 1.22.1 (each has `from_dict`);
# a test compares this table with the library's own list of resource types.
RESOURCE_CLASSES: dict[str, tuple[str, str]] = {
    "alerts": ("databricks.bundles.alerts", "Alert"),
    "apps": ("databricks.bundles.apps", "App"),
    "catalogs": ("databricks.bundles.catalogs", "Catalog"),
    "cluster_policies": ("databricks.bundles.cluster_policies", "ClusterPolicy"),
    "clusters": ("databricks.bundles.clusters", "Cluster"),
    "dashboards": ("databricks.bundles.dashboards", "Dashboard"),
    "database_catalogs": ("databricks.bundles.database_catalogs", "DatabaseCatalog"),
    "database_instances": ("databricks.bundles.database_instances", "DatabaseInstance"),
    "experiments": ("databricks.bundles.experiments", "MlflowExperiment"),
    "external_locations": ("databricks.bundles.external_locations", "ExternalLocation"),
    "features": ("databricks.bundles.features", "Feature"),
    "genie_spaces": ("databricks.bundles.genie_spaces", "GenieSpace"),
    "instance_pools": ("databricks.bundles.instance_pools", "InstancePool"),
    "job_runs": ("databricks.bundles.job_runs", "JobRun"),
    "jobs": ("databricks.bundles.jobs", "Job"),
    "mcp_services": ("databricks.bundles.mcp_services", "McpService"),
    "model_provider_services": ("databricks.bundles.model_provider_services", "ModelProviderService"),
    "model_services": ("databricks.bundles.model_services", "ModelService"),
    "model_serving_endpoints": ("databricks.bundles.model_serving_endpoints", "ModelServingEndpoint"),
    "models": ("databricks.bundles.models", "MlflowModel"),
    "pipelines": ("databricks.bundles.pipelines", "Pipeline"),
    "quality_monitors": ("databricks.bundles.quality_monitors", "QualityMonitor"),
    "registered_models": ("databricks.bundles.registered_models", "RegisteredModel"),
    "schemas": ("databricks.bundles.schemas", "Schema"),
    "secret_scopes": ("databricks.bundles.secret_scopes", "SecretScope"),
    "secrets": ("databricks.bundles.secrets", "Secret"),
    "sql_warehouses": ("databricks.bundles.sql_warehouses", "SqlWarehouse"),
    "synced_database_tables": ("databricks.bundles.synced_database_tables", "SyncedDatabaseTable"),
    "vector_search_endpoints": ("databricks.bundles.vector_search_endpoints", "VectorSearchEndpoint"),
    "vector_search_indexes": ("databricks.bundles.vector_search_indexes", "VectorSearchIndex"),
    "volumes": ("databricks.bundles.volumes", "Volume"),
}

_PLACEHOLDER = "${var.set_aside_by_the_validator}"
_MAX_PROBLEMS_PER_RESOURCE = 20
_LIBRARY_PREFIX = re.compile(r"<class '(?:[\w.]+\.)?(\w+)'>|\b(?:databricks\.bundles(?:\.\w+)*|typing)\.")


def typed_resource_problems(document: BundleDocument) -> tuple[list[BundleProblem], list[str]]:
    """Problems of resources that do not load into their typed classes, and notes on kinds left unchecked.

    Raises:
        DependencyMissingError: ``databricks-bundles`` is not installed.
    """
    problems: list[BundleProblem] = []
    notes: list[str] = []
    for kind_name, entries in document.mapping("resources").items():
        if not isinstance(entries, dict) or not entries:
            continue  # not a mapping: the JSON schema reports it
        cls = _resource_class(kind_name)
        if cls is None:
            notes.append(
                f"resources.{kind_name} not loaded into typed classes: the installed databricks-bundles has no "
                "class for them (the JSON schema still checks them)"
            )
            continue
        for name, resource in entries.items():
            problems.extend(_resource_problems(document, ("resources", kind_name, name), cls, resource))
    return problems, notes


def _resource_class(kind_name: str) -> Any:
    try:
        import databricks.bundles  # noqa: F401 - only to tell a missing library from a missing class
    except ImportError as err:
        raise missing_dependency(
            "databricks.bundles", extra="bundle", purpose="load bundle resources into their typed classes"
        ) from err
    if kind_name not in RESOURCE_CLASSES:
        return None
    module_name, class_name = RESOURCE_CLASSES[kind_name]
    try:
        module = importlib.import_module(module_name)
    except ImportError:  # an older databricks-bundles without this resource kind
        return None
    return getattr(module, class_name, None)


def _resource_problems(document: BundleDocument, path: YamlPath, cls: Any, resource: object) -> list[BundleProblem]:
    """Every place where ``resource`` does not load, each error set aside in turn to find the next one.

    Ends: each pass either reports a problem (at most twenty) or turns one text into a bare reference,
    which is never rewritten again.
    """
    problems: list[BundleProblem] = []
    trial = copy.deepcopy(resource)
    while len(problems) < _MAX_PROBLEMS_PER_RESOURCE:
        error = _load_error(cls, trial)
        if error is None:
            break
        where = _locate(cls, trial, error)
        bare = _bare_reference(_get(trial, where))
        if bare is not None:  # text with a reference inside: the CLI resolves it before typing it
            trial = _replaced(trial, where, bare)
            continue
        problems.append(document.problem((*path, *where), _message(cls, error)))
        if not where:  # the resource as a whole
            break
        # Set the culprit aside: an unknown key is removed; any other value becomes a bare reference, which
        # every field and item of the typed classes accepts (removing a list item would shift the indices).
        trial = _replaced(trial, where, None if "Unexpected field" in error else _PLACEHOLDER)
    return problems


def _load_error(cls: Any, value: object) -> str | None:
    try:
        cls.from_dict(copy.deepcopy(value))
    except Exception as err:  # it raises ValueError, TypeError, AttributeError... by shape: any is a finding
        return _LIBRARY_PREFIX.sub(lambda match: match.group(1) or "", str(err))
    return None


def _locate(cls: Any, value: object, error: str) -> YamlPath:
    """The deepest key or item whose removal changes ``error``: where the library stumbled."""
    path: YamlPath = ()
    node: Any = value
    while isinstance(node, dict | list) and not _quoted(node, error):
        children: list[Any] = list(node) if isinstance(node, dict) else list(range(len(node)))
        for child in children:
            if _changes(_load_error(cls, _replaced(value, (*path, child), None)), error):
                path = (*path, child)
                node = node[child]
                break
        else:
            return path
    return path


def _changes(new: str | None, error: str) -> bool:
    """Whether removing a key turned ``error`` into ``new`` (not just into a longer list of missing fields)."""
    return new != error and not (_missing_fields(new) and _missing_fields(error))


def _missing_fields(error: str | None) -> bool:
    return error is not None and "missing" in error and "required" in error


def _quoted(node: dict[Any, Any] | list[Any], error: str) -> bool:
    """Whether the error quotes the whole container (it has the wrong type itself)."""
    text = repr(node)
    return len(text) > 2 and text in error  # noqa: PLR2004 - '{}' and '[]' are too short to tell


def _get(value: Any, path: YamlPath) -> Any:
    for part in path:
        value = value[part]
    return value


def _replaced(value: object, path: YamlPath, new: object) -> object:
    """A copy of ``value`` with the key or item at ``path`` replaced by ``new``, or removed when ``new`` is None."""
    result = copy.deepcopy(value)
    parent = _get(result, path[:-1])
    if new is not None:
        parent[path[-1]] = new
    else:
        del parent[path[-1]]
    return result


def _bare_reference(value: object) -> str | None:
    """``"${var.x}"`` for a text with a reference inside (``"${var.x}0"``), else None (nothing to rewrite)."""
    if not isinstance(value, str):
        return None
    match = REFERENCE.search(value)
    if match is None or match.group(0) == value:
        return None
    return match.group(0)


def _message(cls: Any, error: str) -> str:
    if "Unexpected field" in error:
        fix = "remove the key or correct its spelling"
    elif _missing_fields(error):
        fix = "add the missing field"
    elif "is not a valid" in error:
        fix = "use one of the values the field accepts"
    else:
        fix = "write a value of the type the field expects"
    return f"does not load as a {cls.__name__} (databricks-bundles): {error}. Fix: {fix}"
