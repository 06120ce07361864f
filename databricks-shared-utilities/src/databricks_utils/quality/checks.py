"""Row checks: for each row-level rule, why a row fails it (a reason string; NULL when it passes).

One builder per check (:data:`ROW_CHECK_BUILDERS`) returns a
:class:`~databricks_utils.quality.failure.Failure`: the conditions under which a row fails and the
reason of each, ``'<rule name>: <what is wrong>'`` (e.g. ``amount_in_range: amount=-3 is below min 0``).
:func:`row_failure` renders it as one nullable string Column; the evaluator
(:mod:`databricks_utils.quality.evaluator`) computes all rules of a rule set together in one
``select``, collecting reasons into ``_errors`` / ``_warnings``. Values in reasons are cut to
:data:`SHOWN_CHARS` characters.

Type handling never fails at runtime: ``in_set`` compares non-numeric cases as text, ``in_range`` on
a text column with numeric bounds parses the text (a non-number fails the row), date bounds are
checked when the rule is built; a mismatch that cannot work is a :class:`RuleError` before any job.
``parseable_*`` use ``try_to_date`` / ``try_to_timestamp``; ``matches_regex`` anchors the pattern with
``^(?:...)$`` unless ``full_match`` is false; ``not_in_future`` compares with a literal "now" (plus
tolerance) given by the caller, so every query over one validation agrees.

NULL semantics: a NULL value passes every row check except ``not_null`` (and ``in_set`` with
``allow_null: false``): "is it in range?" has no answer for a missing value, and rules compose, so
pair a check with ``not_null`` to reject NULLs. ``sql_expression`` likewise passes a row whose
expression is NULL.

Columns are top-level names, matched exactly first, then case-insensitively (Spark's default).

Example:
    >>> from databricks_utils.quality.model import Rule
    >>> rule = Rule(name="amount_positive", check="in_range", column="amount", arguments={"min": 0})
    >>> df.select(row_failure(rule, df, now=now)).first()[0]  # doctest: +SKIP
    'amount_positive: amount=-3 is below min 0'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from databricks_utils.config.schema import quote_identifier
from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality.failure import Failure
from databricks_utils.quality.model import ROW_CHECKS, Rule

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame
    from pyspark.sql.types import StructField, StructType

SHOWN_CHARS: Final = 64
"""Values longer than this are cut in reasons, so one wide value cannot bloat the quarantine table."""

_NUMERIC: Final = frozenset({"tinyint", "smallint", "int", "bigint", "float", "double"})


@dataclass(frozen=True)
class CheckTarget:
    """What a row-check builder works on: the rule, the frame, the resolved column and the reference time."""

    rule: Rule
    frame: DataFrame
    field: StructField | None
    now: dt.datetime

    @property
    def column(self) -> Column:
        """The checked column (quoted, so names with dots or spaces work)."""
        return col(self.name)

    @property
    def name(self) -> str:
        """The checked column's name as the frame spells it."""
        if self.field is None:
            raise AssertionError(f"rule '{self.rule.name}' has no column")  # dispatch guarantees one
        return str(self.field.name)

    @property
    def type_name(self) -> str:
        """The column's Spark SQL type, e.g. ``int``, ``decimal(10,2)``, ``string``."""
        return "" if self.field is None else str(self.field.dataType.simpleString())

    def fail(self, condition: Column, *reason: Column | str) -> Failure:
        """One failure branch: when ``condition`` is true the row fails with ``'<rule>: <reason>'``."""
        return failure_branch(self.rule.name, condition, *reason)

    def error(self, problem: str, fix: str) -> RuleError:
        """A configuration error naming the rule, its check and the column."""
        where = f" on column '{self.name}' ({self.type_name})" if self.field is not None else ""
        return RuleError(f"rule '{self.rule.name}' ({self.rule.check}){where}: {problem}; {fix}")


RowCheck = Callable[[CheckTarget], Failure]


