"""Decide what a column means from its statistics: pure Python, no Spark.

The profiler (:mod:`databricks_utils.profiling.profiler`) measures; these functions judge. They take
plain numbers, so every rule is unit-tested without a JVM.

Rules, in order (:func:`classify_column`):

1. ``struct`` / ``array`` / ``map`` are nested; no non-null value means unknown.
2. Booleans (native, or strings that are mostly ``true``/``false``/``yes``/``no``) are boolean.
3. Dates and timestamps (native or inferred from strings) are temporal.
4. Floating-point and fractional decimals are measures, never identifiers: a continuous measure is
   often all-distinct by chance, which says nothing about it being a key.
5. Integers whose values are all distinct are identifiers.
6. Long prose (mean length >= :data:`FREE_TEXT_MIN_MEAN_LENGTH`, most values with several words) is
   free text; other strings are identifiers when UUIDs or all distinct, else categorical (however
   many values: names, cities and codes are categories of high cardinality). Integers repeating few
   values are categorical; other integers are measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from databricks_utils.profiling.model import SemanticClass


class TypeFamily(StrEnum):
    """The family of a Spark type, as far as profiling cares."""

    STRING = "string"
    INTEGRAL = "integral"
    FRACTIONAL = "fractional"
    TEMPORAL = "temporal"
    BOOLEAN = "boolean"
    NESTED = "nested"
    OTHER = "other"


STRING_PATTERNS: Final[Mapping[str, str]] = {
    "boolean": r"(?i)^(true|false|yes|no|y|n|t|f)$",
    "integer": r"^[+-]?[0-9]+$",
    "decimal": r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$",
    "date": r"^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})$",
    "timestamp": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
}
"""Candidate type -> Java regex matched against the trimmed value, most specific type first."""

SENTINEL_TOKENS: Final[tuple[str, ...]] = ("NA", "N/A", "#N/A", "NULL", "NONE", "NAN", "NIL", "-", "--", "?", ".")
"""Upper-cased, trimmed values that commonly stand for a missing value in text files."""

SENTINEL_TYPES: Final = frozenset({"integer", "decimal", "date", "timestamp", "boolean"})
"""Inferred types for which a non-conforming token is read as a disguised null."""

MIN_TYPE_SHARE: Final = 0.9
"""Share of the (non-sentinel) values that must fit a type for a string column to be inferred as it."""
UNIQUE_SHARE: Final = 0.95
"""``approx_distinct / count`` from which a column counts as all-distinct (HyperLogLog++ at rsd 0.05 errs by a
few %, so a column with under ~5 % duplicates may also count as all-distinct)."""
CATEGORICAL_REPEAT_SHARE: Final = 0.2
"""An integer column is categorical when its distinct values are at most this share of its values."""
FREE_TEXT_MIN_MEAN_LENGTH: Final = 30
"""Mean characters from which a string of words is free text rather than a code (a 40-character hash is a code)."""
FREE_TEXT_MIN_WORDY_SHARE: Final = 0.5
"""Share of values with whitespace between characters from which a long string is free text."""

_SIMPLE_FAMILIES: Final[Mapping[str, TypeFamily]] = {
    **dict.fromkeys(("tinyint", "smallint", "int", "bigint", "byte", "short", "long", "integer"), TypeFamily.INTEGRAL),
    **dict.fromkeys(("float", "double", "real"), TypeFamily.FRACTIONAL),
    "string": TypeFamily.STRING,
    "date": TypeFamily.TEMPORAL,
    "boolean": TypeFamily.BOOLEAN,
}
_PREFIX_FAMILIES: Final[tuple[tuple[tuple[str, ...], TypeFamily], ...]] = (
    (("struct<", "array<", "map<"), TypeFamily.NESTED),
    (("varchar", "char"), TypeFamily.STRING),
    (("timestamp",), TypeFamily.TEMPORAL),
)
_MIN_VALUES_FOR_UNIQUE: Final = 2


def type_family(spark_type: str) -> TypeFamily:
    """The family of a Spark SQL type string (``DataType.simpleString()``).

    Example:
        >>> type_family("decimal(10,0)"), type_family("decimal(10,2)"), type_family("array<int>")
        (<TypeFamily.INTEGRAL: 'integral'>, <TypeFamily.FRACTIONAL: 'fractional'>, <TypeFamily.NESTED: 'nested'>)
    """
    name = spark_type.strip().lower()
    if name.startswith("decimal"):
        scale = name.rstrip(")").split(",")[-1].strip() if "," in name else "0"
        return TypeFamily.INTEGRAL if scale == "0" else TypeFamily.FRACTIONAL
    for prefixes, family in _PREFIX_FAMILIES:
        if name.startswith(prefixes):
            return family
    return _SIMPLE_FAMILIES.get(name, TypeFamily.OTHER)


class StringTypeInference(BaseModel):
    """The real type of a string column, and the disguised nulls in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inferred_type: str
    share: float
    sentinel_tokens: tuple[str, ...] = ()
    sentinel_count: int = 0
    reader_options: dict[str, str] = {}


