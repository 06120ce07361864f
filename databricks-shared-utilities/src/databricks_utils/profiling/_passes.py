"""The three Spark queries of a profile: their aggregate columns and how their rows are read back.

Every column of the profiled frame is renamed by position (``_c0``, ``_c1``, ...) before any of these
run, so names with spaces, dots, backticks or unicode, and duplicate names, need no quoting here.
Each builder returns plain ``alias -> Column`` mappings; each reader turns the single result row back
into Python numbers. Nothing here runs a job: :mod:`databricks_utils.profiling.profiler` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from databricks_utils.profiling.classify import SENTINEL_TOKENS, STRING_PATTERNS, TypeFamily
from databricks_utils.profiling.model import HistogramBin, LengthStats, Quantiles

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

ROWS: Final = "__rows"
QUANTILE_PROBABILITIES: Final = (0.01, 0.25, 0.5, 0.75, 0.99)
HISTOGRAM_BINS: Final = 10
QUANTILE_ACCURACY: Final = 10_000
"""``percentile_approx`` accuracy: relative rank error about 1/accuracy."""
DISTINCT_RSD: Final = 0.05
"""``approx_count_distinct`` relative standard deviation (Spark's default). 0.02 made pass 1 about 4x slower:
its HyperLogLog++ buffer is 8x larger per column."""

_ORDERABLE: Final = frozenset(
    {TypeFamily.STRING, TypeFamily.INTEGRAL, TypeFamily.FRACTIONAL, TypeFamily.TEMPORAL, TypeFamily.BOOLEAN}
)
_NUMERIC: Final = frozenset({TypeFamily.INTEGRAL, TypeFamily.FRACTIONAL})


@dataclass(frozen=True)
class Target:
    """One profiled column: its position, original name, Spark type and family."""

    index: int
    name: str
    spark_type: str
    family: TypeFamily
    sizable: bool = False
    """An array or a map (``size()`` applies)."""

    @property
    def ref(self) -> str:
        """The positional name the column has in the renamed frame."""
        return f"_c{self.index}"


@dataclass(frozen=True)
class Summary:
    """Pass-1 statistics of one column."""

    count: int
    approx_distinct: int | None = None
    empties: int | None = None
    wordy: int | None = None
    """Strings with whitespace between two characters (several words)."""
    min: str | None = None
    max: str | None = None
    mean: float | None = None
    stddev: float | None = None
    quantiles: Quantiles | None = None
    length: LengthStats | None = None
    size: LengthStats | None = None


def summary_aggregates(targets: Sequence[Target]) -> dict[str, Column]:
    """Pass 1: row count, then per column non-nulls, distinct, min/max, mean/stddev, quantiles, lengths, sizes."""
    from pyspark.sql import functions as sf

    aggregates: dict[str, Column] = {ROWS: sf.count(sf.lit(1))}
    for target in targets:
        column, key = sf.col(target.ref), target.ref
        aggregates[f"{key}_count"] = sf.count(column)
        if target.family is not TypeFamily.NESTED:
            aggregates[f"{key}_distinct"] = sf.approx_count_distinct(column, DISTINCT_RSD)
        if target.family in _ORDERABLE:
            aggregates[f"{key}_min"] = sf.min(column).cast("string")
            aggregates[f"{key}_max"] = sf.max(column).cast("string")
        if target.family in _NUMERIC:
            aggregates[f"{key}_mean"] = sf.avg(column).cast("double")
            aggregates[f"{key}_stddev"] = sf.stddev_samp(column).cast("double")
            probabilities = sf.array(*[sf.lit(p) for p in QUANTILE_PROBABILITIES])
            quantiles = sf.percentile_approx(column, probabilities, QUANTILE_ACCURACY)
            aggregates[f"{key}_quantiles"] = quantiles.cast("array<double>")
        if target.family is TypeFamily.STRING:
            aggregates[f"{key}_empties"] = sf.count_if(sf.trim(column) == sf.lit(""))
            aggregates[f"{key}_wordy"] = sf.count_if(column.rlike(r"\S\s+\S"))
            aggregates.update(_length_aggregates(f"{key}_length", sf.length(column)))
        if target.sizable:
            aggregates.update(_length_aggregates(f"{key}_size", sf.when(column.isNotNull(), sf.size(column))))
    return aggregates


def _length_aggregates(key: str, length: Column) -> dict[str, Column]:
    from pyspark.sql import functions as sf

    return {
        f"{key}_min": sf.min(length),
        f"{key}_max": sf.max(length),
        f"{key}_mean": sf.avg(length).cast("double"),
    }


def read_summary(target: Target, values: Mapping[str, object]) -> Summary:
    """The pass-1 statistics of ``target`` from the result row (as a dict)."""
    key = target.ref
    raw_quantiles = values.get(f"{key}_quantiles")
    quantiles = None
    if isinstance(raw_quantiles, list) and all(isinstance(q, float) for q in raw_quantiles):
        quantiles = Quantiles(**dict(zip(("p01", "p25", "p50", "p75", "p99"), raw_quantiles, strict=True)))
    return Summary(
        count=_int(values.get(f"{key}_count")) or 0,
        approx_distinct=_int(values.get(f"{key}_distinct")),
        empties=_int(values.get(f"{key}_empties")),
        wordy=_int(values.get(f"{key}_wordy")),
        min=_str(values.get(f"{key}_min")),
        max=_str(values.get(f"{key}_max")),
        mean=_float(values.get(f"{key}_mean")),
        stddev=_float(values.get(f"{key}_stddev")),
        quantiles=quantiles,
        length=_lengths(values, f"{key}_length"),
        size=_lengths(values, f"{key}_size"),
    )


def _lengths(values: Mapping[str, object], key: str) -> LengthStats | None:
    low, high, mean = _int(values.get(f"{key}_min")), _int(values.get(f"{key}_max")), _float(values.get(f"{key}_mean"))
    if low is None or high is None or mean is None:
        return None
    return LengthStats(min=low, max=high, mean=mean)


def top_values_query(df: DataFrame, targets: Sequence[Target], top_k: int) -> DataFrame:
    """Pass 2: the ``top_k`` most frequent values of every target in ONE query.

    Each row becomes one ``(column index, value as text)`` pair per target (``inline`` of an array of
    structs), so a single ``groupBy`` counts every column's values and a window ranks them per column.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as sf

    pairs = sf.array(*[sf.struct(sf.lit(t.index).alias("k"), sf.col(t.ref).cast("string").alias("v")) for t in targets])
    counts = df.select(sf.inline(pairs)).where(sf.col("v").isNotNull()).groupBy("k", "v").count()
    rank = sf.row_number().over(Window.partitionBy("k").orderBy(sf.desc("count"), sf.asc("v")))
    return counts.withColumn("r", rank).where(sf.col("r") <= top_k).select("k", "v", "count")


def pattern_aggregates(
    strings: Sequence[Target],
    fences: Mapping[int, tuple[float, float]],
    ranges: Mapping[int, tuple[float, float]] | None = None,
) -> dict[str, Column]:
    """Pass 3: pattern and sentinel counts per string column; IQR outliers and histogram bins per measure.

    ``fences`` maps a column index to its ``(low, high)`` IQR fences; ``ranges`` to its ``(min, max)``,
    split into :data:`HISTOGRAM_BINS` equal-width bins counted in the same aggregate.
    """
    from pyspark.sql import functions as sf

    aggregates: dict[str, Column] = {}
    for target in strings:
        trimmed = sf.trim(sf.col(target.ref))
        for name, pattern in STRING_PATTERNS.items():
            aggregates[f"{target.ref}_fits_{name}"] = sf.count_if(trimmed.rlike(pattern))
        upper = sf.upper(trimmed)
        for position, token in enumerate(SENTINEL_TOKENS):
            aggregates[f"{target.ref}_token_{position}"] = sf.count_if(upper == sf.lit(token))
    for index, (low, high) in fences.items():
        column = sf.col(f"_c{index}").cast("double")
        aggregates[f"_c{index}_outliers"] = sf.count_if((column < sf.lit(low)) | (column > sf.lit(high)))
    for index, (low, high) in (ranges or {}).items():
        column = sf.col(f"_c{index}").cast("double")
        edges = histogram_edges(low, high)
        for position, (bin_low, bin_high) in enumerate(edges):
            below = column <= sf.lit(bin_high) if position == len(edges) - 1 else column < sf.lit(bin_high)
            inside = (column >= sf.lit(bin_low)) & below
            aggregates[f"_c{index}_bin_{position}"] = sf.count_if(inside)
    return aggregates


def histogram_edges(low: float, high: float) -> list[tuple[float, float]]:
    """:data:`HISTOGRAM_BINS` equal-width ``(lower, upper)`` bins from ``low`` to ``high`` (one bin when equal)."""
    if high <= low:
        return [(low, high)]
    width = (high - low) / HISTOGRAM_BINS
    return [
        (low + i * width, high if i == HISTOGRAM_BINS - 1 else low + (i + 1) * width) for i in range(HISTOGRAM_BINS)
    ]


def read_histogram(target: Target, values: Mapping[str, object], low: float, high: float) -> tuple[HistogramBin, ...]:
    """The histogram bins of a measure from the pass-3 row (empty when pass 3 did not count them)."""
    bins = []
    for position, (lower, upper) in enumerate(histogram_edges(low, high)):
        count = _int(values.get(f"{target.ref}_bin_{position}"))
        if count is None:
            return ()
        bins.append(HistogramBin(lower=lower, upper=upper, count=count))
    return tuple(bins)


def read_patterns(target: Target, values: Mapping[str, object]) -> tuple[dict[str, int], dict[str, int]]:
    """``(type -> fitting values, token -> equal values)`` of a string column from the pass-3 row."""
    matches = {name: _int(values.get(f"{target.ref}_fits_{name}")) or 0 for name in STRING_PATTERNS}
    tokens = {
        token: _int(values.get(f"{target.ref}_token_{position}")) or 0 for position, token in enumerate(SENTINEL_TOKENS)
    }
    return matches, tokens


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def key_aggregates(combinations: Sequence[tuple[int, ...]], rsd: float) -> dict[str, Column]:
    """Pass 3 too: approximate distinct tuples of each column combination (candidate composite keys)."""
    from pyspark.sql import functions as sf

    return {
        key_alias(combination): sf.approx_count_distinct(sf.struct(*[sf.col(f"_c{i}") for i in combination]), rsd)
        for combination in combinations
    }


def key_alias(combination: tuple[int, ...]) -> str:
    """The pass-3 column holding the distinct tuples of ``combination``."""
    return "_key_" + "_".join(str(i) for i in combination)
