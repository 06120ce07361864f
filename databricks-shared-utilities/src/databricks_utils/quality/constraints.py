"""Row rules as SQL conditions: Lakeflow (DLT) expectations and Delta ``CHECK`` constraints.

One function, :func:`rule_to_sql`, writes the condition a valid row satisfies; both exporters (and the
DQX exporter's ``sql_expression`` fallback) use it, so the three never disagree.

NULL handling: a NULL value passes every check except ``not_null`` (and ``in_set`` / ``not_empty`` with
``allow_null: false``), as in the evaluator and DQX. The generated conditions say so explicitly
(``amount IS NULL OR amount >= 0``) and are never NULL themselves, because engines differ on a NULL
result: DQX and SQL's standard ``CHECK`` pass it, but Delta Lake's ``CHECK`` constraints reject it
(verified: ``CHECK (x > 0)`` refuses a row with ``x = NULL``). For the same reason a ``sql_expression``
is written ``(<expression>) IS NOT FALSE``: a NULL result passes everywhere.

Columns are top-level names quoted with backticks; strings are SQL literals with quotes doubled and
backslashes escaped. The SQL relies on Spark's implicit casts: ``in_range`` with numeric bounds on a
string column compares as numbers (the evaluator fails non-numbers there; under ANSI mode the SQL errors).

Example:
    >>> from databricks_utils.quality.model import Rule
    >>> rule_to_sql(Rule(name="amount_ok", check="in_range", column="amount", arguments={"min": 0}))
    '`amount` IS NULL OR `amount` >= 0'
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from databricks_utils.config.schema import quote_identifier, quote_table_name
from databricks_utils.errors.exceptions import ConfigError, RuleError
from databricks_utils.quality.model import Rule, RuleSet
from databricks_utils.quality.sql_safety import sql_words

logger = logging.getLogger(__name__)

NON_DETERMINISTIC_FUNCTIONS: Final[frozenset[str]] = frozenset(
    {
        "CURDATE",
        "CURRENT_DATE",
        "CURRENT_TIMESTAMP",
        "CURRENT_TIMEZONE",
        "CURRENT_USER",
        "INPUT_FILE_NAME",
        "LOCALTIMESTAMP",
        "MONOTONICALLY_INCREASING_ID",
        "NOW",
        "RAND",
        "RANDN",
        "RANDOM",
        "SESSION_USER",
        "SHUFFLE",
        "SPARK_PARTITION_ID",
        "UNIX_TIMESTAMP",
        "USER",
        "UUID",
    }
)
"""Functions whose result depends on when, where or by whom a row is written: not allowed in CHECK constraints."""

SqlBuilder = Callable[[str, Any], str]


def sql_literal(value: str | float | bool) -> str:
    """A Python scalar as a Spark SQL literal; strings get quotes doubled and backslashes escaped.

    Example:
        >>> sql_literal("it's"), sql_literal(True), sql_literal(2.5)
        ("'it''s'", 'true', '2.5')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    # Spark reads backslash escapes in literals (spark.sql.parser.escapedStringLiterals=false by default).
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _nullable(column: str, condition: str) -> str:
    """A NULL value passes: ``c IS NULL OR <condition>`` (the condition parenthesised when it has AND)."""
    wrapped = f"({condition})" if " AND " in condition else condition
    return f"{column} IS NULL OR {wrapped}"


def _not_null(column: str, _: Any) -> str:
    return f"{column} IS NOT NULL"


def _not_empty(column: str, args: Any) -> str:
    text = f"CAST({column} AS STRING)"
    condition = f"trim({text}) <> ''" if args.trim else f"{text} <> ''"
    return _nullable(column, condition) if args.allow_null else f"{column} IS NOT NULL AND {condition}"


def _in_set(column: str, args: Any) -> str:
    values: list[str | float | bool] = list(args.values)
    if all(isinstance(value, int | float) and not isinstance(value, bool) for value in values):
        condition = f"{column} IN ({', '.join(sql_literal(value) for value in values)})"
    else:
        # Compared as text, as the evaluator does: never a cast error (ANSI) on a text column.
        texts = [str(value).lower() if isinstance(value, bool) else str(value) for value in values]
        condition = f"CAST({column} AS STRING) IN ({', '.join(sql_literal(text) for text in texts)})"
    return _nullable(column, condition) if args.allow_null else f"{column} IS NOT NULL AND {condition}"