def infer_string_type(
    count: int,
    matches: Mapping[str, int],
    sentinels: Mapping[str, int],
    *,
    empties: int = 0,
    min_share: float = MIN_TYPE_SHARE,
) -> StringTypeInference:
    """The most specific type that the values of a string column fit, and its sentinel nulls.

    A type is chosen when at least ``min_share`` of the values that are neither blank nor a sentinel token
    fit it. When the chosen type is numeric, temporal or boolean and the values that do not fit are
    (nearly all) sentinel tokens, those tokens are reported with the reader option that reads them as null.

    Args:
        count: Non-null values.
        matches: Candidate type (a key of :data:`STRING_PATTERNS`) -> values matching its pattern.
        sentinels: Token (from :data:`SENTINEL_TOKENS`) -> values equal to it (trimmed, any case).
        empties: Blank values (never fit a type; not a token: CSV readers already read them as null).
        min_share: See :data:`MIN_TYPE_SHARE`.

    Returns:
        The inference; ``string`` with the share of values that are not blank when no type fits.

    Example:
        >>> infer_string_type(10, {"integer": 8, "decimal": 8}, {"NA": 2}).reader_options
        {'nullValue': 'NA'}
    """
    found = {token: n for token, n in sentinels.items() if n > 0}
    sentinel_count = sum(found.values())
    judged = count - empties - sentinel_count
    if count == 0 or judged <= 0:
        return StringTypeInference(inferred_type="string", share=0.0 if count == 0 else (count - empties) / count)
    for name in STRING_PATTERNS:
        fitting = matches.get(name, 0)
        if fitting / judged < min_share:
            continue
        share = fitting / count
        if name not in SENTINEL_TYPES or not found:
            return StringTypeInference(inferred_type=name, share=share)
        tokens = tuple(sorted(found, key=lambda token: (-found[token], token)))
        return StringTypeInference(
            inferred_type=name,
            share=share,
            sentinel_tokens=tokens,
            sentinel_count=sentinel_count,
            reader_options={"nullValue": tokens[0]},
        )
    return StringTypeInference(inferred_type="string", share=(count - empties) / count)


def is_all_distinct(count: int, approx_distinct: int | None) -> bool:
    """Whether (approximately) every non-null value is different; False below two values."""
    if approx_distinct is None or count < _MIN_VALUES_FOR_UNIQUE:
        return False
    return approx_distinct / count >= UNIQUE_SHARE


def classify_column(
    family: TypeFamily,
    *,
    count: int,
    approx_distinct: int | None,
    inferred_type: str | None = None,
    mean_length: float | None = None,
    wordy_share: float | None = None,
    max_categorical_distinct: int = 50,
) -> SemanticClass:
    """The semantic class of a column from its type family and statistics (rules in the module docstring).

    Args:
        family: The column's :func:`type_family`.
        count: Non-null values.
        approx_distinct: Approximate distinct values (None for nested types).
        inferred_type: For strings, :attr:`StringTypeInference.inferred_type`.
        mean_length: For strings, mean characters per value.
        wordy_share: For strings, share of values with whitespace between characters (several words).
        max_categorical_distinct: Most distinct values a categorical integer column has.

    Returns:
        The class.

    Example:
        >>> classify_column(TypeFamily.FRACTIONAL, count=1000, approx_distinct=1000)
        <SemanticClass.MEASURE: 'measure'>
        >>> classify_column(TypeFamily.INTEGRAL, count=1000, approx_distinct=1000)
        <SemanticClass.IDENTIFIER: 'identifier'>
    """
    if family is TypeFamily.NESTED:
        return SemanticClass.NESTED
    if count == 0 or family is TypeFamily.OTHER:
        return SemanticClass.UNKNOWN
    if family is TypeFamily.STRING:
        family = _family_of_inferred(inferred_type)
    direct = _DIRECT_CLASSES.get(family)
    if direct is not None:
        return direct
    unique = is_all_distinct(count, approx_distinct)
    distinct = count if approx_distinct is None else approx_distinct
    if family is TypeFamily.INTEGRAL:
        if unique:
            return SemanticClass.IDENTIFIER
        few = distinct <= max_categorical_distinct and distinct <= CATEGORICAL_REPEAT_SHARE * count
        return SemanticClass.CATEGORICAL if few else SemanticClass.MEASURE
    long_text = (mean_length or 0.0) >= FREE_TEXT_MIN_MEAN_LENGTH and (wordy_share or 0.0) >= FREE_TEXT_MIN_WORDY_SHARE
    return _classify_text(inferred_type, unique=unique, long_text=long_text)


_DIRECT_CLASSES: Final[Mapping[TypeFamily, SemanticClass]] = {
    TypeFamily.BOOLEAN: SemanticClass.BOOLEAN,
    TypeFamily.TEMPORAL: SemanticClass.TEMPORAL,
    # Continuous values are often all-distinct by chance: never a key.
    TypeFamily.FRACTIONAL: SemanticClass.MEASURE,
}


def _family_of_inferred(inferred_type: str | None) -> TypeFamily:
    return {
        "boolean": TypeFamily.BOOLEAN,
        "integer": TypeFamily.INTEGRAL,
        "decimal": TypeFamily.FRACTIONAL,
        "date": TypeFamily.TEMPORAL,
        "timestamp": TypeFamily.TEMPORAL,
    }.get(inferred_type or "", TypeFamily.STRING)


def _classify_text(inferred_type: str | None, *, unique: bool, long_text: bool) -> SemanticClass:
    if long_text:
        return SemanticClass.FREE_TEXT
    if inferred_type == "uuid" or unique:
        return SemanticClass.IDENTIFIER
    return SemanticClass.CATEGORICAL  # few values, or many short ones (names, cities, codes)
