"""Small test DataFrames built inside the JVM, with no Python worker per job.

``spark.createDataFrame(list)`` ships pickled rows that every job decodes in a Python worker (~0.25 s per
job on a 2-core machine); a literal array of structs exploded with ``inline`` is a local relation the JVM
evaluates alone (~0.05 s). Suites that run hundreds of tiny jobs stay fast without changing what they test.

Example:
    >>> df = build_frame(spark, [(1, "a"), (2, None)], "id int, code string")  # doctest: +SKIP
    >>> df.count()  # doctest: +SKIP
    2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType


def build_frame(spark: SparkSession, rows: Sequence[Sequence[Any]], schema: str | StructType) -> DataFrame:
    """A DataFrame of ``rows`` (tuples) with ``schema`` (DDL string or StructType), evaluated in the JVM only.

    Values are Python literals; dicts fill map columns and tuples fill struct columns.
    """
    from pyspark.sql import functions as sf

    struct = spark.createDataFrame([], schema).schema  # parses the DDL, runs no job
    if not rows:
        return spark.range(0).select(*[sf.lit(None).cast(f.dataType).alias(f.name) for f in struct.fields])
    records = [
        sf.struct(*[_literal(value, f.dataType).alias(f.name) for value, f in zip(row, struct.fields, strict=True)])
        for row in rows
    ]
    return spark.range(1).select(sf.inline(sf.array(*records)))


def _literal(value: Any, data_type: DataType) -> Column:
    from pyspark.sql import functions as sf
    from pyspark.sql.types import MapType, StructType

    if value is not None and isinstance(data_type, MapType):
        pairs = [sf.lit(part) for key, item in value.items() for part in (key, item)]
        return sf.create_map(*pairs).cast(data_type)
    if value is not None and isinstance(data_type, StructType):
        parts = [_literal(v, f.dataType).alias(f.name) for v, f in zip(value, data_type.fields, strict=True)]
        return sf.struct(*parts)
    return sf.lit(value).cast(data_type)
