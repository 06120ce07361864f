"""Errors of databricks-utils and the retry machinery for transient Databricks/Spark failures."""

from databricks_utils.errors.exceptions import (
    ConfigError,
    ConfigFileNotFoundError,
    DatabricksUtilsError,
    DataSourceError,
    DeltaUnavailableError,
    DependencyMissingError,
    RetryExhaustedError,
    RuleError,
    RuleFileNotFoundError,
    SparkSessionError,
    missing_dependency,
)
from databricks_utils.errors.retry import RetryConfig, RetryOverrides, exponential_backoff, retry_call, with_retry
from databricks_utils.errors.transient import is_transient

__all__ = [
    "ConfigError",
    "ConfigFileNotFoundError",
    "DataSourceError",
    "DatabricksUtilsError",
    "DeltaUnavailableError",
    "DependencyMissingError",
    "RetryConfig",
    "RetryExhaustedError",
    "RetryOverrides",
    "RuleError",
    "RuleFileNotFoundError",
    "SparkSessionError",
    "exponential_backoff",
    "is_transient",
    "missing_dependency",
    "retry_call",
    "with_retry",
]
