"""Idempotent table writes shared by the layers: a re-run with the same input commits nothing.

Writes retry transient failures (throttling, lost connections) with databricks-utils' backoff;
Delta's optimistic concurrency conflicts are not transient and surface at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from databricks_utils import get_logger, with_retry
from databricks_utils.quality import batch_fingerprint

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

logger = get_logger(__name__)
FINGERPRINT_PREFIX = "content-fingerprint:"


def table_exists(spark: SparkSession, table: str) -> bool:
    """True when ``table`` (quoted ``catalog.schema.table``) exists."""
    return bool(spark.catalog.tableExists(table.replace("`", "")))


@with_retry(attempts=3)
def append_new(frame: DataFrame, table: str, *, key: str) -> int:
    """Append the rows of ``frame`` whose ``key`` is not in ``table`` yet; returns how many were appended.

    An insert-only MERGE without the cost of rewriting matched files, and without a commit when
    nothing is new.
    """
    spark = frame.sparkSession
    fresh = frame.dropDuplicates([key])
    if table_exists(spark, table):
        fresh = fresh.join(spark.table(table).select(key), on=key, how="left_anti")
    fresh = fresh.cache()
    try:
        count = fresh.count()
        if count:
            fresh.write.format("delta").mode("append").saveAsTable(table)
        logger.info("Appended %d new rows to %s", count, table)
        return count
    finally:
        fresh.unpersist()


@with_retry(attempts=3)
def replace_if_changed(frame: DataFrame, table: str) -> bool:
    """Overwrite ``table`` with ``frame`` unless it already holds exactly those rows; True when written.

    The content fingerprint of what was written (row count, order-independent hash of the rows, schema)
    is kept in the Delta commit's user metadata, so the check costs one aggregate over ``frame`` and a
    look at the table's last commit, not a comparison with the table's rows.
    """
    spark = frame.sparkSession
    fingerprint = FINGERPRINT_PREFIX + batch_fingerprint(frame)
    if table_exists(spark, table) and _last_commit_metadata(spark, table) == fingerprint:
        logger.info("%s is up to date", table)
        return False
    (
        frame.write.format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .option("userMetadata", fingerprint)
        .saveAsTable(table)
    )
    logger.info("Rewrote %s", table)
    return True


def _last_commit_metadata(spark: SparkSession, table: str) -> str | None:
    last = spark.sql(f"DESCRIBE HISTORY {table} LIMIT 1").select("userMetadata").first()
    return None if last is None else last["userMetadata"]
