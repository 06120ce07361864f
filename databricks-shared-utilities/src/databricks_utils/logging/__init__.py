"""Structured logging on stdlib :mod:`logging`: JSON lines or readable text, context, metrics, redaction.

Example:
    >>> import io
    >>> from databricks_utils.logging import configure_logging, get_logger, log_context, log_metrics
    >>> configure_logging(fmt="json", stream=io.StringIO())  # once, in the entry point
    >>> logger = get_logger("orders.pipeline")
    >>> with log_context(table="orders"):
    ...     logger.info("Loaded %d rows", 120, extra={"source": "s3"})
    ...     log_metrics("rows_loaded", logger=logger, rows=120)
"""

from __future__ import annotations

from databricks_utils.logging.context import DATABRICKS_ENV_FIELDS, current_context, databricks_ids, log_context
from databricks_utils.logging.formatters import JsonFormatter, TextFormatter
from databricks_utils.logging.logger import HANDLER_NAME, configure_logging, get_logger
from databricks_utils.logging.metrics import log_metrics
from databricks_utils.logging.redaction import REDACTED, redact

__all__ = [
    "DATABRICKS_ENV_FIELDS",
    "HANDLER_NAME",
    "REDACTED",
    "JsonFormatter",
    "TextFormatter",
    "configure_logging",
    "current_context",
    "databricks_ids",
    "get_logger",
    "log_context",
    "log_metrics",
    "redact",
]