def failure_branch(rule_name: str, condition: Column, *reason: Column | str) -> Failure:
    """A one-branch :class:`Failure`; the reason is the rule name, ``': '`` and the parts concatenated.

    Example:
        >>> failure_branch("id_present", sf.col("id").isNull(), "id is null")  # doctest: +SKIP
    """
    from pyspark.sql import functions as sf

    parts = [sf.lit(f"{rule_name}: ")] + [sf.lit(p) if isinstance(p, str) else p.cast("string") for p in reason]
    # concat is NULL if a part is: never let a failing row lose its reason.
    text = sf.coalesce(sf.concat(*parts), sf.lit(f"{rule_name}: failed"))
    return Failure(rule_name=rule_name, branches=((condition, text),))


def col(name: str) -> Column:
    """A top-level column by name, quoted so dots, spaces and backticks in names are taken literally."""
    from pyspark.sql import functions as sf

    return sf.col(quote_identifier(name))


def shown(value: Column) -> Column:
    """A value as text for a reason, cut to :data:`SHOWN_CHARS` characters."""
    from pyspark.sql import functions as sf

    text = value.cast("string")
    cut = sf.concat(sf.substring(text, 1, SHOWN_CHARS - 3), sf.lit("..."))
    return sf.when(sf.length(text) > SHOWN_CHARS, cut).otherwise(sf.coalesce(text, sf.lit("null")))


