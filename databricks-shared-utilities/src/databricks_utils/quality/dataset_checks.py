"""Dataset checks: rules decided over the whole DataFrame, all computed in one aggregate job.

Three of them also name the rows that cause a failure, and those rows are flagged like row checks
(``_errors`` for criticality ``error``, so they are quarantined; ``_warnings`` for ``warn``):

- ``unique`` (one or several columns): every row whose key appears more than once is flagged, all
  copies, as DQX's ``is_unique`` does. Keeping "the first" needs an order the rule does not have;
  deduplicate before validating if that is what you want. Rows with a NULL in the key pass (SQL
  ``UNIQUE`` semantics: NULL is not equal to NULL).
- ``no_duplicate_rows``: every copy of a row that appears more than once (NULLs compare equal).
- ``referential``: rows whose non-NULL value is missing from the reference column. The reference's
  distinct keys are left-joined as a flag column, so no input row is dropped or repeated and the
  flag composes with the one-pass row checks. Spark's adaptive execution broadcasts the keys when
  they are small. The reference comes from ``references[reference_table]``, else
  ``spark.table(reference_table)``.

The other three (``row_count_between``, ``max_age``, ``expected_schema``) only report. All
aggregates (row count, newest values, flagged-row counts) are planned as columns of ONE ``agg``
(:func:`plan_dataset_checks`); the evaluator folds them into its summary job, so a validation costs
one aggregate job in all. ``expected_schema`` needs no job.

Example:
    >>> marked = mark_rows(df, rules, references={"crm.customers": customers})  # doctest: +SKIP
    >>> [r.passed for r in evaluate_dataset_checks(marked, rules, now=now)]  # doctest: +SKIP
    [True, False]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any, Final

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality.checks import col, failure_branch, resolve_column, shown
from databricks_utils.quality.failure import Failure
from databricks_utils.quality.model import DATASET_CHECKS, Rule

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

ROW_MARKING_CHECKS: Final[frozenset[str]] = frozenset({"unique", "no_duplicate_rows", "referential"})
"""Dataset checks that also flag the offending rows (and so can quarantine them)."""

_ROWS: Final = "__dq_rows"
_TYPE_ALIASES: Final = {
    "integer": "int",
    "long": "bigint",
    "short": "smallint",
    "byte": "tinyint",
    "bool": "boolean",
    "real": "float",
    "numeric": "decimal",
    "dec": "decimal",
    "timestamp_ltz": "timestamp",
}


@dataclass(frozen=True)
class DatasetCheckResult:
    """The outcome of one dataset check.

    Attributes:
        rule: The rule checked.
        passed: Whether the dataset satisfies it.
        observed: What was measured: a row count, an age in seconds, a number of flagged rows or of schema
            differences; None when there was nothing to measure (e.g. no timestamps for ``max_age``).
        message: One line saying what was found, for logs and reports.
    """

    rule: Rule
    passed: bool
    observed: int | float | None
    message: str


@dataclass(frozen=True)
class MarkedFrame:
    """The input with the helper columns row-marking checks need (window counts, reference flags).

    Attributes:
        source: The input DataFrame, unchanged.
        frame: ``source`` plus helper columns named ``__dq_<rule>_*``; same rows, same order of columns first.
        failures: Rule name -> how it fails a row of ``frame``.
    """

    source: DataFrame
    frame: DataFrame
    failures: Mapping[str, Failure] = field(default_factory=dict)


def mark_rows(
    frame: DataFrame,
    rules: Sequence[Rule],
    *,
    references: Mapping[str, DataFrame] | None = None,
    spark: SparkSession | None = None,
) -> MarkedFrame:
    """Add what ``unique``, ``no_duplicate_rows`` and ``referential`` rules need to flag rows; run nothing.

    Args:
        frame: The DataFrame to validate.
        rules: Any rules; only the row-marking ones are used.
        references: Reference DataFrames by ``reference_table`` name, taking precedence over the catalog.
        spark: Session to read reference tables with; defaults to ``frame.sparkSession``.

    Returns:
        The marked frame and each marking rule's failure Column.

    Raises:
        RuleError: a column is missing or cannot be compared (maps), or a reference table cannot be read.

    Example:
        >>> marked = mark_rows(df, [Rule(name="id_unique", check="unique", column="id")])  # doctest: +SKIP
        >>> marked.frame.select(marked.failures["id_unique"].reason)  # doctest: +SKIP
    """
    source, marked = frame, frame
    failures: dict[str, Failure] = {}
    for rule in rules:
        if rule.check == "referential":
            marked, failures[rule.name] = _mark_referential(rule, marked, references or {}, spark)
        elif rule.check in {"unique", "no_duplicate_rows"}:
            marked, failures[rule.name] = _mark_duplicates(rule, marked, source)
    return MarkedFrame(source=source, frame=marked, failures=failures)


def _mark_duplicates(rule: Rule, frame: DataFrame, source: DataFrame) -> tuple[DataFrame, Failure]:
    from pyspark.sql import functions as sf
    from pyspark.sql.window import Window

    if rule.check == "unique":
        fields = [resolve_column(rule, name, source.schema) for name in rule.target_columns]
    else:
        fields = list(source.schema.fields)
    for key in fields:
        if "map<" in key.dataType.simpleString():
            raise RuleError(
                f"rule '{rule.name}' ({rule.check}): column '{key.name}' is a map, which Spark cannot compare; "
                "exclude it (select the other columns first) or check a key column with 'unique'"
            )
    keys = [key.name for key in fields]
    count = f"__dq_{rule.name}_count"
    marked = frame.withColumn(count, sf.count(sf.lit(1)).over(Window.partitionBy(*[col(k) for k in keys])))
    duplicated = col(count) > 1
    if rule.check == "no_duplicate_rows":
        return marked, failure_branch(rule.name, duplicated, "row appears ", col(count), " times")
    present = reduce(lambda left, right: left & right, [col(k).isNotNull() for k in keys])
    values = sf.concat_ws(", ", *[shown(col(k)) for k in keys])
    label = keys[0] if len(keys) == 1 else f"({', '.join(keys)})"
    value_text = values if len(keys) == 1 else sf.concat(sf.lit("("), values, sf.lit(")"))
    reason = (f"{label}=", value_text, " appears ", col(count), " times")
    return marked, failure_branch(rule.name, present & duplicated, *reason)


def _mark_referential(
    rule: Rule, frame: DataFrame, references: Mapping[str, DataFrame], spark: SparkSession | None
) -> tuple[DataFrame, Failure]:
    from pyspark.sql import functions as sf

    args = rule.args
    field_ = resolve_column(rule, str(rule.column), frame.schema)
    reference = _reference(rule, references, spark or frame.sparkSession)
    ref_field = resolve_column(
        rule, args.reference_column, reference.schema, what=f"reference table '{args.reference_table}'"
    )
    key, found = f"__dq_{rule.name}_key", f"__dq_{rule.name}_found"
    # try_cast: a reference value that cannot be of the column's type cannot match it (and must not fail the job).
    keys = (
        reference.select(col(ref_field.name).try_cast(field_.dataType).alias(key))
        .where(col(key).isNotNull())
        .distinct()  # one row per key: the left join never repeats an input row
        .withColumn(found, sf.lit(True))
    )
    marked = frame.join(keys, col(field_.name) == col(key), "left")
    missing = col(field_.name).isNotNull() & col(found).isNull()
    where = f"{args.reference_table}.{args.reference_column}"
    return marked, failure_branch(
        rule.name, missing, f"{field_.name}=", shown(col(field_.name)), f" not found in {where}"
    )


def _reference(rule: Rule, references: Mapping[str, DataFrame], spark: SparkSession) -> DataFrame:
    from pyspark.errors import PySparkException

    table = rule.args.reference_table
    if table in references:
        return references[table]
    try:
        reference = spark.table(table)
        _ = reference.schema  # Spark Connect resolves lazily: fail here, with the rule's name
    except PySparkException as err:
        raise RuleError(
            f"rule '{rule.name}' (referential): cannot read reference table '{table}' ({type(err).__name__}); "
            f"create it or pass it as references={{'{table}': dataframe}}"
        ) from err
    return reference


@dataclass(frozen=True)
class _Plan:
    aggregates: Mapping[str, Column]
    finish: Callable[[Mapping[str, Any]], DatasetCheckResult]


@dataclass(frozen=True)
class DatasetCheckPlan:
    """The aggregates that decide a rule set's dataset checks, and how to turn their values into results.

    Run :attr:`aggregates` in any ``agg`` over the same rows (alone, or with other aggregates, as the
    evaluator does to count everything in one job), then call :meth:`finish` with the values by name.

    Attributes:
        rules: The dataset rules, in order.
        aggregates: Alias -> aggregate Column; empty when no check needs a job (``expected_schema`` only).
    """

    rules: tuple[Rule, ...]
    aggregates: Mapping[str, Column]
    _finishers: tuple[Callable[[Mapping[str, Any]], DatasetCheckResult], ...] = field(repr=False)

    def finish(self, values: Mapping[str, Any]) -> tuple[DatasetCheckResult, ...]:
        """The results, from the aggregate values by alias (extra keys are ignored)."""
        return tuple(finisher(values) for finisher in self._finishers)


def flagged_alias(rule: Rule) -> str:
    """The aggregate alias of a row-flagging rule's count of flagged rows (shared with the evaluator's summary)."""
    return f"__dq_{rule.name}_flagged"


def plan_dataset_checks(
    rules: Sequence[Rule], *, source: DataFrame, flagged: Mapping[str, Column], now: dt.datetime
) -> DatasetCheckPlan:
    """Plan the dataset checks of ``rules`` without running anything.

    Args:
        rules: Any rules; only dataset checks are planned, in the order given.
        source: The validated DataFrame (its schema is checked; its columns must be in the aggregated frame).
        flagged: For each row-marking rule (``unique``, ``no_duplicate_rows``, ``referential``), the count of
            rows it flags, as an aggregate Column over the aggregated frame.
        now: Reference time for ``max_age``.

    Returns:
        The plan.

    Raises:
        RuleError: a column is missing or has a type the check cannot use.

    Example:
        >>> plan = plan_dataset_checks(rules, source=df, flagged={}, now=now)  # doctest: +SKIP
        >>> plan.finish(df.agg(*[c.alias(n) for n, c in plan.aggregates.items()]).first().asDict())  # doctest: +SKIP
    """
    dataset_rules = tuple(rule for rule in rules if rule.check in DATASET_CHECKS)
    plans = [_plan(rule, source, flagged, now) for rule in dataset_rules]
    aggregates = {name: column for plan in plans for name, column in plan.aggregates.items()}
    return DatasetCheckPlan(rules=dataset_rules, aggregates=aggregates, _finishers=tuple(plan.finish for plan in plans))


def evaluate_dataset_checks(
    marked: MarkedFrame, rules: Sequence[Rule], *, now: dt.datetime
) -> tuple[DatasetCheckResult, ...]:
    """Decide every dataset rule with at most one aggregate job over ``marked.frame``.

    :func:`~databricks_utils.quality.evaluator.apply_rules` does not call this: it folds the same
    aggregates into its summary job. Use it to run dataset checks alone.

    Args:
        marked: The output of :func:`mark_rows` for the same rules.
        rules: Any rules; only dataset checks are evaluated, in the order given.
        now: Reference time for ``max_age``.

    Returns:
        One result per dataset rule.

    Raises:
        RuleError: a column is missing or has a type the check cannot use.

    Example:
        >>> evaluate_dataset_checks(mark_rows(df, rules), rules, now=now)[0].message  # doctest: +SKIP
        "'rows_expected': 120 rows, expected between 1 and 1000"
    """
    from pyspark.sql import functions as sf

    flagged = {name: sf.count_if(failure.failed) for name, failure in marked.failures.items()}
    plan = plan_dataset_checks(rules, source=marked.source, flagged=flagged, now=now)
    values: Mapping[str, Any] = {}
    if plan.aggregates:
        row = marked.frame.agg(*[column.alias(name) for name, column in plan.aggregates.items()]).first()
        values = {} if row is None else row.asDict()
    return plan.finish(values)


def _plan(rule: Rule, source: DataFrame, flagged: Mapping[str, Column], now: dt.datetime) -> _Plan:
    if rule.check in ROW_MARKING_CHECKS:
        return _plan_marking(rule, flagged)
    if rule.check == "row_count_between":
        return _plan_row_count(rule)
    if rule.check == "max_age":
        return _plan_max_age(rule, source, now)
    return _Plan({}, lambda _: _schema_result(rule, source))


def _plan_marking(rule: Rule, flagged: Mapping[str, Column]) -> _Plan:
    name = flagged_alias(rule)
    what = {
        "unique": f"share a duplicated ({', '.join(rule.target_columns)})",
        "no_duplicate_rows": "are exact duplicates of another row",
        "referential": f"have a {rule.column} missing from {rule.arguments.get('reference_table')}",
    }[rule.check]

    def finish(values: Mapping[str, Any]) -> DatasetCheckResult:
        count = int(values[name])
        message = f"'{rule.name}': {count} rows {what}" if count else f"'{rule.name}': no rows {what}"
        return DatasetCheckResult(rule=rule, passed=count == 0, observed=count, message=message)

    return _Plan({name: flagged[rule.name]}, finish)


def _plan_row_count(rule: Rule) -> _Plan:
    from pyspark.sql import functions as sf

    args = rule.args

    def finish(values: Mapping[str, Any]) -> DatasetCheckResult:
        rows = int(values[_ROWS])
        passed = (args.min is None or rows >= args.min) and (args.max is None or rows <= args.max)
        low = "-inf" if args.min is None else str(args.min)
        high = "+inf" if args.max is None else str(args.max)
        message = f"'{rule.name}': {rows} rows, expected between {low} and {high}"
        return DatasetCheckResult(rule=rule, passed=passed, observed=rows, message=message)

    return _Plan({_ROWS: sf.count(sf.lit(1))}, finish)


def _plan_max_age(rule: Rule, source: DataFrame, now: dt.datetime) -> _Plan:
    from pyspark.sql import functions as sf

    field_ = resolve_column(rule, str(rule.column), source.schema)
    type_name = field_.dataType.simpleString()
    if type_name == "string":
        moment = sf.try_to_timestamp(col(field_.name))
    elif type_name in {"date", "timestamp", "timestamp_ntz"}:
        moment = col(field_.name).cast("timestamp")
    else:
        raise RuleError(
            f"rule '{rule.name}' (max_age): column '{field_.name}' is {type_name}; "
            "max_age needs a date, timestamp or timestamp string column"
        )
    name = f"__dq_{rule.name}_age_s"
    age = (sf.unix_micros(sf.lit(now)) - sf.unix_micros(sf.max(moment))) / sf.lit(1_000_000)
    limit = float(rule.args.max_age_s)

    def finish(values: Mapping[str, Any]) -> DatasetCheckResult:
        observed = values[name]
        if observed is None:
            message = f"'{rule.name}': no {field_.name} values to judge freshness by (limit {limit:g}s)"
            return DatasetCheckResult(rule=rule, passed=False, observed=None, message=message)
        seconds = float(observed)
        message = f"'{rule.name}': newest {field_.name} is {seconds:.0f}s old, limit {limit:g}s"
        return DatasetCheckResult(rule=rule, passed=seconds <= limit, observed=seconds, message=message)

    return _Plan({name: age}, finish)


def normalize_type(type_text: str) -> str:
    """A Spark SQL type as ``DataType.simpleString()`` spells it: ``INTEGER`` -> ``int``, ``long`` -> ``bigint``.

    Example:
        >>> normalize_type("Decimal(10, 2)"), normalize_type("ARRAY<Long>"), normalize_type("varchar(20)")
        ('decimal(10,2)', 'array<bigint>', 'string')
    """
    text = re.sub(r"\s+", "", type_text.lower())
    text = re.sub(r"\b(?:var)?char\(\d+\)", "string", text)
    text = re.sub(r"[a-z_]+", lambda m: _TYPE_ALIASES.get(m.group(0), m.group(0)), text)
    return re.sub(r"\bdecimal(?!\()", "decimal(10,0)", text)


def _schema_result(rule: Rule, source: DataFrame) -> DatasetCheckResult:
    args = rule.args
    actual = {f.name.lower(): (f.name, f.dataType.simpleString()) for f in source.schema.fields}
    problems: list[str] = []
    for name, expected in args.columns.items():
        if name.lower() not in actual:
            problems.append(f"missing column {name} ({expected})")
        elif normalize_type(expected) != actual[name.lower()][1]:
            problems.append(f"{name} is {actual[name.lower()][1]}, expected {normalize_type(expected)}")
    if args.strict:
        wanted = {name.lower() for name in args.columns}
        problems += [f"unexpected column {real}" for key, (real, _) in actual.items() if key not in wanted]
    message = f"'{rule.name}': " + ("; ".join(problems) if problems else "schema matches")
    return DatasetCheckResult(rule=rule, passed=not problems, observed=len(problems), message=message)
