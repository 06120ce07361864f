"""Bronze: raw order records as delivered, every column text, plus where and when each row came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import functions as sf

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

RAW_COLUMNS = ("order_id", "customer_id", "order_ts", "status", "currency", "amount", "quantity", "country", "email")
RAW_SCHEMA = ", ".join(f"{name} STRING" for name in RAW_COLUMNS)
"""Raw files are read with every column as text, so nothing is lost to a failed parse before silver."""


def to_bronze(raw: DataFrame, *, source_file: Column, ingested_at: Column | None = None) -> DataFrame:
    """Add ingestion metadata: ``_source_file``, ``_ingested_at`` and ``_record_id``.

    ``_record_id`` hashes the source file and the row's values, so re-reading a file yields the same
    ids and the bronze write can skip rows it already holds.

    Example:
        >>> to_bronze(raw, source_file=sf.col("_metadata.file_path")).columns[-3:]  # doctest: +SKIP
        ['_source_file', '_ingested_at', '_record_id']
    """
    bronze = raw.select(
        *[sf.col(name).cast("string").alias(name) for name in RAW_COLUMNS],
        source_file.alias("_source_file"),
        (ingested_at if ingested_at is not None else sf.current_timestamp()).alias("_ingested_at"),
    )
    # JSON of a struct is unambiguous: NULL and any text, even "null", serialise differently.
    identity = sf.to_json(sf.struct("_source_file", *RAW_COLUMNS))
    return bronze.withColumn("_record_id", sf.sha2(identity, 256))
