"""The public surface: seed import paths users know, an __all__ that resolves, py.typed shipped."""

import importlib
from importlib.metadata import version
from pathlib import Path

import pytest

import databricks_utils

SEED_PATHS = [
    ("databricks_utils.config", "ConfigLoader"),
    ("databricks_utils.config", "SparkSessionFactory"),
    ("databricks_utils.config", "get_spark"),
    ("databricks_utils.config.spark_session", "SparkSessionFactory"),
    ("databricks_utils.logging", "get_logger"),
    ("databricks_utils.logging.logger", "get_logger"),
    ("databricks_utils.errors", "with_retry"),
    ("databricks_utils.errors.retry", "with_retry"),
    ("databricks_utils.testing", "TempTables"),
    ("databricks_utils.testing.fixtures", "build_test_config"),
]


@pytest.mark.parametrize(("module", "name"), SEED_PATHS)
def test_seed_import_paths_keep_working(module: str, name: str) -> None:
    assert getattr(importlib.import_module(module), name) is not None


def test_seed_spark_paths_are_the_same_objects() -> None:
    from databricks_utils.config import SparkSessionFactory as FromConfig
    from databricks_utils.config.spark_session import get_spark as from_seed_module
    from databricks_utils.spark import SparkSessionFactory, get_spark

    assert FromConfig is SparkSessionFactory
    assert from_seed_module is get_spark


def test_unknown_attribute_of_config_is_an_attribute_error() -> None:
    from databricks_utils import config

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = config.nope


@pytest.mark.parametrize(
    "module",
    [
        "databricks_utils",
        "databricks_utils.config",
        "databricks_utils.errors",
        "databricks_utils.logging",
        "databricks_utils.spark",
        "databricks_utils.testing",
    ],
)
def test_all_resolves_without_duplicates(module: str) -> None:
    # Ordering is ruff's job (RUF022, isort-style); this checks what a linter cannot.
    mod = importlib.import_module(module)
    assert len(set(mod.__all__)) == len(mod.__all__)
    for name in mod.__all__:
        assert getattr(mod, name) is not None, name


def test_version_and_py_typed() -> None:
    assert databricks_utils.__version__ == version("databricks-utils")
    assert (Path(databricks_utils.__file__).parent / "py.typed").is_file()