def resolve_column(rule: Rule, name: str, schema: StructType, *, what: str = "DataFrame") -> StructField:
    """Find ``name`` among the top-level fields of ``schema``: exact match first, then case-insensitive.

    Args:
        rule: The rule that reads the column (named in the error).
        name: The column name the rule gives.
        schema: The schema to look in.
        what: What the schema belongs to, for the error (``DataFrame``, ``reference table x``).

    Returns:
        The field as the schema spells it.

    Raises:
        RuleError: no such column; the message names the rule, the column and the available columns.

    Example:
        >>> resolve_column(rule, "Amount", df.schema).name  # doctest: +SKIP
        'amount'
    """
    fields = list(schema.fields)
    exact = [f for f in fields if f.name == name]
    folded = exact or [f for f in fields if f.name.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    available = ", ".join(f.name for f in fields) or "(none)"
    problem = "matches several columns" if folded else "does not exist"
    raise RuleError(
        f"rule '{rule.name}' ({rule.check}): column '{name}' {problem} in the {what}; "
        f"available columns: {available}. Fix the rule's column or rename the column before validating"
    )


def row_failure(rule: Rule, frame: DataFrame, *, now: dt.datetime) -> Column:
    """The failure Column of one row-level rule: NULL when the row passes, else ``'<rule>: <reason>'``.

    The evaluator uses :func:`row_check` (the same check as a :class:`Failure`, cheaper to filter on).

    Args:
        rule: A rule whose check is in :data:`~databricks_utils.quality.model.ROW_CHECKS`.
        frame: The DataFrame the Column will be selected on (its schema decides types and columns).
        now: The reference time of ``not_in_future`` (one literal, so every query over the result agrees).

    Returns:
        A string Column, NULL for passing rows.

    Raises:
        RuleError: the check is not row-level, a column is missing, the arguments do not fit the column's
            type, or a ``sql_expression`` does not parse, resolve or return a boolean.

    Example:
        >>> rule = Rule(name="id_present", check="not_null", column="id")
        >>> frame.select(row_failure(rule, frame, now=now).alias("why"))  # doctest: +SKIP
    """
    return row_check(rule, frame, now=now).reason


def row_check(rule: Rule, frame: DataFrame, *, now: dt.datetime) -> Failure:
    """One row-level rule as a :class:`Failure` (condition and reason of each way it can fail).

    Args:
        rule: A rule whose check is in :data:`~databricks_utils.quality.model.ROW_CHECKS`.
        frame: The DataFrame the Columns will be used on.
        now: The reference time of ``not_in_future``.

    Returns:
        The failure branches.

    Raises:
        RuleError: as :func:`row_failure`.

    Example:
        >>> frame.where(row_check(rule, frame, now=now).failed).count()  # doctest: +SKIP
        2
    """
    if rule.check not in ROW_CHECKS:
        checks = ", ".join(sorted(ROW_CHECKS))
        raise RuleError(f"rule '{rule.name}': check '{rule.check}' is not a row check; row checks are {checks}")
    field = None if rule.column is None else resolve_column(rule, rule.column, frame.schema)
    return ROW_CHECK_BUILDERS[rule.check](CheckTarget(rule=rule, frame=frame, field=field, now=now))


def _not_null(target: CheckTarget) -> Failure:
    return target.fail(target.column.isNull(), f"{target.name} is null")


def _not_empty(target: CheckTarget) -> Failure:
    from pyspark.sql import functions as sf

    text = target.column.cast("string")
    value = sf.trim(text) if target.rule.args.trim else text
    empty = target.fail(value == sf.lit(""), f"{target.name} is empty")
    if target.rule.args.allow_null:
        return empty
    return Failure.first(
        target.fail(target.column.isNull(), f"{target.name} is null (not allowed by not_empty)"), empty
    )


def _spark_text(value: object) -> str:
    """A Python value as Spark's ``CAST(x AS STRING)`` would print it (true/false for booleans)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _in_set(target: CheckTarget) -> Failure:
    args = target.rule.args
    values: list[Any] = list(args.values)
    listed = ", ".join(_spark_text(v) for v in values)
    listed = listed if len(listed) <= SHOWN_CHARS else listed[: SHOWN_CHARS - 3] + "..."
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if target.type_name in _NUMERIC or target.type_name.startswith("decimal"):
        member = (
            target.column.isin(values)
            if numbers
            else target.column.cast("string").isin([_spark_text(v) for v in values])
        )
    else:
        # Comparing as text never fails at runtime (ANSI mode would raise on 'abc' vs an int column).
        member = target.column.cast("string").isin([_spark_text(v) for v in values])
    outside = target.fail(~member, f"{target.name}=", shown(target.column), f" is not in [{listed}]")
    if args.allow_null:
        return outside
    return Failure.first(target.fail(target.column.isNull(), f"{target.name} is null (not allowed by in_set)"), outside)


def _range_value(target: CheckTarget, numeric_bounds: bool) -> tuple[Column, Failure | None]:
    """The value to compare and, for text holding numbers, the failure of values that are not numbers."""
    type_name = target.type_name
    if type_name in _NUMERIC or type_name.startswith("decimal") or type_name in {"date", "timestamp", "timestamp_ntz"}:
        return target.column, None
    if type_name == "string" and numeric_bounds:
        number = target.column.try_cast("double")
        not_number = target.fail(
            target.column.isNotNull() & number.isNull(), f"{target.name}=", shown(target.column), " is not a number"
        )
        return number, not_number
    if type_name == "string":
        return target.column, None
    raise target.error("in_range cannot compare this type", "use sql_expression for it")


def _bound(target: CheckTarget, bound: float | str) -> Column:
    """A range bound as a literal of the column's kind; a bound that cannot be one is a RuleError."""
    from pyspark.sql import functions as sf

    type_name = target.type_name
    if type_name in {"date", "timestamp", "timestamp_ntz"}:
        if not isinstance(bound, str):
            raise target.error(f"bound {bound!r} is not a date/time", "give bounds as ISO strings, e.g. '2024-01-31'")
        try:
            dt.datetime.fromisoformat(bound)
        except ValueError as err:
            raise target.error(f"bound {bound!r} is not an ISO date/time", "use e.g. '2024-01-31'") from err
        return sf.lit(bound).cast(type_name)
    if type_name == "string" and isinstance(bound, str):
        return sf.lit(bound)
    if isinstance(bound, str):
        try:
            return sf.lit(float(bound))
        except ValueError as err:
            raise target.error(f"bound {bound!r} is not a number", "give numeric bounds for a numeric column") from err
    return sf.lit(bound)


def _in_range(target: CheckTarget) -> Failure:
    args = target.rule.args
    bounds = [b for b in (args.min, args.max) if b is not None]
    value, not_number = _range_value(target, all(not isinstance(b, str) for b in bounds))
    shown_value = shown(target.column)
    failures = [] if not_number is None else [not_number]
    if args.min is not None:
        low = _bound(target, args.min)
        below = value < low if args.min_inclusive else value <= low
        word = "is below min" if args.min_inclusive else "is not above exclusive min"
        failures.append(target.fail(below, f"{target.name}=", shown_value, f" {word} {args.min}"))
    if args.max is not None:
        high = _bound(target, args.max)
        above = value > high if args.max_inclusive else value >= high
        word = "is above max" if args.max_inclusive else "is not below exclusive max"
        failures.append(target.fail(above, f"{target.name}=", shown_value, f" {word} {args.max}"))
    return Failure.first(*failures)


def _matches_regex(target: CheckTarget) -> Failure:
    args = target.rule.args
    pattern = f"^(?:{args.pattern})$" if args.full_match else args.pattern
    matched = target.column.cast("string").rlike(pattern)
    return target.fail(~matched, f"{target.name}=", shown(target.column), f" does not match /{args.pattern}/")


def _length_between(target: CheckTarget) -> Failure:
    from pyspark.sql import functions as sf

    args = target.rule.args
    length = sf.length(target.column.cast("string"))
    failures = []
    if args.min is not None:
        failures.append(target.fail(length < args.min, f"{target.name} has length ", length, f", below min {args.min}"))
    if args.max is not None:
        failures.append(target.fail(length > args.max, f"{target.name} has length ", length, f", above max {args.max}"))
    return Failure.first(*failures)


def _parseable(target: CheckTarget, *, kind: str) -> Failure:
    from pyspark.sql import functions as sf

    fmt: str | None = target.rule.args.format
    if target.type_name in {"date", "timestamp", "timestamp_ntz"}:
        return Failure(target.rule.name)  # already a date/time: parseable by construction
    text = target.column.cast("string")
    if kind == "date":
        parsed = sf.try_to_date(text, fmt) if fmt else sf.try_to_date(text)
    else:
        parsed = sf.try_to_timestamp(text, sf.lit(fmt)) if fmt else sf.try_to_timestamp(text)
    hint = f" (format {fmt})" if fmt else ""
    return target.fail(text.isNotNull() & parsed.isNull(), f"{target.name}=", shown(text), f" is not a {kind}{hint}")


def _not_in_future(target: CheckTarget) -> Failure:
    from pyspark.sql import functions as sf

    tolerance_s = float(target.rule.args.tolerance_s)
    type_name = target.type_name
    if type_name == "string":
        moment = sf.try_to_timestamp(target.column)  # unparseable text passes: that is parseable_timestamp's job
    elif type_name in {"date", "timestamp", "timestamp_ntz"}:
        moment = target.column.cast("timestamp")
    else:
        raise target.error("not_in_future needs a date, timestamp or string column", "fix the rule's column")
    # A literal, not current_timestamp(): valid and quarantine are separate queries and must agree on "now".
    limit = sf.lit(target.now + dt.timedelta(seconds=tolerance_s))
    allowance = f" (tolerance {tolerance_s:g}s)" if tolerance_s else ""
    return target.fail(moment > limit, f"{target.name}=", shown(target.column), f" is in the future{allowance}")


def _sql_expression(target: CheckTarget) -> Failure:
    from pyspark.errors import PySparkException
    from pyspark.sql import functions as sf

    expression = target.rule.args.expression
    available = ", ".join(target.frame.columns)
    try:
        predicate = sf.expr(expression)
        result_type = target.frame.select(predicate).schema.fields[0].dataType.simpleString()
    except PySparkException as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise RuleError(
            f"rule '{target.rule.name}' (sql_expression): `{expression}` is not valid here: {first_line}; "
            f"available columns: {available}"
        ) from err
    if result_type != "boolean":
        raise RuleError(
            f"rule '{target.rule.name}' (sql_expression): `{expression}` returns {result_type}, not boolean; "
            "write a condition that is true for valid rows, e.g. `amount > 0`"
        )
    # NOT NULL is NULL, and WHEN NULL does not fire: a NULL result passes, as documented.
    return target.fail(~predicate, f"`{expression}` is false")


ROW_CHECK_BUILDERS: Final[Mapping[str, RowCheck]] = MappingProxyType(
    {
        "not_null": _not_null,
        "not_empty": _not_empty,
        "in_set": _in_set,
        "in_range": _in_range,
        "matches_regex": _matches_regex,
        "length_between": _length_between,
        "parseable_date": lambda target: _parseable(target, kind="date"),
        "parseable_timestamp": lambda target: _parseable(target, kind="timestamp"),
        "not_in_future": _not_in_future,
        "sql_expression": _sql_expression,
    }
)
"""Check name -> builder of its failure Column; one entry per :data:`ROW_CHECKS` name."""
