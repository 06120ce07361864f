"""Propose data-quality rules from a profile: each with its evidence and a confidence, each true of the profiled data.

Principles (every one is tested):

- **Holds on the data it came from.** A rule is proposed only when the profile proves it true of the
  profiled rows with *exact* statistics: null, blank and pattern counts, min/max and top-value counts are
  exact; ``approx_count_distinct`` (about 5 % error) and ``percentile_approx`` are not, so they never
  decide an ``error`` rule on their own. A ``unique`` rule inferred from the approximate distinct count
  is ``warn``; it is ``error`` only when the exact top values show every value once.
- **Near misses are findings, not rules.** A column with 0.7 % nulls gets a ``near_not_null`` finding, not
  a ``not_null`` rule that would quarantine real rows on day one; sentinel tokens (``NA``), outliers,
  possibly-unique columns and types most values fit are findings too.
- **Tolerant thresholds.** Ranges are the observed min/max widened by :data:`RANGE_MARGIN` of the range on
  each side and rounded outward, never today's exact extremes, and are ``warn``: a measure drifts. Row
  counts allow half to double the profiled count.
- **No contradictions.** A column gets at most one value-domain rule: an allowed-values list
  (categorical, from complete top values) *or* a range (measures, dates), never both.

Confidence is in ``[0, 1]``: the support of the data, ``n / (n + 30)`` for ``n`` values (0.5 at 30 values,
0.97 at 1000), times a prior per kind of rule (:data:`PRIORS`: how often such a rule still holds on later
data), times the share of repeated values for allowed-value lists. The evidence of each rule says which
statistic and which threshold it rests on.

Example:
    >>> proposal = propose_rules(profile_dataframe(orders), dataset="main.sales.orders")  # doctest: +SKIP
    >>> print(dump_rules(proposal.rules))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Final

from databricks_utils.profiling.classify import STRING_PATTERNS, UNIQUE_SHARE, TypeFamily, type_family
from databricks_utils.profiling.findings import Finding, FindingKind, RuleProposal
from databricks_utils.profiling.model import ColumnProfile, DatasetProfile, SemanticClass
from databricks_utils.quality.model import CheckName, Criticality, Provenance, Rule, RuleSet

NEAR_NOT_NULL_SHARE: Final = 0.01
"""A column with nulls below this share of its rows gets a ``near_not_null`` finding instead of a rule."""
RANGE_MARGIN: Final = 0.10
"""Share of the observed range added below the min and above the max of a proposed range."""
ROW_COUNT_FACTOR: Final = 2.0
"""A proposed row count allows from ``rows / factor`` to ``rows * factor``."""
NEAR_UNIQUE_SHARE: Final = 0.9
"""``approx_distinct / count`` from which a non-identifier column gets a ``near_unique`` finding."""
SUPPORT_HALF: Final = 30
"""Values at which the support of a rule is 0.5 (``n / (n + SUPPORT_HALF)``)."""
PRIORS: Final[dict[str, float]] = {
    "not_null": 0.95,
    "not_empty": 0.9,
    "unique": 0.95,
    "unique_approx": 0.7,  # from approx_count_distinct: duplicates below its ~5 % error go unseen
    "in_set": 0.9,
    "in_range": 0.7,  # measures drift: a range is a tripwire, not a law
    "date_floor": 0.8,
    "parseable": 0.95,
    "matches_regex": 0.9,
    "length_between": 0.7,
    "not_in_future": 0.8,
    "row_count_between": 0.5,  # volume changes with the business
    "expected_schema": 0.95,
}
"""How often a rule of each kind, true of a sample, still holds on later data (a judgement, documented here)."""
DAY: Final = dt.timedelta(days=1)

_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIMESTAMP: Final = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
_SUFFIXES: Final[dict[CheckName, str]] = {
    "not_null": "present",
    "not_empty": "not_blank",
    "unique": "unique",
    "in_set": "allowed_values",
    "in_range": "in_range",
    "matches_regex": "format",
    "length_between": "length",
    "parseable_date": "is_date",
    "parseable_timestamp": "is_timestamp",
    "not_in_future": "not_in_future",
}


def propose_rules(
    profile: DatasetProfile, *, dataset: str | None = None, now: dt.datetime | None = None
) -> RuleProposal:
    """Rules the profiled data satisfies, with evidence and confidence, and findings that are not rules.

    Deterministic: the same profile (and ``now``) gives the same proposal. Nested columns are skipped.

    Args:
        profile: The profile, from :func:`~databricks_utils.profiling.profile_dataframe`.
        dataset: The table profiled (e.g. ``main.sales.orders``): named in the evidence and stored as the
            ``dataset`` metadata of every rule.
        now: When given, date/time columns whose newest value is not after it get a ``not_in_future``
            rule (``warn``, one day of tolerance for time zones); without it none is proposed, as the
            profile alone cannot tell future-dated data from data profiled in the past.

    Returns:
        The rules (names unique, valid identifiers) and the findings.

    Example:
        >>> proposal = propose_rules(profile, dataset="main.sales.orders")  # doctest: +SKIP
        >>> [(r.name, r.criticality) for r in proposal.rules.rules][:2]  # doctest: +SKIP
        [('order_id_present', 'error'), ('order_id_unique', 'warn')]
    """
    proposer = _Proposer(profile, dataset=dataset, now=now)
    return proposer.run()


def support(values: int) -> float:
    """How much data backs a rule: ``n / (n + 30)``, 0 without values.

    Example:
        >>> round(support(150), 3)
        0.833
    """
    return values / (values + SUPPORT_HALF) if values > 0 else 0.0


def slugify(text: str) -> str:
    """A rule-name part from a column name: ASCII, lower case, ``_`` between words; ``""`` when nothing is left.

    Example:
        >>> slugify("Order Date (UTC)"), slugify("Preis €"), slugify("2nd-line")
        ('order_date_utc', 'preis', 'c_2nd_line')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return f"c_{slug}" if slug[:1].isdigit() else slug


