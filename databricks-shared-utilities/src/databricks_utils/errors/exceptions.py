"""The databricks-utils exception hierarchy: one root, subclasses named for the condition."""

from __future__ import annotations


class DatabricksUtilsError(Exception):
    """Root of every error raised by databricks-utils; catch this to handle them all."""


class ConfigError(DatabricksUtilsError, ValueError):
    """Raised when configuration cannot be loaded or is invalid; the message names file, field and fix."""


class ConfigFileNotFoundError(ConfigError, FileNotFoundError):
    """Raised when a required configuration file or folder does not exist."""


class RuleError(DatabricksUtilsError, ValueError):
    """Raised when a data-quality rule is invalid or does not fit the data (missing column, wrong type)."""


class RuleFileNotFoundError(RuleError, FileNotFoundError):
    """Raised when a data-quality rules file (or a DQX checks file) does not exist."""


class DataSourceError(DatabricksUtilsError, ValueError):
    """Raised when a data source (a file, folder, glob or table) is missing, unreadable or of an unknown format."""


class SparkSessionError(DatabricksUtilsError, RuntimeError):
    """Raised when a Spark session cannot be created or reached in the configured mode."""


class DeltaUnavailableError(SparkSessionError):
    """Raised when Delta Lake is required but its jars are not installed locally."""


class DependencyMissingError(DatabricksUtilsError, ImportError):
    """Raised when an optional dependency is needed but not installed; the message gives the install command."""


class RetryExhaustedError(DatabricksUtilsError, RuntimeError):
    """Raised when a retried call failed on every attempt or ran past its deadline; chained to the last error."""

    def __init__(self, message: str, *, attempts: int, last_error: BaseException | None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error


def missing_dependency(package: str, *, extra: str, purpose: str) -> DependencyMissingError:
    """Build the error for an optional dependency that is not installed.

    Args:
        package: The import name that failed.
        extra: The databricks-utils extra that provides it.
        purpose: What the caller was trying to do, in a few words.

    Returns:
        An error whose message carries the exact install command.

    Example:
        >>> str(missing_dependency("pyspark", extra="local", purpose="start local Spark"))[:31]
        "'pyspark' is needed to start lo"
    """
    return DependencyMissingError(
        f"'{package}' is needed to {purpose} but is not installed. "
        f"Install it with: pip install 'databricks-utils[{extra}]'"
    )