def _bounds(
    value: str,
    low: str | float | None,
    high: str | float | None,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> str:
    """``value >= low AND value <= high`` (either side optional; strict when not inclusive)."""
    parts = []
    if low is not None:
        parts.append(f"{value} {'>=' if low_inclusive else '>'} {sql_literal(low)}")
    if high is not None:
        parts.append(f"{value} {'<=' if high_inclusive else '<'} {sql_literal(high)}")
    return " AND ".join(parts)


def _in_range(column: str, args: Any) -> str:
    bounds = _bounds(column, args.min, args.max, low_inclusive=args.min_inclusive, high_inclusive=args.max_inclusive)
    return _nullable(column, bounds)


def _matches_regex(column: str, args: Any) -> str:
    pattern = f"^(?:{args.pattern})$" if args.full_match else args.pattern
    return _nullable(column, f"{column} RLIKE {sql_literal(pattern)}")


def _length_between(column: str, args: Any) -> str:
    return _nullable(column, _bounds(f"length({column})", args.min, args.max))


def _parseable(function: str) -> SqlBuilder:
    def build(column: str, args: Any) -> str:
        call = f"{function}({column}, {sql_literal(args.format)})" if args.format else f"{function}({column})"
        return _nullable(column, f"{call} IS NOT NULL")

    return build


def _seconds(value: float) -> str:
    """Seconds for an INTERVAL literal: no exponent (``1e-05`` is not SQL), no trailing zeros."""
    return f"{value:f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _not_in_future(column: str, args: Any) -> str:
    now = "current_timestamp()"
    if args.tolerance_s:
        now += f" + INTERVAL {_seconds(args.tolerance_s)} SECONDS"
    return _nullable(column, f"{column} <= {now}")


def _sql_expression(_: str, args: Any) -> str:
    return f"({args.expression}) IS NOT FALSE"


_BUILDERS: Final[Mapping[str, SqlBuilder]] = {
    "not_null": _not_null,
    "not_empty": _not_empty,
    "in_set": _in_set,
    "in_range": _in_range,
    "matches_regex": _matches_regex,
    "length_between": _length_between,
    "parseable_date": _parseable("try_to_date"),
    "parseable_timestamp": _parseable("try_to_timestamp"),
    "not_in_future": _not_in_future,
    "sql_expression": _sql_expression,
}


def rule_to_sql(rule: Rule) -> str | None:
    """The Spark SQL condition a valid row satisfies, or None for a dataset-level check.

    The condition is never NULL: a NULL value passes every check but ``not_null`` (see the module doc).

    Args:
        rule: Any rule.

    Returns:
        A boolean SQL expression, e.g. ```amount` IS NULL OR `amount` >= 0``; None when the check is
        decided over the whole dataset (``unique``, ``row_count_between``...).

    Example:
        >>> rule_to_sql(Rule(name="id_present", check="not_null", column="id"))
        '`id` IS NOT NULL'
    """
    builder = _BUILDERS.get(rule.check)
    if builder is None:
        return None
    column = quote_identifier(rule.column) if rule.column is not None else ""
    return builder(column, rule.args)


@dataclass(frozen=True)
class LakeflowExpectations:
    """Rules as Lakeflow Declarative Pipelines (DLT) expectations, grouped by what a violation does.

    Use ``@dlt.expect_all(e.expect)`` and ``@dlt.expect_all_or_drop(e.expect_or_drop)``; to stop the update
    on any violation instead, ``@dlt.expect_all_or_fail(e.all)``.
    """

    expect: dict[str, str] = field(default_factory=dict)
    """``warn`` rules: the row is kept and the violation recorded in the pipeline's metrics."""
    expect_or_drop: dict[str, str] = field(default_factory=dict)
    """``error`` rules: the row is dropped (our quarantine: keep the dropped rows with the evaluator)."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Rule name -> why it has no expectation (dataset-level checks)."""

    @property
    def all(self) -> dict[str, str]:
        """Every expectation, warn and error, by rule name."""
        return {**self.expect, **self.expect_or_drop}


def to_lakeflow_expectations(ruleset: RuleSet) -> LakeflowExpectations:
    """Turn row-level rules into expectation constraints (name -> SQL condition).

    Args:
        ruleset: The rules.

    Returns:
        Warn rules in ``expect``, error rules in ``expect_or_drop``, dataset-level rules in ``skipped``.

    Example:
        >>> rules = RuleSet(rules=[Rule(name="id_present", check="not_null", column="id")])
        >>> to_lakeflow_expectations(rules).expect_or_drop
        {'id_present': '`id` IS NOT NULL'}
    """
    expect: dict[str, str] = {}
    expect_or_drop: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for rule in ruleset.rules:
        condition = rule_to_sql(rule)
        if condition is None:
            skipped[rule.name] = f"'{rule.check}' is decided over the whole dataset; an expectation sees one row"
        elif rule.criticality == "warn":
            expect[rule.name] = condition
        else:
            expect_or_drop[rule.name] = condition
    return LakeflowExpectations(expect=expect, expect_or_drop=expect_or_drop, skipped=skipped)


def delta_check_skip_reason(rule: Rule, *, include_warn: bool = False) -> str | None:
    """Why ``rule`` cannot (or should not) become a Delta CHECK constraint, or None when it can.

    Example:
        >>> delta_check_skip_reason(Rule(name="recent", check="not_in_future", column="ts"))
        'not_in_future depends on the current time; a CHECK constraint must be deterministic'
    """
    if not rule.is_row_level:
        return f"'{rule.check}' is decided over the whole dataset; a CHECK constraint sees one row"
    if rule.check == "not_in_future":
        return "not_in_future depends on the current time; a CHECK constraint must be deterministic"
    if rule.check == "sql_expression":
        found = sorted(sql_words(rule.args.expression) & NON_DETERMINISTIC_FUNCTIONS)
        if found:
            return (
                f"the expression uses {', '.join(f.lower() for f in found)}; a CHECK constraint must be deterministic"
            )
    if rule.criticality == "warn" and not include_warn:
        return "criticality warn: a CHECK constraint would fail the whole write; pass include_warn=True to add it"
    return None


def to_delta_check_constraints(ruleset: RuleSet, table: str, *, include_warn: bool = False) -> list[str]:
    """``ALTER TABLE ... ADD CONSTRAINT`` statements for the rules that fit a Delta CHECK constraint.

    A CHECK constraint rejects the whole write when one row violates it. It fits deterministic row rules:
    not_null, not_empty, in_set, in_range, matches_regex, length_between, parseable_date/_timestamp
    (``try_to_date`` is deterministic) and sql_expression without time/random functions. Left out, each
    logged at INFO with its reason (:func:`delta_check_skip_reason`): dataset-level checks, not_in_future
    (it reads the clock), and ``warn`` rules unless ``include_warn`` (a warning must not fail a write).

    Args:
        ruleset: The rules.
        table: The table, ``catalog.schema.table`` (parts already in backticks are kept).
        include_warn: Also add constraints for ``warn`` rules.

    Returns:
        One statement per rule, in rule order; the constraint is named after the rule.

    Raises:
        RuleError: ``table`` is not a valid (dotted, optionally backticked) table name.

    Example:
        >>> rules = RuleSet(rules=[Rule(name="id_present", check="not_null", column="id")])
        >>> to_delta_check_constraints(rules, "main.sales.orders")
        ['ALTER TABLE `main`.`sales`.`orders` ADD CONSTRAINT `id_present` CHECK (`id` IS NOT NULL)']
    """
    try:
        quoted = quote_table_name(table)
    except ConfigError as err:
        raise RuleError(str(err)) from err
    statements: list[str] = []
    for rule in ruleset.rules:
        reason = delta_check_skip_reason(rule, include_warn=include_warn)
        condition = rule_to_sql(rule)
        if reason is not None or condition is None:
            logger.info("Rule %s gets no CHECK constraint on %s: %s", rule.name, quoted, reason)
            continue
        statements.append(f"ALTER TABLE {quoted} ADD CONSTRAINT {quote_identifier(rule.name)} CHECK ({condition})")
    return statements
