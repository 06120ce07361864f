"""Apply a rule set to a DataFrame: every row check in one pass, rows split into valid and quarantine.

How one pass and cheap counting work:

1. Each rule that flags rows becomes a :class:`~databricks_utils.quality.failure.Failure` (conditions
   and reasons): row checks (:func:`~databricks_utils.quality.checks.row_check`), and ``unique`` /
   ``no_duplicate_rows`` / ``referential`` through a window count or a left-joined flag
   (:func:`~databricks_utils.quality.dataset_checks.mark_rows`).
2. ONE ``select`` adds ``_errors`` (reasons of failed ``error`` rules) and ``_warnings`` (of ``warn``
   rules), both ``array<string>``, never NULL: the *annotated* frame.
3. ``valid`` (``_warnings`` kept) and ``quarantine`` are the same select filtered on "some error
   condition is true" and its negation. The conditions are never NULL and the input is read the
   same way, so ``rows(valid) + rows(quarantine) == rows(input)`` always, and a row is quarantined
   exactly when its ``_errors`` is non-empty. The reference time of ``not_in_future`` / ``max_age``
   is one literal for the same reason (``current_timestamp()`` would differ between two queries).
   Filtering on the conditions rather than on ``size(_errors)`` builds no reason strings for valid rows.
4. :func:`apply_rules` runs no job. :meth:`ValidationResult.summary` counts total, valid, warned
   and every rule's flagged rows in ONE aggregate job, counting the same conditions (equal to the
   number of rows whose ``_errors`` / ``_warnings`` carry the rule's name, without searching
   strings); the dataset checks' aggregates (row count, newest value) ride in the same job.

Everything is compiled by Spark's code generator: no lambda functions (``array_compact``,
``filter``, ``exists`` fall back to the interpreter and made a first version ~8-16x slower than a
hand-written query on the benchmark). Nothing is cached: ``summary()`` costs about what a
hand-written single select does (``benchmarks/bench_quality.py``), a cache would cost a full
materialisation for callers that only write, and serverless compute does not support it. Callers
that consume ``valid`` and ``quarantine`` several times may ``persist()`` the input themselves.

Example:
    >>> result = apply_rules(orders, load_rules("data_validation/rules.yml"))  # doctest: +SKIP
    >>> result.summary().quarantined_rows  # doctest: +SKIP
    3
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, reduce
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, ConfigDict

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.logging.metrics import log_metrics
from databricks_utils.quality.checks import col, row_check
from databricks_utils.quality.dataset_checks import (
    ROW_MARKING_CHECKS,
    DatasetCheckPlan,
    DatasetCheckResult,
    flagged_alias,
    mark_rows,
    plan_dataset_checks,
)
from databricks_utils.quality.failure import Failure
from databricks_utils.quality.model import ROW_CHECKS, Rule, RuleSet

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

logger = logging.getLogger(__name__)

ERRORS_COLUMN: Final = "_errors"
"""``array<string>``: reasons of the failed ``error`` rules; non-empty means the row is quarantined."""
WARNINGS_COLUMN: Final = "_warnings"
"""``array<string>``: reasons of the failed ``warn`` rules; the row stays valid."""


class ValidationSummary(BaseModel):
    """Row counts of one validation and the failures of each rule (``model_dump()`` gives a plain dict).

    Attributes:
        total_rows: Rows of the input.
        valid_rows: Rows without errors (``total_rows == valid_rows + quarantined_rows``).
        quarantined_rows: Rows with at least one error.
        warned_rows: Rows with at least one warning (valid or not).
        rule_failures: Rule name -> rows it flagged, for every rule that flags rows (0 included).
        dataset_checks_failed: Names of the dataset checks that failed, in rule order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    total_rows: int
    valid_rows: int
    quarantined_rows: int
    warned_rows: int
    rule_failures: dict[str, int]
    dataset_checks_failed: list[str]


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of :func:`apply_rules`; lazy: nothing runs until a DataFrame, a result or the summary is used.

    Attributes:
        valid: Input rows without errors, plus ``_warnings``.
        quarantine: Input rows with errors, plus ``_errors`` and ``_warnings``.
        annotated: Every input row plus ``_errors`` and ``_warnings``; ``valid`` and ``quarantine`` hold exactly
            its rows with an empty and a non-empty ``_errors``.
        rules: The rules applied, in order.
        plan: The aggregates deciding the dataset checks (folded into the summary job).
        measures: Alias -> aggregate Column of the summary job, over ``measured``.
        measured: The frame the summary aggregates (the input plus the helper columns of dataset checks).
    """

    valid: DataFrame
    quarantine: DataFrame
    annotated: DataFrame
    rules: tuple[Rule, ...]
    plan: DatasetCheckPlan = field(repr=False)
    measures: Mapping[str, Column] = field(repr=False)
    measured: DataFrame = field(repr=False)

    @property
    def flagging_rules(self) -> tuple[Rule, ...]:
        """The rules that flag rows: row checks plus ``unique``, ``no_duplicate_rows`` and ``referential``."""
        return tuple(rule for rule in self.rules if _flags_rows(rule))

    @property
    def dataset_results(self) -> tuple[DatasetCheckResult, ...]:
        """One result per dataset check; computed with the summary (one job) unless none needs a job.

        Example:
            >>> [r.message for r in result.dataset_results if not r.passed]  # doctest: +SKIP
            ["'enough_rows': 3 rows, expected between 10 and +inf"]
        """
        if not self.plan.aggregates:
            return self.plan.finish({})
        return self._measured[1]

    def summary(self, *, metrics_logger: logging.Logger | None = None) -> ValidationSummary:
        """Row counts and each rule's failures, and log them as the metric ``data_quality``.

        The counts, and every dataset check, come from ONE aggregate job, run on the first call (or
        first use of :attr:`dataset_results`) and kept: the result describes one validation, even if
        the input is a live table that changes afterwards.

        Args:
            metrics_logger: Logger for the metric record; this module's logger when omitted.

        Returns:
            The counts.

        Example:
            >>> result.summary().rule_failures  # doctest: +SKIP
            {'id_present': 0, 'amount_in_range': 2}
        """
        summary = self._measured[0]
        failures = {f"rule.{name}": count for name, count in summary.rule_failures.items()}
        log_metrics(
            "data_quality",
            logger=metrics_logger or logger,
            total_rows=summary.total_rows,
            valid_rows=summary.valid_rows,
            quarantined_rows=summary.quarantined_rows,
            warned_rows=summary.warned_rows,
            dataset_checks_failed=len(summary.dataset_checks_failed),
            **failures,
        )
        return summary

    @cached_property
    def _measured(self) -> tuple[ValidationSummary, tuple[DatasetCheckResult, ...]]:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass allows.
        aggregates = {**self.measures, **self.plan.aggregates}
        row = self.measured.agg(*[column.alias(name) for name, column in aggregates.items()]).first()
        values = {} if row is None else row.asDict()
        results = self.plan.finish(values)
        for result in results:
            if not result.passed:
                logger.warning("Data-quality check failed (%s): %s", result.rule.criticality, result.message)
        total, valid = int(values[_TOTAL]), int(values[_VALID])
        summary = ValidationSummary(
            total_rows=total,
            valid_rows=valid,
            quarantined_rows=total - valid,
            warned_rows=int(values[_WARNED]),
            rule_failures={rule.name: int(values[flagged_alias(rule)]) for rule in self.flagging_rules},
            dataset_checks_failed=[r.rule.name for r in results if not r.passed],
        )
        return summary, results


_TOTAL: Final = "__dq_total"
_VALID: Final = "__dq_valid"
_WARNED: Final = "__dq_warned"


def _flags_rows(rule: Rule) -> bool:
    return rule.check in ROW_CHECKS or rule.check in ROW_MARKING_CHECKS


def apply_rules(
    df: DataFrame,
    rules: RuleSet | Sequence[Rule],
    *,
    references: Mapping[str, DataFrame] | None = None,
    spark: SparkSession | None = None,
    now: dt.datetime | None = None,
) -> ValidationResult:
    """Validate ``df``: flag every row in one pass and split valid from quarantine; runs no Spark job.

    Existing ``_errors`` / ``_warnings`` columns are replaced, so a quarantine table can be re-validated.

    Args:
        df: The DataFrame to validate.
        rules: A :class:`RuleSet` or rules with distinct names.
        references: Reference DataFrames of ``referential`` rules by ``reference_table``; others are read
            with ``spark.table``.
        spark: Session for reference tables; ``df.sparkSession`` when omitted.
        now: Reference time of ``not_in_future`` and ``max_age`` (inject it in tests); the current UTC time
            when omitted, taken once so every query over the result agrees.

    Returns:
        The valid and quarantined rows and the annotated frame (all lazy), and what the summary counts.

    Raises:
        RuleError: two rules share a name, a rule names a missing column, its arguments do not fit the
            column's type, a ``sql_expression`` is invalid, or a reference table cannot be read.

    Example:
        >>> rules = [Rule(name="id_present", check="not_null", column="id")]
        >>> result = apply_rules(spark.createDataFrame([(1,), (None,)], "id int"), rules)  # doctest: +SKIP
        >>> result.quarantine.select("_errors").first()[0]  # doctest: +SKIP
        ['id_present: id is null']
    """
    rule_list = tuple(rules.rules if isinstance(rules, RuleSet) else rules)
    _check_unique_names(rule_list)
    moment = now or dt.datetime.now(tz=dt.UTC)
    source = df.drop(ERRORS_COLUMN, WARNINGS_COLUMN)
    marked = mark_rows(source, rule_list, references=references, spark=spark)
    failures = dict(marked.failures)
    for rule in rule_list:
        if rule.check in ROW_CHECKS:
            failures[rule.name] = row_check(rule, source, now=moment)
    flagging = [rule for rule in rule_list if _flags_rows(rule)]
    errors = [failures[r.name] for r in flagging if r.criticality == "error"]
    warnings = [failures[r.name] for r in flagging if r.criticality == "warn"]
    columns = [col(name) for name in source.columns]
    error_reasons, warning_reasons = _reasons(errors).alias(ERRORS_COLUMN), _reasons(warnings).alias(WARNINGS_COLUMN)
    # Filters test the conditions, never the reason arrays: no strings are built for valid rows.
    has_error = _any_failed([f.failed for f in errors])
    measured, measures = _measures(marked.frame, flagging, failures)
    return ValidationResult(
        valid=marked.frame.where(~has_error).select(*columns, warning_reasons),
        quarantine=marked.frame.where(has_error).select(*columns, error_reasons, warning_reasons),
        annotated=marked.frame.select(*columns, error_reasons, warning_reasons),
        rules=rule_list,
        plan=plan_dataset_checks(
            rule_list, source=source, flagged={r.name: measures[flagged_alias(r)] for r in flagging}, now=moment
        ),
        measures=measures,
        measured=measured,
    )


def _measures(
    frame: DataFrame, flagging: Sequence[Rule], failures: Mapping[str, Failure]
) -> tuple[DataFrame, dict[str, Column]]:
    """The frame and aggregates of the summary job: total, valid, warned and each rule's flagged rows."""
    from pyspark.sql import functions as sf

    # Flags are computed once in a projection, so each condition runs once per row however often it is counted.
    flags = {rule.name: f"__dq_{rule.name}_failed" for rule in flagging}
    measured = frame.select("*", *[failures[r.name].failed.alias(flags[r.name]) for r in flagging])
    error_flags = [col(flags[r.name]) for r in flagging if r.criticality == "error"]
    warning_flags = [col(flags[r.name]) for r in flagging if r.criticality == "warn"]
    return measured, {
        _TOTAL: sf.count(sf.lit(1)),
        _VALID: sf.count_if(~_any_failed(error_flags)),
        _WARNED: sf.count_if(_any_failed(warning_flags)),
        **{flagged_alias(rule): sf.count_if(col(flags[rule.name])) for rule in flagging},
    }


def _any_failed(flags: list[Column]) -> Column:
    """True when any of the never-NULL ``flags`` is true (false when there are none)."""
    from pyspark.sql import functions as sf

    return reduce(lambda left, right: left | right, flags, sf.lit(False))


def _reasons(failures: list[Failure]) -> Column:
    """The reasons of the failures that fire, as an ``array<string>`` (``[]``, never NULL, when none does).

    ``concat`` of per-rule ``[]``/``[reason]`` arrays compiles to code; ``array_compact`` / ``filter`` would not.
    """
    from pyspark.sql import functions as sf

    if not failures:
        return sf.array().cast("array<string>")
    return sf.concat(*[f.reasons for f in failures])


def _check_unique_names(rules: Sequence[Rule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise RuleError(f"rule name '{rule.name}' is used twice; give every rule a distinct name")
        seen.add(rule.name)
