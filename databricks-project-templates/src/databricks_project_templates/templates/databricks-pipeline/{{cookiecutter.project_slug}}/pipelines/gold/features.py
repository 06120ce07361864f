"""Gold ML features per customer, keyed on ``customer_id`` (a Unity Catalog feature table on Databricks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import functions as sf

from pipelines.gold.transform import MONEY, REVENUE_STATUSES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def customer_features(silver: DataFrame) -> DataFrame:
    """Order count, revenue, average order value, recency and country spread per customer.

    Recency is measured from the latest order date in the data, not from today, so the features of a
    given silver table are the same whenever they are computed (re-runs change nothing).
    """
    earning = silver.where(sf.col("status").isin(*REVENUE_STATUSES))
    as_of = earning.agg(sf.max("order_date").alias("as_of"))
    revenue = sf.sum("amount").cast(MONEY)
    per_customer = earning.groupBy("customer_id").agg(
        sf.count("order_id").alias("orders"),
        revenue.alias("revenue"),
        (revenue / sf.count("order_id")).cast(MONEY).alias("avg_order_value"),
        sf.max("order_date").alias("last_order_date"),
        sf.count_distinct("country").cast("int").alias("distinct_countries"),
    )
    return per_customer.crossJoin(as_of).select(
        "customer_id",
        "orders",
        "revenue",
        "avg_order_value",
        sf.datediff("as_of", "last_order_date").cast("int").alias("days_since_last_order"),
        "distinct_countries",
    )
