"""Silver: typed, normalised orders, one row per order (its latest delivery), ready for the quality rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import Window
from pyspark.sql import functions as sf

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

LINEAGE_COLUMNS = ("_record_id", "_source_file", "_ingested_at")


def standardise(bronze: DataFrame) -> DataFrame:
    """Trim and type the raw text; values that do not parse become NULL for the rules to quarantine.

    An order delivered more than once keeps its latest delivery (latest ``_ingested_at``, then source
    file, then record id, so the choice is deterministic); earlier deliveries stay in bronze. Rows
    without an ``order_id`` are all kept, for the ``not_null`` rule to quarantine.

    Example:
        >>> standardise(spark.table("bronze_orders")).columns[:3]  # doctest: +SKIP
        ['order_id', 'customer_id', 'order_ts']
    """
    text = {name: sf.trim(sf.col(name)) for name in ("order_id", "customer_id", "order_ts", "amount", "quantity")}
    typed = bronze.select(
        sf.nullif(text["order_id"], sf.lit("")).alias("order_id"),
        sf.nullif(text["customer_id"], sf.lit("")).alias("customer_id"),
        sf.try_to_timestamp(text["order_ts"]).alias("order_ts"),
        sf.upper(sf.trim("status")).alias("status"),
        sf.upper(sf.trim("currency")).alias("currency"),
        text["amount"].try_cast("decimal(18,2)").alias("amount"),
        text["quantity"].try_cast("int").alias("quantity"),
        sf.upper(sf.trim("country")).alias("country"),
        sf.lower(sf.trim("email")).alias("email"),
        *LINEAGE_COLUMNS,
    ).withColumn("order_date", sf.to_date("order_ts"))
    latest_first = Window.partitionBy("order_id").orderBy(
        sf.desc("_ingested_at"), sf.desc("_source_file"), sf.desc("_record_id")
    )
    ranked = typed.withColumn("_delivery", sf.row_number().over(latest_first))
    return ranked.where(sf.col("order_id").isNull() | (sf.col("_delivery") == 1)).drop("_delivery")
