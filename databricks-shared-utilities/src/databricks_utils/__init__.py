"""databricks-utils: config, Spark sessions, structured logging, retries and pytest fixtures for Databricks.

Everything here works the same on a laptop (local Spark with Delta Lake), over Spark Connect, and
on a Databricks cluster. Importing the package imports no pyspark and starts no JVM.

Example:
    >>> from databricks_utils import configure_logging, get_spark, load_config, log_context
    >>> config = load_config("dev")  # doctest: +SKIP
    >>> configure_logging(config.observability)  # doctest: +SKIP
    >>> with log_context(pipeline="orders"):  # doctest: +SKIP
    ...     get_spark().table(config.table("orders")).count()
"""

from importlib.metadata import version

from databricks_utils.config import (
    ENVIRONMENTS,
    CatalogConfig,
    ConfigExplanation,
    ConfigLoader,
    EnvironmentConfig,
    ObservabilityConfig,
    ProjectConfig,
    SparkConfig,
    load_config,
    quote_identifier,
)
from databricks_utils.errors import (
    ConfigError,
    ConfigFileNotFoundError,
    DatabricksUtilsError,
    DeltaUnavailableError,
    DependencyMissingError,
    RetryConfig,
    RetryExhaustedError,
    SparkSessionError,
    exponential_backoff,
    is_transient,
    retry_call,
    with_retry,
)
from databricks_utils.logging import configure_logging, get_logger, log_context, log_metrics
from databricks_utils.spark import SparkSessionFactory, get_spark

__version__ = version("databricks-utils")

__all__ = [
    "ENVIRONMENTS",
    "CatalogConfig",
    "ConfigError",
    "ConfigExplanation",
    "ConfigFileNotFoundError",
    "ConfigLoader",
    "DatabricksUtilsError",
    "DeltaUnavailableError",
    "DependencyMissingError",
    "EnvironmentConfig",
    "ObservabilityConfig",
    "ProjectConfig",
    "RetryConfig",
    "RetryExhaustedError",
    "SparkConfig",
    "SparkSessionError",
    "SparkSessionFactory",
    "__version__",
    "configure_logging",
    "exponential_backoff",
    "get_logger",
    "get_spark",
    "is_transient",
    "load_config",
    "log_context",
    "log_metrics",
    "quote_identifier",
    "retry_call",
    "with_retry",
]
