"""Gold: business aggregates over valid silver orders. Cancelled and returned orders earn no revenue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import functions as sf

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

REVENUE_STATUSES = ("NEW", "PAID", "SHIPPED")
MONEY = "decimal(18,2)"


def _earning(silver: DataFrame) -> DataFrame:
    return silver.where(sf.col("status").isin(*REVENUE_STATUSES))


def daily_sales(silver: DataFrame) -> DataFrame:
    """Orders, units, revenue and average order value per day, country and currency.

    Example:
        >>> daily_sales(spark.table("silver_orders")).columns  # doctest: +SKIP
        ['order_date', 'country', 'currency', 'orders', 'units', 'revenue', 'avg_order_value']
    """
    revenue = sf.sum("amount").cast(MONEY)
    return (
        _earning(silver)
        .groupBy("order_date", "country", "currency")
        .agg(
            sf.count("order_id").alias("orders"),
            sf.sum("quantity").cast("bigint").alias("units"),
            revenue.alias("revenue"),
            (revenue / sf.count("order_id")).cast(MONEY).alias("avg_order_value"),
        )
    )


def customer_summary(silver: DataFrame) -> DataFrame:
    """First and last order date, order count and revenue per customer (all statuses count as orders)."""
    earned = sf.sum(sf.when(sf.col("status").isin(*REVENUE_STATUSES), sf.col("amount")).otherwise(0))
    return silver.groupBy("customer_id").agg(
        sf.min("order_date").alias("first_order_date"),
        sf.max("order_date").alias("last_order_date"),
        sf.count("order_id").alias("orders"),
        sf.coalesce(earned, sf.lit(0)).cast(MONEY).alias("revenue"),
    )
