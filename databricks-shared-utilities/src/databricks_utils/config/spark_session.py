"""The seed's import path for Spark sessions, re-exported from :mod:`databricks_utils.spark.factory`.

Kept so ``from databricks_utils.config.spark_session import get_spark`` keeps working.
"""

from __future__ import annotations

from databricks_utils.spark.factory import SparkSessionFactory, get_spark

__all__ = ["SparkSessionFactory", "get_spark"]
