"""ML features per customer: recency is measured from the latest order in the data, so re-runs agree."""

import datetime as dt
from decimal import Decimal

from pipelines.gold.features import customer_features

SILVER_SCHEMA = (
    "order_id STRING, customer_id STRING, order_date DATE, status STRING, amount DECIMAL(18,2), country STRING"
)


def test_customer_features(spark_session):
    day = dt.date(2024, 6, 1)
    rows = [
        ("1", "C1", day, "PAID", Decimal("10.00"), "DE"),
        ("2", "C1", day + dt.timedelta(days=9), "PAID", Decimal("30.00"), "FR"),
        ("3", "C2", day + dt.timedelta(days=5), "SHIPPED", Decimal("7.00"), "DE"),
        ("4", "C2", day + dt.timedelta(days=6), "RETURNED", Decimal("99.00"), "DE"),
    ]
    silver = spark_session.createDataFrame(rows, SILVER_SCHEMA)
    features = {r["customer_id"]: r for r in customer_features(silver).collect()}
    c1, c2 = features["C1"], features["C2"]
    assert (c1["orders"], c1["revenue"], c1["avg_order_value"]) == (2, Decimal("40.00"), Decimal("20.00"))
    assert (c1["days_since_last_order"], c1["distinct_countries"]) == (0, 2)
    assert (c2["orders"], c2["days_since_last_order"]) == (1, 4)
