"""Write a validation result: valid rows to the target table, quarantined rows to a quarantine table, idempotently.

Idempotency: writing the same input twice leaves both tables, and their Delta history, unchanged.

- The batch id is a fingerprint of the input's content (row count, an order-independent sum of row
  hashes, the schema): the same rows give the same id, whatever their order or partitioning.
- ``merge``: only rows that are new or changed (an anti-join on every column, NULL-safe) reach a
  Delta ``MERGE`` on ``keys`` (update matched, insert the rest). A re-run finds nothing to merge and
  Delta commits nothing (a MERGE whose source matches rows rewrites their files even when no value
  changes, hence the anti-join).
- ``append`` / ``overwrite``: Delta's idempotent writes (``txnAppId`` = mode and batch id): Delta skips
  a write whose application id it has already committed, so a re-run adds no rows and no version.
- Quarantine: rows whose ``(_batch_id, _row_hash)`` the table already holds are skipped (an anti-join,
  then a blind append: the effect of an insert-only ``MERGE`` on those columns at half its cost);
  ``_row_hash`` hashes the row with its ``_errors`` and ``_warnings``, so a re-run inserts nothing
  while exact duplicate rows of one batch are all kept. Added columns: ``_quarantined_at``
  (timestamp), ``_batch_id``, ``_row_hash``. Two writers running the same batch at the same moment
  can both insert it (a blind append never conflicts); run one writer per target.

Tables are Delta and are created on the first write. Valid rows keep their ``_warnings`` column.
Between the queries of one write the input is read again, so it must not change meanwhile (read a
Delta table at a fixed version for strict guarantees). Valid rows must have distinct keys for
``merge`` (a ``unique`` rule with criticality ``error`` on the keys quarantines duplicates).

Example:
    >>> write_validated(apply_rules(orders, rules), target_table="main.silver.orders",  # doctest: +SKIP
    ...                 quarantine_table="main.silver.orders_quarantine", keys=["order_id"], mode="merge")
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Final, Literal, get_args

from databricks_utils.config.schema import quote_identifier, quote_table_name
from databricks_utils.errors.exceptions import ConfigError
from databricks_utils.quality.checks import col
from databricks_utils.quality.evaluator import ERRORS_COLUMN, WARNINGS_COLUMN, ValidationResult

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

logger = logging.getLogger(__name__)

WriteMode = Literal["merge", "append", "overwrite"]
QUARANTINED_AT: Final = "_quarantined_at"
BATCH_ID: Final = "_batch_id"
ROW_HASH: Final = "_row_hash"
_APP_ID_PREFIX: Final = "databricks_utils.quality:"


@dataclass(frozen=True)
class WriteOutcome:
    """What :func:`write_validated` wrote to.

    Attributes:
        batch_id: The input's content fingerprint (``_batch_id`` of its quarantined rows).
        target_table: The target, quoted.
        quarantine_table: The quarantine table, quoted.
        mode: How valid rows were written.
    """

    batch_id: str
    target_table: str
    quarantine_table: str
    mode: WriteMode


def write_validated(
    result: ValidationResult,
    *,
    target_table: str,
    quarantine_table: str,
    keys: Sequence[str] | None = None,
    mode: WriteMode = "merge",
    spark: SparkSession | None = None,
    now: dt.datetime | None = None,
) -> WriteOutcome:
    """Write valid rows to ``target_table`` and quarantined rows to ``quarantine_table``; safe to re-run.

    Args:
        result: The output of :func:`~databricks_utils.quality.evaluator.apply_rules`.
        target_table: Fully qualified name (``catalog.schema.table``; parts may be backquoted).
        quarantine_table: Fully qualified name of the quarantine table.
        keys: Columns identifying a row of the target; required for ``merge``.
        mode: ``merge`` (upsert on keys), ``append`` or ``overwrite``.
        spark: Session to check table existence with; the session of ``result``'s DataFrames when omitted.
        now: ``_quarantined_at`` of new quarantined rows; the current UTC time when omitted.

    Returns:
        The batch id and the quoted table names.

    Raises:
        ConfigError: unknown mode, ``merge`` without keys, a key that is not a column, or a malformed table name.

    Example:
        >>> write_validated(result, target_table="dev.silver.orders", quarantine_table="dev.silver.orders_q",
        ...                 keys=["order_id"])  # doctest: +SKIP
    """
    if mode not in get_args(WriteMode):
        raise ConfigError(f"write_validated: mode must be one of {', '.join(get_args(WriteMode))}, got {mode!r}")
    target, quarantine = quote_table_name(target_table), quote_table_name(quarantine_table)
    merge_keys = _merge_keys(result.valid, keys) if mode == "merge" else []
    session = spark or result.valid.sparkSession
    source_columns = [c for c in result.annotated.columns if c not in {ERRORS_COLUMN, WARNINGS_COLUMN}]
    batch_id = batch_fingerprint(result.annotated.select(*[col(c) for c in source_columns]))
    if mode == "merge":
        _merge_valid(result.valid, target, merge_keys, session)
    else:
        _append_valid(result.valid, target, mode, batch_id)
    moment = now or dt.datetime.now(tz=dt.UTC)
    _write_quarantine(result.quarantine, quarantine, batch_id=batch_id, now=moment, spark=session)
    logger.info("Wrote validated batch %s: valid -> %s (%s), quarantine -> %s", batch_id, target, mode, quarantine)
    return WriteOutcome(batch_id=batch_id, target_table=target, quarantine_table=quarantine, mode=mode)


def batch_fingerprint(frame: DataFrame) -> str:
    """A content hash of ``frame``, independent of row order and partitioning (one aggregate job).

    Example:
        >>> batch_fingerprint(spark.createDataFrame([(1,), (2,)], "id int"))  # doctest: +SKIP
        '5c1f...'
    """
    from pyspark.sql import functions as sf

    fields = list(frame.schema.fields)
    # Spark's hash skips NULLs, so (NULL, 1) and (1, NULL) would collide without the null mask.
    mask = sf.concat_ws("", *[sf.when(col(f.name).isNull(), "1").otherwise("0") for f in fields])
    row_hash = sf.xxhash64(*[_hashable(f.name, f.dataType.simpleString()) for f in fields], mask)
    row = frame.agg(sf.count(sf.lit(1)).alias("rows"), sf.sum(row_hash.cast("decimal(38,0)")).alias("hash")).first()
    rows, total = (0, None) if row is None else (row["rows"], row["hash"])
    text = f"{rows}:{total}:{frame.schema.simpleString()}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _hashable(name: str, type_name: str) -> Column:
    from pyspark.sql import functions as sf

    return sf.to_json(col(name)) if "map<" in type_name else col(name)  # Spark refuses to hash maps


def _merge_keys(valid: DataFrame, keys: Sequence[str] | None) -> list[str]:
    if not keys:
        raise ConfigError("write_validated: mode 'merge' needs keys, e.g. keys=['order_id']; or use mode='append'")
    lookup = {c.lower(): c for c in valid.columns}
    missing = [k for k in keys if k.lower() not in lookup]
    if missing:
        raise ConfigError(
            f"write_validated: keys {', '.join(missing)} are not columns of the valid rows; "
            f"available columns: {', '.join(valid.columns)}"
        )
    return [lookup[k.lower()] for k in keys]


def _exists(spark: SparkSession, table: str) -> bool:
    return bool(spark.catalog.tableExists(table))


def _create(frame: DataFrame, table: str) -> None:
    frame.write.format("delta").mode("errorifexists").saveAsTable(table)


def _merge_valid(valid: DataFrame, target: str, keys: list[str], spark: SparkSession) -> None:
    if not _exists(spark, target):
        _create(valid, target)
        return
    existing = valid.sparkSession.table(target)  # the session of `valid`: a join must not mix sessions
    same = reduce(
        lambda left, right: left & right,
        [
            _comparable("s", f.name, f.dataType.simpleString()).eqNullSafe(
                _comparable("t", f.name, f.dataType.simpleString())
            )
            for f in valid.schema.fields
        ],
    )
    changes = valid.alias("s").join(existing.alias("t"), same, "left_anti")
    # An empty MERGE still plans and runs its join jobs (seconds on a small table); the probe stops at
    # the first changed row, so it costs little when there is work and saves the MERGE when there is none.
    if changes.isEmpty():
        return
    on = " AND ".join(f"t.{quote_identifier(k)} <=> s.{quote_identifier(k)}" for k in keys)
    _run_merge(
        changes,
        f"MERGE INTO {target} AS t USING {{view}} AS s ON {on} "
        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
    )


def _comparable(alias: str, name: str, type_name: str) -> Column:
    from pyspark.sql import functions as sf

    column = sf.col(f"{alias}.{quote_identifier(name)}")
    return sf.to_json(column) if "map<" in type_name else column  # maps have no equality in Spark


def _run_merge(source: DataFrame, statement: str) -> None:
    """Run a MERGE statement with ``{view}`` bound to ``source`` through a uniquely named temporary view."""
    view = f"__dq_merge_{uuid.uuid4().hex}"
    source.createOrReplaceTempView(view)
    try:
        source.sparkSession.sql(statement.replace("{view}", quote_identifier(view)))
    finally:
        source.sparkSession.catalog.dropTempView(view)


def _append_valid(valid: DataFrame, target: str, mode: WriteMode, batch_id: str) -> None:
    # Delta idempotent writes: a (txnAppId, txnVersion) already committed to this table is skipped.
    (
        valid.write.format("delta")
        .mode(mode)
        .option("txnAppId", f"{_APP_ID_PREFIX}{mode}:{batch_id}")
        .option("txnVersion", 1)
        .saveAsTable(target)
    )


def _write_quarantine(
    quarantine: DataFrame, table: str, *, batch_id: str, now: dt.datetime, spark: SparkSession
) -> None:
    from pyspark.sql import functions as sf

    row = sf.to_json(sf.struct(*[col(c) for c in quarantine.columns]))
    rows = quarantine.withColumns(
        {QUARANTINED_AT: sf.lit(now), BATCH_ID: sf.lit(batch_id), ROW_HASH: sf.sha2(row, 256)}
    )
    if not _exists(spark, table):
        _create(rows, table)
        return
    # Equivalent to an insert-only MERGE on (_batch_id, _row_hash), at about half the cost: Delta commits
    # nothing for an append without rows, so a re-run leaves the history unchanged too.
    seen = (
        rows.sparkSession.table(table).where(col(BATCH_ID) == sf.lit(batch_id)).select(col(ROW_HASH).alias("__dq_seen"))
    )
    fresh = rows.join(seen, col(ROW_HASH) == col("__dq_seen"), "left_anti")
    fresh.write.format("delta").mode("append").saveAsTable(table)
