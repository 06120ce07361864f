"""Fixtures of the quality tests: small DataFrames built inside the JVM.

``spark.createDataFrame(list)`` ships pickled rows that every job decodes in a Python worker
(~0.25 s per job on a 2-core machine); a literal array of structs exploded with ``inline`` is a
local relation the JVM evaluates alone (~0.05 s). The tests run hundreds of tiny jobs, so this keeps
the suite fast without changing what is tested.
"""

import functools

import pytest


def _literal(value, data_type):
    from pyspark.sql import functions as sf
    from pyspark.sql.types import MapType

    if isinstance(value, dict) and isinstance(data_type, MapType):
        pairs = [sf.lit(part) for key, item in value.items() for part in (key, item)]
        return sf.create_map(*pairs).cast(data_type)
    return sf.lit(value).cast(data_type)


def build_frame(spark, rows, schema):
    """A DataFrame of ``rows`` (tuples) with ``schema`` (DDL string), evaluated in the JVM only."""
    from pyspark.sql import functions as sf

    struct = spark.createDataFrame([], schema).schema  # parses the DDL, runs no job
    if not rows:
        return spark.range(0).select(*[sf.lit(None).cast(f.dataType).alias(f.name) for f in struct.fields])
    records = [
        sf.struct(*[_literal(value, f.dataType).alias(f.name) for value, f in zip(row, struct.fields, strict=True)])
        for row in rows
    ]
    return spark.range(1).select(sf.inline(sf.array(*records)))


@pytest.fixture(scope="session")
def frame_builder():
    """``build_frame(spark, rows, schema)`` for tests that hold their own session (hypothesis)."""
    return build_frame


@pytest.fixture
def frame(spark_session):
    """``frame(rows, schema)``: a JVM-local DataFrame on the test's isolated session."""
    return functools.partial(build_frame, spark_session)
