"""Metrics as log records: one INFO line per measurement that a log pipeline can aggregate.

A metric record carries two structured fields, :data:`METRIC_FIELD` (the metric name) and
:data:`METRICS_FIELD` (a mapping of value names to numbers, strings or booleans). The JSON formatter puts
them at the top level of the line, e.g.
``{"message": "metric rows_written", "metric": "rows_written", "metrics": {"rows": 120, "table": "orders"}}``.
``configure_logging(ObservabilityConfig(metrics_enabled=False))`` drops these records at the handler.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final

METRIC_FIELD: Final = "metric"
METRICS_FIELD: Final = "metrics"

# stacklevel 2: the record's file, line and function are the caller's, not this module's.
_CALLER: Final = 2


def log_metrics(name: str, /, *, logger: logging.Logger | None = None, **values: float | int | str | bool) -> None:
    """Log one measurement as an INFO record with message ``metric <name>`` and structured values.

    ``name`` is positional-only so any keyword, even ``name=``, can be a value.

    Args:
        name: What is measured, e.g. ``"rows_written"``; the aggregation key downstream.
        logger: Logger to emit on; ``databricks_utils.logging.metrics`` when omitted. Pass your module's
            logger so the line names where it came from.
        **values: The measurement and its dimensions, e.g. ``rows=120, table="orders", seconds=3.2``.

    Example:
        >>> log_metrics("rows_written", rows=120, table="orders", seconds=3.2)
    """
    target = logger if logger is not None else logging.getLogger(__name__)
    target.info("metric %s", name, extra={METRIC_FIELD: name, METRICS_FIELD: dict(values)}, stacklevel=_CALLER)


def is_metric_record(record: logging.LogRecord) -> bool:
    """Tell whether ``record`` was emitted by :func:`log_metrics` (it has both metric fields).

    Example:
        >>> is_metric_record(logging.makeLogRecord({"metric": "rows", "metrics": {"rows": 1}}))
        True
    """
    return hasattr(record, METRIC_FIELD) and isinstance(getattr(record, METRICS_FIELD, None), Mapping)


def drop_metric_records(record: logging.LogRecord) -> bool:
    """Handler filter that keeps every record except metric records; installed when metrics are disabled.

    Example:
        >>> handler = logging.StreamHandler()
        >>> handler.addFilter(drop_metric_records)
    """
    return not is_metric_record(record)
