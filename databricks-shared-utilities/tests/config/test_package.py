"""The config package's public surface and its lazy re-export of the Spark session helpers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import databricks_utils.config as config_package


def test_all_is_sorted_and_importable() -> None:
    names = config_package.__all__
    # ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest
    assert names == sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    for name in names:
        if name not in {"SparkSessionFactory", "get_spark"}:
            assert getattr(config_package, name) is not None


def test_spark_helpers_resolve_lazily() -> None:
    from databricks_utils.spark import factory

    assert config_package.get_spark is factory.get_spark
    assert config_package.SparkSessionFactory is factory.SparkSessionFactory


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        config_package.nope  # noqa: B018 - the attribute access is the test


def _module_level_imports(tree: ast.Module) -> list[str]:
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue  # typing-only imports never run
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module and not _inside_function(tree, inner):
                found.append(inner.module)
            elif isinstance(inner, ast.Import) and not _inside_function(tree, inner):
                found.extend(alias.name for alias in inner.names)
    return found


def _inside_function(tree: ast.Module, target: ast.AST) -> bool:
    return any(
        isinstance(node, ast.FunctionDef) and any(child is target for child in ast.walk(node)) for node in tree.body
    )


def test_config_modules_do_not_import_spark_at_import_time() -> None:
    # The Spark factory imports the config package: an eager import back would be a cycle.
    folder = Path(config_package.__file__).parent
    for module in sorted(folder.glob("*.py")):
        if module.name == "spark_session.py":  # the seed's re-export path: importing Spark is its purpose
            continue
        imports = _module_level_imports(ast.parse(module.read_text(encoding="utf-8")))
        assert not [name for name in imports if name.startswith("databricks_utils.spark")], module.name
