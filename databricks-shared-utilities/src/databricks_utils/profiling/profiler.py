"""Profile a DataFrame: per-column statistics and meaning in at most three Spark queries.

The number of queries does not grow with the number of columns:

1. ONE aggregate over every column: rows, non-nulls, ``approx_count_distinct``, min/max, mean and
   sample stddev, ``percentile_approx`` (p01/p25/p50/p75/p99), blank strings, string lengths, sizes of
   arrays and maps.
2. ONE query for the top values of every column with at most ``max_categorical_distinct`` distinct
   values: each row becomes ``(column, value)`` pairs, one ``groupBy`` counts them, a window ranks them.
3. ONE aggregate for the string columns (values fitting each candidate type, values equal to each
   sentinel token such as ``NA``) and the measures (values outside the IQR fences from pass 1's quantiles).

Passes 2 and 3 are skipped when they have nothing to do (an empty dataset runs one query). Without
adaptive query execution each query is one Spark job; with it Spark runs one job per shuffle stage
(2 for an aggregate over a scan), still independent of the number of columns.

Nothing is cached: the input is read once per query. Profile a sample, and ``cache()`` or write it
first when it is expensive to compute (a join, a remote table); serverless compute does not support
``cache()``, so write the sample to a table there. Outliers are counted for numeric columns only, not
for strings that look numeric (that would need a fourth query).

Example:
    >>> profile = profile_dataframe(spark.table("main.sales.orders").sample(0.1).cache())  # doctest: +SKIP
    >>> profile.column("amount").semantic_class  # doctest: +SKIP
    <SemanticClass.MEASURE: 'measure'>
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from databricks_utils.profiling._passes import (
    ROWS,
    Summary,
    Target,
    key_aggregates,
    key_alias,
    pattern_aggregates,
    read_histogram,
    read_patterns,
    read_summary,
    summary_aggregates,
    top_values_query,
)
from databricks_utils.profiling.classify import TypeFamily, classify_column, infer_string_type, type_family
from databricks_utils.profiling.keys import KEY_RSD, MAX_KEY_COLUMNS, candidate_keys, key_combinations
from databricks_utils.profiling.model import CandidateKey, ColumnProfile, DatasetProfile, SemanticClass

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger(__name__)


def profile_dataframe(
    df: DataFrame,
    *,
    top_k: int = 10,
    max_categorical_distinct: int = 50,
    sample: str | None = None,
) -> DatasetProfile:
    """Statistics and semantic class of every top-level column of ``df``, in at most 3 Spark queries.

    Args:
        df: The frame to profile; read once per query, never cached (see the module docstring).
        top_k: Most frequent values kept per low-cardinality column.
        max_categorical_distinct: Columns with at most this many distinct values get top values and
            may be categorical.
        sample: What ``df`` is, for the reader of the profile (e.g. ``"10% sample of main.sales.orders"``).

    Returns:
        The profile; ``jobs_used`` is the number of queries run.

    Raises:
        ValueError: ``top_k`` or ``max_categorical_distinct`` is below 1.

    Example:
        >>> profile_dataframe(orders, top_k=5).column("status").top_values  # doctest: +SKIP
        (('shipped', 812), ('open', 150), ('cancelled', 38))
    """
    if top_k < 1 or max_categorical_distinct < 1:
        raise ValueError(
            f"profile_dataframe: top_k and max_categorical_distinct must be >= 1, got {top_k} and "
            f"{max_categorical_distinct}"
        )
    with _one_job_per_query(df.sparkSession):
        return _profile(df, top_k=top_k, max_categorical_distinct=max_categorical_distinct, sample=sample)


@contextlib.contextmanager
def _one_job_per_query(spark: SparkSession) -> Iterator[None]:
    """Adaptive execution off while profiling, restored after.

    AQE runs each shuffle stage of a query as a job of its own (7 jobs instead of 3 here) and gains
    nothing on global aggregates with one final partition. A session that refuses the setting
    (serverless compute) keeps AQE: the queries stay three, the jobs bounded.
    """
    key = "spark.sql.adaptive.enabled"
    try:
        previous = spark.conf.get(key, None)
        spark.conf.set(key, "false")
    except Exception as err:
        logger.debug("profiling keeps adaptive execution on: %s", err)
        yield
        return
    try:
        yield
    finally:
        if previous is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, previous)


def _profile(df: DataFrame, *, top_k: int, max_categorical_distinct: int, sample: str | None) -> DatasetProfile:
    targets = _targets(df)
    frame = df.toDF(*[target.ref for target in targets])  # positional names: nothing to quote
    first = frame.agg(*[column.alias(alias) for alias, column in summary_aggregates(targets).items()]).first()
    values = {} if first is None else first.asDict()
    jobs = 1
    rows = int(values.get(ROWS) or 0)
    summaries = {target.index: read_summary(target, values) for target in targets}
    classes = {
        t.index: _classify(t, summaries[t.index], max_categorical_distinct=max_categorical_distinct) for t in targets
    }
    top: dict[int, tuple[tuple[str, int], ...]] = {}
    low_cardinality = [t for t in targets if _has_few_values(t, summaries[t.index], max_categorical_distinct)]
    if low_cardinality:
        top = _top_values(frame, low_cardinality, top_k)
        jobs += 1
    strings = [t for t in targets if t.family is TypeFamily.STRING and summaries[t.index].count > 0]
    fences = {
        t.index: quantiles.iqr_fences
        for t in targets
        if classes[t.index] is SemanticClass.MEASURE and (quantiles := summaries[t.index].quantiles) is not None
    }
    ranges = {index: bounds for index in fences if (bounds := _numeric_range(summaries[index])) is not None}
    combinations = key_combinations(_key_like(targets, summaries, classes, rows))
    checked: dict[str, object] = {}
    if strings or fences or combinations:
        aggregates = {**pattern_aggregates(strings, fences, ranges), **key_aggregates(combinations, KEY_RSD)}
        row = frame.agg(*[c.alias(a) for a, c in aggregates.items()]).first()
        checked = {} if row is None else row.asDict()
        jobs += 1
    columns = tuple(
        _column_profile(
            target,
            summaries[target.index],
            rows=rows,
            top_values=top.get(target.index, ()),
            checked=checked,
            max_categorical_distinct=max_categorical_distinct,
        )
        for target in targets
    )
    names = {t.index: t.name for t in targets}
    singles = tuple(
        CandidateKey(columns=(c.name,), approx_distinct=c.approx_distinct or 0)
        for c in columns
        if c.semantic_class is SemanticClass.IDENTIFIER and c.nulls == 0
    )
    distinct = {c: int(str(checked[key_alias(c)])) for c in combinations if checked.get(key_alias(c)) is not None}
    keys = singles + candidate_keys(rows, distinct, names)
    logger.info("Profiled %d columns of %d rows in %d Spark queries", len(columns), rows, jobs)
    return DatasetProfile(row_count=rows, columns=columns, jobs_used=jobs, sample=sample, candidate_keys=keys)


def _key_like(
    targets: Sequence[Target], summaries: Mapping[int, Summary], classes: Mapping[int, SemanticClass], rows: int
) -> list[int]:
    """Columns that may be part of a composite key, the most distinct first.

    They are complete, key-like in type and meaning, and not unique alone (that is a single-column key).
    """
    eligible = [
        t
        for t in targets
        if t.family in (TypeFamily.STRING, TypeFamily.INTEGRAL, TypeFamily.TEMPORAL, TypeFamily.BOOLEAN)
        and classes[t.index] not in (SemanticClass.MEASURE, SemanticClass.FREE_TEXT, SemanticClass.IDENTIFIER)
        and rows >= 2  # noqa: PLR2004 - a key needs two rows
        and summaries[t.index].count == rows
        and (summaries[t.index].approx_distinct or 0) >= 2  # noqa: PLR2004 - a constant is never part of a key
    ]
    eligible.sort(key=lambda t: -(summaries[t.index].approx_distinct or 0))
    return [t.index for t in eligible[:MAX_KEY_COLUMNS]]


def _targets(df: DataFrame) -> list[Target]:
    from pyspark.sql.types import ArrayType, MapType

    return [
        Target(
            index=index,
            name=field.name,
            spark_type=field.dataType.simpleString(),
            family=type_family(field.dataType.simpleString()),
            sizable=isinstance(field.dataType, ArrayType | MapType),
        )
        for index, field in enumerate(df.schema.fields)
    ]


def _classify(
    target: Target, summary: Summary, *, max_categorical_distinct: int, inferred: str | None = None
) -> SemanticClass:
    return classify_column(
        target.family,
        count=summary.count,
        approx_distinct=summary.approx_distinct,
        inferred_type=inferred,
        mean_length=None if summary.length is None else summary.length.mean,
        wordy_share=None if summary.wordy is None or summary.count == 0 else summary.wordy / summary.count,
        max_categorical_distinct=max_categorical_distinct,
    )


def _numeric_range(summary: Summary) -> tuple[float, float] | None:
    """``(min, max)`` as numbers when both are finite numbers (measures), else None."""
    try:
        low, high = float(summary.min or "nan"), float(summary.max or "nan")
    except ValueError:
        return None
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


def _has_few_values(target: Target, summary: Summary, max_categorical_distinct: int) -> bool:
    if target.family in (TypeFamily.NESTED, TypeFamily.OTHER) or summary.count == 0:
        return False
    return summary.approx_distinct is not None and summary.approx_distinct <= max_categorical_distinct


def _top_values(frame: DataFrame, targets: Sequence[Target], top_k: int) -> dict[int, tuple[tuple[str, int], ...]]:
    ranked: dict[int, list[tuple[str, int]]] = {}
    for row in top_values_query(frame, targets, top_k).collect():
        ranked.setdefault(int(row["k"]), []).append((str(row["v"]), int(row["count"])))
    return {index: tuple(sorted(pairs, key=lambda pair: (-pair[1], pair[0]))) for index, pairs in ranked.items()}


def _column_profile(
    target: Target,
    summary: Summary,
    *,
    rows: int,
    top_values: tuple[tuple[str, int], ...],
    checked: Mapping[str, object],
    max_categorical_distinct: int,
) -> ColumnProfile:
    nulls = rows - summary.count
    string_fields: dict[str, object] = {}
    inferred: str | None = None
    if target.family is TypeFamily.STRING and summary.count > 0:
        matches, tokens = read_patterns(target, checked)
        inference = infer_string_type(summary.count, matches, tokens, empties=summary.empties or 0)
        inferred = inference.inferred_type
        string_fields = {
            "inferred_type": inferred,
            "inferred_type_share": inference.share,
            "sentinel_tokens": inference.sentinel_tokens,
            "sentinel_count": inference.sentinel_count,
            "suggested_reader_options": inference.reader_options,
        }
    outliers = checked.get(f"{target.ref}_outliers")
    bounds = _numeric_range(summary)
    histogram = () if bounds is None else read_histogram(target, checked, *bounds)
    return ColumnProfile(
        name=target.name,
        spark_type=target.spark_type,
        semantic_class=_classify(target, summary, max_categorical_distinct=max_categorical_distinct, inferred=inferred),
        count=summary.count,
        nulls=nulls,
        null_share=nulls / rows if rows else 0.0,
        empties=summary.empties,
        approx_distinct=summary.approx_distinct,
        min=summary.min,
        max=summary.max,
        mean=summary.mean,
        stddev=summary.stddev,
        quantiles=summary.quantiles,
        length=summary.length,
        top_values=top_values,
        outliers=None if outliers is None else int(str(outliers)),
        size=summary.size,
        histogram=histogram,
        **string_fields,  # type: ignore[arg-type]  # keys and types are ColumnProfile's string fields
    )
