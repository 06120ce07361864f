"""The profile of a dataset: frozen pydantic models, one per column plus the dataset envelope."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class SemanticClass(StrEnum):
    """What a column means, decided from its statistics by :func:`~databricks_utils.profiling.classify_column`."""

    IDENTIFIER = "identifier"
    CATEGORICAL = "categorical"
    MEASURE = "measure"
    TEMPORAL = "temporal"
    BOOLEAN = "boolean"
    FREE_TEXT = "free_text"
    NESTED = "nested"
    UNKNOWN = "unknown"
    """No non-null value (an all-null column or an empty dataset), or a type with no meaning we judge (binary)."""


class Quantiles(BaseModel):
    """Approximate quantiles of a numeric column (``percentile_approx``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    p01: float
    p25: float
    p50: float
    p75: float
    p99: float

    @property
    def iqr_fences(self) -> tuple[float, float]:
        """``(p25 - 1.5 * IQR, p75 + 1.5 * IQR)``: values outside are outliers (Tukey)."""
        iqr = self.p75 - self.p25
        return self.p25 - 1.5 * iqr, self.p75 + 1.5 * iqr


class HistogramBin(BaseModel):
    """Values in ``[lower, upper)`` (the last bin includes ``upper``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lower: float
    upper: float
    count: int


class LengthStats(BaseModel):
    """Minimum, maximum and mean of a length: characters of a string, elements of an array or map."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min: int
    max: int
    mean: float


class ColumnProfile(BaseModel):
    """Statistics and meaning of one column.

    Attributes:
        name: The column name as the frame spells it (spaces and unicode kept).
        spark_type: Spark SQL type, e.g. ``string``, ``decimal(10,2)``, ``array<int>``.
        semantic_class: What the column means.
        count: Non-null values.
        nulls: Null values.
        null_share: ``nulls / rows`` (0.0 for an empty dataset).
        empties: Empty or blank strings (strings only).
        approx_distinct: ``approx_count_distinct`` of the values (None for nested types).
        min: Smallest value as text (orderable types).
        max: Largest value as text.
        mean: Mean (numeric types).
        stddev: Sample standard deviation (numeric types; None below two values).
        quantiles: Approximate p01/p25/p50/p75/p99 (numeric types).
        length: Characters per value (strings).
        top_values: ``(value, count)`` most frequent first, for columns with few distinct values.
        inferred_type: For strings, the most specific type most values fit: ``integer``, ``decimal``,
            ``date``, ``timestamp``, ``boolean``, ``uuid``, ``email``, or ``string``.
        inferred_type_share: Share of the non-null values that fit ``inferred_type``.
        sentinel_tokens: Tokens such as ``NA``, ``N/A``, ``null``, ``-`` standing for missing values in a
            column whose other values fit ``inferred_type``, most frequent first.
        sentinel_count: Values that are one of ``sentinel_tokens``.
        suggested_reader_options: Reader options that turn the sentinels into nulls, e.g. ``{"nullValue": "NA"}``
            (the CSV reader takes one ``nullValue``: the most frequent token; the others are listed above).
        outliers: Values outside the IQR fences (1.5 IQR) of a measure, from the quantiles above.
        size: Elements per value (arrays and maps).
        histogram: Equal-width bins from min to max of a measure (counted in pass 3, no extra query).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    spark_type: str
    semantic_class: SemanticClass
    count: int
    nulls: int
    null_share: float
    empties: int | None = None
    approx_distinct: int | None = None
    min: str | None = None
    max: str | None = None
    mean: float | None = None
    stddev: float | None = None
    quantiles: Quantiles | None = None
    length: LengthStats | None = None
    top_values: tuple[tuple[str, int], ...] = ()
    inferred_type: str | None = None
    inferred_type_share: float | None = None
    sentinel_tokens: tuple[str, ...] = ()
    sentinel_count: int = 0
    suggested_reader_options: dict[str, str] = {}
    outliers: int | None = None
    size: LengthStats | None = None
    histogram: tuple[HistogramBin, ...] = ()


class CandidateKey(BaseModel):
    """Columns whose value combinations are (approximately) all distinct: a candidate primary key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: tuple[str, ...]
    approx_distinct: int


class DatasetProfile(BaseModel):
    """The profile of one DataFrame.

    Attributes:
        row_count: Rows profiled.
        columns: One profile per top-level column, in frame order.
        jobs_used: Spark actions (queries) the profiler ran: at most 3, whatever the number of columns.
            Without adaptive query execution each is one Spark job; with it Spark may run one job per
            shuffle stage of a query, still a number independent of the columns.
        sample: The caller's description of what was profiled (e.g. ``"10% sample of main.sales.orders"``).
        candidate_keys: Single identifier columns and minimal composite keys of 2-3 columns (approximate counts).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    row_count: int
    columns: tuple[ColumnProfile, ...]
    jobs_used: int
    sample: str | None = None
    candidate_keys: tuple[CandidateKey, ...] = ()

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name``.

        Raises:
            KeyError: No column has that name.
        """
        for profile in self.columns:
            if profile.name == name:
                return profile
        raise KeyError(f"no column {name!r} in the profile; columns: {[c.name for c in self.columns]}")