class _Proposer:
    """One proposal: the rules and findings of a profile, with names kept unique."""

    def __init__(self, profile: DatasetProfile, *, dataset: str | None, now: dt.datetime | None) -> None:
        self.profile = profile
        self.dataset = dataset
        self.now = now
        self.rules: list[Rule] = []
        self.findings: list[Finding] = []
        self._names: set[str] = set()
        self._slugs = _column_slugs([c.name for c in profile.columns])

    def run(self) -> RuleProposal:
        rows = self.profile.row_count
        where = f" of {self.dataset}" if self.dataset else ""
        if rows == 0:
            self.findings.append(
                Finding(
                    kind="empty_dataset",
                    severity="warning",
                    message=f"The profiled data{where} has no rows: no rule can be derived. Profile a non-empty sample",
                    evidence="row_count 0",
                )
            )
            return RuleProposal(rules=RuleSet(rules=[]), findings=tuple(self.findings))
        self._dataset_rules(rows)
        for column in self.profile.columns:
            if column.semantic_class is not SemanticClass.NESTED:
                self._column(column)
        return RuleProposal(rules=RuleSet(rules=self.rules), findings=tuple(self.findings))

    # -- building blocks -------------------------------------------------------------------------------

    def _add(
        self,
        column: ColumnProfile | None,
        check: CheckName,
        *,
        evidence: str,
        confidence: float,
        criticality: Criticality = "error",
        arguments: dict[str, Any] | None = None,
        description: str | None = None,
        name: str | None = None,
        columns: list[str] | None = None,
    ) -> None:
        base = name or f"{self._slugs[column.name] if column else 'dataset'}_{_SUFFIXES.get(check, check)}"
        unique_name, index = base, 2
        while unique_name in self._names:
            unique_name, index = f"{base}_{index}", index + 1
        self._names.add(unique_name)
        self.rules.append(
            Rule(
                name=unique_name,
                check=check,
                column=None if column is None else column.name,
                columns=columns,
                arguments=arguments or {},
                criticality=criticality,
                description=description,
                provenance=Provenance(source="profiler", evidence=evidence, confidence=round(min(confidence, 1.0), 3)),
                metadata={"dataset": self.dataset} if self.dataset else None,
            )
        )

    def _finding(
        self, column: ColumnProfile, kind: FindingKind, message: str, evidence: str, *, warning: bool = True
    ) -> None:
        self.findings.append(
            Finding(
                column=column.name,
                kind=kind,
                severity="warning" if warning else "info",
                message=message,
                evidence=evidence,
            )
        )

    # -- dataset ---------------------------------------------------------------------------------------

    def _dataset_rules(self, rows: int) -> None:
        columns = {c.name: c.spark_type for c in self.profile.columns if c.semantic_class is not SemanticClass.NESTED}
        if columns:
            self._add(
                None,
                "expected_schema",
                name="dataset_schema",
                arguments={"columns": columns},
                evidence=f"the {len(columns)} profiled top-level columns and their Spark types (nested ones left out)",
                confidence=PRIORS["expected_schema"],
                description="Columns and types seen when profiling; extra columns are allowed",
            )
        self._composite_key(rows)
        low, high = max(1, math.floor(rows / ROW_COUNT_FACTOR)), math.ceil(rows * ROW_COUNT_FACTOR)
        evidence = f"row_count {rows}; bounds are half to double it (factor {ROW_COUNT_FACTOR:g})"
        arguments: dict[str, Any] = {"min": low, "max": high}
        if self.profile.sample:
            arguments = {"min": 1}
            evidence = f"row_count {rows} of a sample ({self.profile.sample}): only 'not empty' is implied"
        self._add(
            None,
            "row_count_between",
            name="dataset_row_count",
            arguments=arguments,
            criticality="warn",
            evidence=evidence,
            confidence=PRIORS["row_count_between"] * support(rows),
        )

    def _composite_key(self, rows: int) -> None:
        """``unique`` (warn) on the first composite candidate key when no single column is a key.

        Warn, not error: the tuple count is approximate (about 1 % error), so the rule is evidence to confirm.
        """
        keys = self.profile.candidate_keys
        if any(len(key.columns) == 1 for key in keys):
            return
        composite = next((key for key in keys if len(key.columns) > 1), None)
        if composite is None:
            return
        self._add(
            None,
            "unique",
            name=f"{'_'.join(self._slugs.get(c, 'column') for c in composite.columns)}_unique",
            columns=list(composite.columns),
            criticality="warn",
            evidence=f"approx distinct ({', '.join(composite.columns)}) = {composite.approx_distinct} of {rows} rows",
            confidence=PRIORS["unique_approx"] * support(rows),
            description="A candidate composite key found by the profile",
        )

    # -- columns ---------------------------------------------------------------------------------------

    def _column(self, column: ColumnProfile) -> None:
        rows = self.profile.row_count
        if column.count == 0:
            self._finding(column, "all_null", f"'{column.name}' is null in every row: drop it or find out why", "")
            return
        self._nulls(column, rows)
        self._value_findings(column)
        family = type_family(column.spark_type)
        semantic = column.semantic_class
        if semantic is SemanticClass.IDENTIFIER:
            self._identifier(column, family)
        elif semantic in (SemanticClass.CATEGORICAL, SemanticClass.BOOLEAN):
            self._categorical(column, family)
        elif semantic is SemanticClass.MEASURE and family in (TypeFamily.INTEGRAL, TypeFamily.FRACTIONAL):
            self._numeric_range(column, integral=family is TypeFamily.INTEGRAL)
        elif semantic is SemanticClass.TEMPORAL:
            self._temporal(column, family)

    def _nulls(self, column: ColumnProfile, rows: int) -> None:
        if column.nulls == 0:
            self._add(
                column,
                "not_null",
                evidence=f"nulls 0 of {rows} rows",
                confidence=PRIORS["not_null"] * support(rows),
            )
        elif column.null_share < NEAR_NOT_NULL_SHARE:
            self._finding(
                column,
                "near_not_null",
                f"'{column.name}' is nearly always filled: {column.nulls} null row(s). No not_null rule is proposed "
                "(it would quarantine these rows today); find out why they are null, then add the rule",
                f"nulls {column.nulls} of {rows} ({column.null_share:.2%}), below the {NEAR_NOT_NULL_SHARE:.0%} "
                "near-miss threshold",
            )

    def _value_findings(self, column: ColumnProfile) -> None:
        if column.sentinel_tokens:
            option = ", ".join(f"{k}={v!r}" for k, v in column.suggested_reader_options.items())
            tokens = ", ".join(repr(t) for t in column.sentinel_tokens)
            self._finding(
                column,
                "sentinel_nulls",
                f"'{column.name}' holds {column.inferred_type} values and tokens standing for missing values "
                f"({tokens}): read it with the reader option {option} so they become nulls",
                f"sentinel_count {column.sentinel_count} of {column.count} values; inferred_type "
                f"{column.inferred_type}",
            )
        elif column.inferred_type not in (None, "string") and (column.inferred_type_share or 0.0) < 1.0:
            share = column.inferred_type_share or 0.0
            self._finding(
                column,
                "mixed_types",
                f"'{column.name}' is mostly {column.inferred_type} but some values are not: clean them before "
                "casting, or no parse rule can be enforced",
                f"inferred_type {column.inferred_type} fits {share:.2%} of {column.count} values",
            )
        if column.outliers and column.quantiles is not None:
            low, high = column.quantiles.iqr_fences
            self._finding(
                column,
                "outliers",
                f"'{column.name}' has {column.outliers} value(s) outside the IQR fences: check them; the proposed "
                "range includes them (it must hold on today's data)",
                f"outliers {column.outliers} outside [{low:g}, {high:g}] (p25={column.quantiles.p25:g}, "
                f"p75={column.quantiles.p75:g}, 1.5 IQR)",
                warning=False,
            )
        distinct = column.approx_distinct or 0
        if (
            column.semantic_class is not SemanticClass.IDENTIFIER
            and column.count >= 2  # noqa: PLR2004 - uniqueness needs two values
            and NEAR_UNIQUE_SHARE <= distinct / column.count < UNIQUE_SHARE
        ):
            self._finding(
                column,
                "near_unique",
                f"'{column.name}' is almost unique: a key with duplicates, or a near-unique attribute? No unique rule "
                "is proposed",
                f"approx_distinct {distinct} of {column.count} values ({distinct / column.count:.1%}); unique from "
                f"{UNIQUE_SHARE:.0%}",
                warning=False,
            )
        if distinct == 1 and column.count >= 2 and len(column.top_values) == 1:  # noqa: PLR2004 - a constant needs two values
            self._finding(
                column,
                "constant",
                f"'{column.name}' has a single value ({column.top_values[0][0]!r}): is it needed?",
                f"top_values {column.top_values[0][0]!r} x{column.top_values[0][1]}",
                warning=False,
            )

    def _identifier(self, column: ColumnProfile, family: TypeFamily) -> None:
        exact = _complete(column) and column.top_values[0][1] == 1
        distinct = column.approx_distinct or 0
        if exact:
            evidence = f"every one of the {column.count} values appears once (exact top-value counts)"
            self._add(column, "unique", evidence=evidence, confidence=PRIORS["unique"] * support(column.count))
        else:
            ratio = min(distinct / column.count, 1.0)
            evidence = (
                f"approx_distinct {distinct} of {column.count} values ({ratio:.1%}); approximate (~5 % error), "
                "so warn: duplicates under the error would be flagged, not quarantined"
            )
            confidence = PRIORS["unique_approx"] * ratio * support(column.count)
            self._add(column, "unique", criticality="warn", evidence=evidence, confidence=confidence)
        if family is TypeFamily.STRING:
            self._not_blank(column)
            self._format(column)
            self._fixed_length(column)

    def _categorical(self, column: ColumnProfile, family: TypeFamily) -> None:
        if family is TypeFamily.BOOLEAN:
            return  # two values by type: an allowed-values list adds nothing
        if _complete(column) and family in (TypeFamily.STRING, TypeFamily.INTEGRAL):
            self._allowed_values(column, integral=family is TypeFamily.INTEGRAL)
        elif column.semantic_class is SemanticClass.CATEGORICAL:
            self._finding(
                column,
                "high_cardinality",
                f"'{column.name}' is categorical with more values than the profile lists: no allowed-values rule",
                f"approx_distinct {column.approx_distinct}; top values listed {len(column.top_values)}, covering "
                f"{sum(n for _, n in column.top_values)} of {column.count} values",
                warning=False,
            )
        if family is TypeFamily.STRING:
            self._not_blank(column)
            self._fixed_length(column)

    def _allowed_values(self, column: ColumnProfile, *, integral: bool) -> None:
        values: list[str | int] = [int(v) if integral else v for v, _ in column.top_values]
        fewest = min(n for _, n in column.top_values)
        repeated = 1 - len(values) / column.count
        evidence = (
            f"{len(values)} distinct values, counts {', '.join(f'{v}={n}' for v, n in column.top_values)}: "
            f"they add up to all {column.count} non-null values (complete list)"
        )
        # A value seen once hints at a long tail the sample may not show: flag new values, do not quarantine them.
        criticality: Criticality = "error" if fewest >= 2 else "warn"  # noqa: PLR2004 - seen at least twice
        if criticality == "warn":
            evidence += "; a value seen once suggests rare values the sample may lack, so warn"
        confidence = PRIORS["in_set"] * repeated * support(column.count)
        self._add(
            column,
            "in_set",
            arguments={"values": values},
            criticality=criticality,
            evidence=evidence,
            confidence=confidence,
        )

    def _not_blank(self, column: ColumnProfile) -> None:
        if column.empties == 0:
            evidence = f"blank values 0 of {column.count}"
            self._add(column, "not_empty", evidence=evidence, confidence=PRIORS["not_empty"] * support(column.count))

    def _format(self, column: ColumnProfile) -> None:
        kind = column.inferred_type
        if kind not in ("uuid", "email") or column.inferred_type_share != 1.0:
            return
        # The profiler matched trimmed values; spaces around a value are allowed so the rule holds on the same data.
        core = STRING_PATTERNS[kind].removeprefix("^").removesuffix("$")
        criticality: Criticality = "error" if kind == "uuid" else "warn"
        self._add(
            column,
            "matches_regex",
            arguments={"pattern": f" *{core} *"},
            criticality=criticality,
            evidence=f"every one of the {column.count} values is a {kind} (inferred_type_share 1.0)",
            confidence=PRIORS["matches_regex"] * support(column.count),
        )

    def _fixed_length(self, column: ColumnProfile) -> None:
        length = column.length
        if length is None or length.min != length.max or column.count < 2 or column.inferred_type == "uuid":  # noqa: PLR2004
            return
        self._add(
            column,
            "length_between",
            arguments={"min": length.min, "max": length.max},
            criticality="warn",
            evidence=f"every one of the {column.count} values has {length.min} characters (fixed-width code)",
            confidence=PRIORS["length_between"] * support(column.count),
        )

    def _numeric_range(self, column: ColumnProfile, *, integral: bool) -> None:
        bounds = widen(column.min, column.max, integral=integral)
        if bounds is None:
            return
        low, high, note = bounds
        quantiles = "" if column.quantiles is None else f"; p01={column.quantiles.p01:g}, p99={column.quantiles.p99:g}"
        self._add(
            column,
            "in_range",
            arguments={"min": low, "max": high},
            criticality="warn",
            evidence=f"min {column.min}, max {column.max} over {column.count} values; {note}{quantiles}",
            confidence=PRIORS["in_range"] * support(column.count),
        )

    def _temporal(self, column: ColumnProfile, family: TypeFamily) -> None:
        if family is TypeFamily.STRING:
            self._parseable(column)
            return
        earliest, latest = _moment(column.min), _moment(column.max)
        if earliest is None or latest is None:
            return
        margin = max((latest - earliest) * RANGE_MARGIN, DAY)
        try:
            floor = (earliest - margin).date().isoformat()
        except OverflowError:  # a minimum near year 1: no useful lower bound
            return
        self._add(
            column,
            "in_range",
            arguments={"min": floor},
            criticality="warn",
            evidence=(
                f"min {column.min}, max {column.max}; lower bound = min minus {RANGE_MARGIN:.0%} of the span "
                f"(at least a day), to the day; no upper bound as new data is newer"
            ),
            confidence=PRIORS["date_floor"] * support(column.count),
        )
        now = None if self.now is None else self.now.astimezone(dt.UTC).replace(tzinfo=None)
        if now is not None and latest.replace(tzinfo=None) <= now:
            self._add(
                column,
                "not_in_future",
                arguments={"tolerance_s": DAY.total_seconds()},
                criticality="warn",
                evidence=f"newest value {column.max} is not after {now.isoformat(sep=' ')} UTC; one day of tolerance "
                "for time zones",
                confidence=PRIORS["not_in_future"] * support(column.count),
            )

    def _parseable(self, column: ColumnProfile) -> None:
        kind = column.inferred_type
        if kind not in ("date", "timestamp") or column.inferred_type_share != 1.0:
            return
        shape = _ISO_DATE if kind == "date" else _ISO_TIMESTAMP
        if not (shape.match(column.min or "") and shape.match(column.max or "")):
            return  # dd/MM/yyyy or MM/dd/yyyy: the order of day and month cannot be told from the profile
        self._add(
            column,
            "parseable_date" if kind == "date" else "parseable_timestamp",
            evidence=f"every one of the {column.count} values is an ISO {kind} (inferred_type_share 1.0; min "
            f"{column.min}, max {column.max})",
            confidence=PRIORS["parseable"] * support(column.count),
        )


