"""Project configuration: the schema models and the layered YAML + environment loader.

Example:
    >>> from databricks_utils.config import load_config
    >>> cfg = load_config("dev")  # doctest: +SKIP
    >>> cfg.table("orders")  # doctest: +SKIP
    '`main`.`sales_dev`.`orders`'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from databricks_utils.config.explain import ConfigExplanation, ExplainRow
from databricks_utils.config.loader import ConfigLoader, load_config
from databricks_utils.config.schema import (
    ENVIRONMENTS,
    CatalogConfig,
    EnvironmentConfig,
    ObservabilityConfig,
    ProjectConfig,
    SparkConfig,
    quote_identifier,
)

if TYPE_CHECKING:
    from databricks_utils.spark.factory import SparkSessionFactory, get_spark

__all__ = [
    "ENVIRONMENTS",
    "CatalogConfig",
    "ConfigExplanation",
    "ConfigLoader",
    "EnvironmentConfig",
    "ExplainRow",
    "ObservabilityConfig",
    "ProjectConfig",
    "SparkConfig",
    "SparkSessionFactory",
    "get_spark",
    "load_config",
    "quote_identifier",
]

_SPARK_NAMES = frozenset({"SparkSessionFactory", "get_spark"})


def __getattr__(name: str) -> object:
    """Serve the seed's ``databricks_utils.config.SparkSessionFactory`` / ``get_spark`` lazily.

    Importing them eagerly would pull in the Spark module (and create an import cycle, since it
    reads this package's config) whenever only the config is needed.
    """
    if name in _SPARK_NAMES:
        from databricks_utils.spark import factory

        return getattr(factory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
