"""Gold aggregates: revenue excludes cancelled and returned orders."""

import datetime as dt
from decimal import Decimal

from pipelines.gold.transform import customer_summary, daily_sales

SILVER_SCHEMA = (
    "order_id STRING, customer_id STRING, order_date DATE, status STRING, currency STRING, amount DECIMAL(18,2), "
    "quantity INT, country STRING"
)
DAY = dt.date(2024, 6, 1)


def silver(spark):
    rows = [
        ("1", "C1", DAY, "PAID", "EUR", Decimal("10.00"), 1, "DE"),
        ("2", "C1", DAY, "SHIPPED", "EUR", Decimal("30.00"), 3, "DE"),
        ("3", "C2", DAY, "CANCELLED", "EUR", Decimal("99.00"), 9, "DE"),
        ("4", "C2", DAY + dt.timedelta(days=1), "NEW", "USD", Decimal("5.55"), 1, "US"),
    ]
    return spark.createDataFrame(rows, SILVER_SCHEMA)


def test_daily_sales(spark_session):
    result = {(r["order_date"], r["country"]): r.asDict() for r in daily_sales(silver(spark_session)).collect()}
    de = result[(DAY, "DE")]
    assert (de["orders"], de["units"]) == (2, 4)
    assert (de["revenue"], de["avg_order_value"]) == (Decimal("40.00"), Decimal("20.00"))
    assert result[(DAY + dt.timedelta(days=1), "US")]["revenue"] == Decimal("5.55")
    assert len(result) == 2


def test_customer_summary_counts_every_order_but_earns_only_revenue_statuses(spark_session):
    result = {r["customer_id"]: r for r in customer_summary(silver(spark_session)).collect()}
    assert (result["C1"]["orders"], result["C1"]["revenue"]) == (2, Decimal("40.00"))
    assert (result["C2"]["orders"], result["C2"]["revenue"]) == (2, Decimal("5.55"))
    assert (result["C2"]["first_order_date"], result["C2"]["last_order_date"]) == (DAY, DAY + dt.timedelta(days=1))