def widen(
    low_text: str | None, high_text: str | None, *, integral: bool
) -> tuple[int | float, int | float, str] | None:
    """A tolerant range around the observed ``[min, max]``, and how it was made; None when not numbers.

    Each side is widened by :data:`RANGE_MARGIN` of the range (of the value, or 1, when the range is empty)
    and rounded outward to a power of ten no larger than the margin; a lower bound of a column without
    negative values stays at 0 or above. The result always contains ``[min, max]``.

    Example:
        >>> widen("3.5", "980.0", integral=False)
        (0.0, 1080.0, 'widened by 10% of the range (97.65) each side, rounded outward to 10; kept >= 0 (no negatives)')
    """
    try:
        low, high = float(low_text or "nan"), float(high_text or "nan")
    except ValueError:
        return None
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    span = high - low
    margin = span * RANGE_MARGIN if span > 0 else max(abs(high) * RANGE_MARGIN, 1.0)
    step = Decimal(1).scaleb(math.floor(math.log10(margin)))
    if integral and step < 1:
        step = Decimal(1)
    lower = (Decimal(repr(low - margin)) / step).to_integral_value(rounding=ROUND_FLOOR) * step
    upper = (Decimal(repr(high + margin)) / step).to_integral_value(rounding=ROUND_CEILING) * step
    rounding = f"rounded outward to {float(step):g}"
    note = f"widened by {RANGE_MARGIN:.0%} of the range ({margin:g}) each side, {rounding}"
    if span <= 0:
        note = f"a single value: widened by {margin:g} each side, {rounding}"
    if low >= 0 > lower:
        lower = Decimal(0)
        note += "; kept >= 0 (no negatives)"
    low_bound, high_bound = min(float(lower), low), max(float(upper), high)
    if integral:
        return math.floor(low_bound), math.ceil(high_bound), note
    return low_bound, high_bound, note


def _complete(column: ColumnProfile) -> bool:
    """The top values are every value: their exact counts add up to the non-null count."""
    return bool(column.top_values) and sum(n for _, n in column.top_values) == column.count


def _moment(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _column_slugs(names: list[str]) -> dict[str, str]:
    """A distinct rule-name prefix per column: its slug, ``column_<n>`` when empty, ``_2``... on a clash."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for position, name in enumerate(names):
        base = slugify(name) or f"column_{position + 1}"
        slug, index = base, 2
        while slug in taken:
            slug, index = f"{base}_{index}", index + 1
        taken.add(slug)
        slugs.setdefault(name, slug)
    return slugs
