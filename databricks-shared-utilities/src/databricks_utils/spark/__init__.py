"""Spark sessions that work the same locally, over Spark Connect and on Databricks."""

from databricks_utils.spark.delta import find_jars as find_delta_jars
from databricks_utils.spark.delta import install_jars as install_delta_jars
from databricks_utils.spark.factory import SparkSessionFactory, get_spark
from databricks_utils.spark.modes import ModeChoice, resolve_mode

__all__ = ["ModeChoice", "SparkSessionFactory", "find_delta_jars", "get_spark", "install_delta_jars", "resolve_mode"]
