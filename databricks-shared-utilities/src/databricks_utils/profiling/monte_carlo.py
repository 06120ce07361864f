"""Monte Carlo monitors-as-code for a profiled table: freshness, volume and field health.

The YAML is the ``montecarlo:`` document the Monte Carlo CLI applies (``montecarlo monitors apply``), in
the same shape as the pipeline template's ``monte_carlo/monitors.yml``: ``metric`` monitors on
``data_source.table`` (``catalog:schema.table``), anomaly detection (``operator: AUTO``) and a fixed
schedule. Field health is a metric monitor with field metrics (the legacy ``field_health`` monitor type
can no longer be created), each metric on the fields whose type supports it:

- every field: ``NULL_RATE``; identifiers and categoricals also ``UNIQUE_RATE``;
- numeric measures: ``NUMERIC_MEAN``, ``NUMERIC_MAX``, ``NUMERIC_MIN``, plus ``NEGATIVE_RATE`` when no value
  is negative;
- strings: ``EMPTY_STRING_RATE``;
- dates and timestamps: ``FUTURE_TIMESTAMP_COUNT``.

``AUTO`` monitors learn a baseline before they alert; the pipeline's own rules (``rules.yml``) decide row
by row. Nested columns are left out.

Example:
    >>> text = monte_carlo_monitors(profile, table="main.sales.orders")  # doctest: +SKIP
    >>> Path("monte_carlo/monitors.yml").write_text(text)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml

from databricks_utils.profiling.classify import TypeFamily, type_family
from databricks_utils.profiling.model import ColumnProfile, DatasetProfile, SemanticClass
from databricks_utils.profiling.rules import slugify

DAILY_MINUTES: Final = 1440
FRESHNESS_MINUTES: Final = 60
_TABLE_PARTS: Final = 3


def monte_carlo_table(table: str) -> str:
    """The Monte Carlo id of a Databricks table: ``catalog:schema.table``.

    Args:
        table: ``catalog.schema.table`` or already ``catalog:schema.table``.

    Returns:
        The ``catalog:schema.table`` form.

    Raises:
        ValueError: ``table`` is not three dot-separated names.

    Example:
        >>> monte_carlo_table("main.sales.orders")
        'main:sales.orders'
    """
    text = table.strip()
    if re.fullmatch(r"[^:.\s]+:[^:.\s]+\.[^:.\s]+", text):
        return text
    parts = text.split(".")
    if len(parts) != _TABLE_PARTS or not all(parts):
        raise ValueError(
            f"monte_carlo_monitors: table must be catalog.schema.table, got {table!r}. Fix: e.g. 'main.sales.orders'"
        )
    return f"{parts[0]}:{parts[1]}.{parts[2]}"


def monte_carlo_monitors(profile: DatasetProfile, *, table: str, timestamp_column: str | None = None) -> str:
    """Monitors-as-code YAML for ``table``: freshness, volume and field health from its profile.

    Args:
        profile: The profile of the table (or of a sample of it).
        table: The table, ``catalog.schema.table``.
        timestamp_column: The time field volume and field health are aggregated by (per day); the first
            date/timestamp column of the profile when omitted. With none, metrics cover the whole table.

    Returns:
        YAML text with a ``montecarlo:`` key, ready for ``monte_carlo/monitors.yml``.

    Raises:
        ValueError: ``table`` is not ``catalog.schema.table``, or ``timestamp_column`` is not a column of the
            profile.

    Example:
        >>> text = monte_carlo_monitors(profile, table="main.sales.orders")  # doctest: +SKIP
        >>> yaml.safe_load(text)["montecarlo"]["metric"][0]["name"]  # doctest: +SKIP
        'main_sales_orders_freshness'
    """
    source = {"table": monte_carlo_table(table)}
    time_field = _time_field(profile, timestamp_column)
    slug = slugify(table) or "table"
    aggregation: dict[str, Any] = (
        {} if time_field is None else {"aggregate_time_field": time_field, "aggregate_by": "day"}
    )
    monitors: list[dict[str, Any]] = [
        {
            "name": f"{slug}_freshness",
            "description": f"{table} has not been updated for longer than usual",
            "data_source": source,
            "alert_conditions": [{"metric": "TIME_SINCE_LAST_ROW_COUNT_CHANGE", "operator": "AUTO"}],
            "schedule": {"type": "fixed", "interval_minutes": FRESHNESS_MINUTES},
        },
        {
            "name": f"{slug}_volume",
            "description": f"Unusual change in the number of rows of {table}"
            + (f" per day of {time_field}" if time_field else ""),
            "data_source": source,
            **aggregation,
            "alert_conditions": [{"metric": "ROW_COUNT_CHANGE", "operator": "AUTO"}],
            "schedule": {"type": "fixed", "interval_minutes": DAILY_MINUTES},
        },
    ]
    conditions = field_health_conditions(profile)
    if conditions:
        monitors.append(
            {
                "name": f"{slug}_field_health",
                "description": f"Unusual null rates, distinct values, blanks and numeric statistics in {table}",
                "data_source": source,
                **aggregation,
                "alert_conditions": conditions,
                "schedule": {"type": "fixed", "interval_minutes": DAILY_MINUTES},
            }
        )
    header = (
        "# yaml-language-server: $schema=https://clidocs.getmontecarlo.com/mac/schema.json\n"
        f"# Monitors for {table}, generated from a profile of {profile.row_count} rows"
        + (f" ({profile.sample})" if profile.sample else "")
        + ".\n# Table ids are catalog:schema.table. Apply with: montecarlo monitors apply --project-dir monte_carlo\n"
    )
    body = yaml.safe_dump({"montecarlo": {"metric": monitors}}, sort_keys=False, allow_unicode=True, width=120)
    return header + body


def field_health_conditions(profile: DatasetProfile) -> list[dict[str, Any]]:
    """The field-metric alert conditions of the profiled columns (``operator: AUTO``), one per metric.

    Example:
        >>> field_health_conditions(profile)[0]  # doctest: +SKIP
        {'metric': 'NULL_RATE', 'operator': 'AUTO', 'fields': ['order_id', 'amount']}
    """
    fields: dict[str, list[str]] = {}
    for column in profile.columns:
        for metric in _metrics(column):
            fields.setdefault(metric, []).append(column.name)
    return [{"metric": metric, "operator": "AUTO", "fields": names} for metric, names in fields.items()]


def _metrics(column: ColumnProfile) -> list[str]:
    semantic = column.semantic_class
    if semantic is SemanticClass.NESTED:
        return []
    family = type_family(column.spark_type)
    metrics = ["NULL_RATE"]
    if semantic in (SemanticClass.IDENTIFIER, SemanticClass.CATEGORICAL):
        metrics.append("UNIQUE_RATE")
    if family in (TypeFamily.INTEGRAL, TypeFamily.FRACTIONAL) and semantic is SemanticClass.MEASURE:
        metrics += ["NUMERIC_MEAN", "NUMERIC_MAX", "NUMERIC_MIN"]
        if _not_negative(column.min):
            metrics.append("NEGATIVE_RATE")
    elif family is TypeFamily.STRING:
        metrics.append("EMPTY_STRING_RATE")
    elif family is TypeFamily.TEMPORAL:
        metrics.append("FUTURE_TIMESTAMP_COUNT")
    return metrics


def _not_negative(text: str | None) -> bool:
    try:
        return text is not None and float(text) >= 0
    except ValueError:
        return False


def _time_field(profile: DatasetProfile, timestamp_column: str | None) -> str | None:
    if timestamp_column is not None:
        try:
            return profile.column(timestamp_column).name
        except KeyError as err:
            columns = ", ".join(c.name for c in profile.columns)
            raise ValueError(
                f"monte_carlo_monitors: timestamp_column {timestamp_column!r} is not a column of the profile; "
                f"columns: {columns}. Fix: name a date or timestamp column"
            ) from err
    for column in profile.columns:
        if type_family(column.spark_type) is TypeFamily.TEMPORAL:
            return column.name
    return None
