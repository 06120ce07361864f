"""Silver: typing, normalising and keeping the latest delivery of each order; the rules file quarantines bad rows."""

import datetime as dt
from decimal import Decimal

from databricks_utils.quality import apply_rules, load_rules

from pipelines.silver.transform import standardise

BRONZE_SCHEMA = (
    "order_id STRING, customer_id STRING, order_ts STRING, status STRING, currency STRING, amount STRING, "
    "quantity STRING, country STRING, email STRING, _source_file STRING, _ingested_at TIMESTAMP, _record_id STRING"
)
T0 = dt.datetime(2024, 6, 1, 12, 0)


def bronze(spark, *rows):
    return spark.createDataFrame(list(rows), BRONZE_SCHEMA)


def row(order_id="ORD-1", *, status="paid", amount="10.50", ts="2024-06-01 10:00:00", ingested=T0, record="r1"):
    return (order_id, " CUST-1 ", ts, status, " eur", amount, "2", "de", " Ann@Example.COM ", "f.csv", ingested, record)


def test_types_and_normalises(spark_session):
    result = standardise(bronze(spark_session, row())).first()
    assert result["customer_id"] == "CUST-1"
    assert result["order_ts"] == dt.datetime(2024, 6, 1, 10, 0)
    assert result["order_date"] == dt.date(2024, 6, 1)
    assert (result["status"], result["currency"], result["country"]) == ("PAID", "EUR", "DE")
    assert result["amount"] == Decimal("10.50")
    assert result["quantity"] == 2
    assert result["email"] == "ann@example.com"


def test_values_that_do_not_parse_become_null(spark_session):
    result = standardise(bronze(spark_session, row(amount="12,50", ts="2024-06-31 10:00:00"))).first()
    assert (result["amount"], result["order_ts"]) == (None, None)


def test_keeps_the_latest_delivery_of_an_order_and_every_row_without_id(spark_session):
    later = T0 + dt.timedelta(hours=1)
    rows = [
        row(status="NEW", record="a"),
        row(status="SHIPPED", ingested=later, record="b"),
        row(None, record="c"),
        row(None, record="d"),
    ]
    result = standardise(bronze(spark_session, *rows)).collect()
    kept = sorted((r["order_id"] or "-", r["status"]) for r in result)
    assert kept == [("-", "PAID"), ("-", "PAID"), ("ORD-1", "SHIPPED")]


def test_the_rules_file_quarantines_bad_rows_and_flags_odd_ones(spark_session, project_root):
    rules = load_rules(project_root / "data_validation" / "rules.yml")
    rows = [
        row("ORD-1", record="1"),
        row("ORD-2", amount="-1", record="2"),
        row("ORD-3", status="LOST", record="3"),
        row("ORD-4", amount="20000", record="4"),
    ]
    result = apply_rules(standardise(bronze(spark_session, *rows)), rules)
    quarantined = {r["order_id"]: r["_errors"] for r in result.quarantine.collect()}
    assert set(quarantined) == {"ORD-2", "ORD-3"}
    assert any(reason.startswith("amount_not_negative") for reason in quarantined["ORD-2"])
    assert any(reason.startswith("status_known") for reason in quarantined["ORD-3"])
    warned = {r["order_id"]: r["_warnings"] for r in result.valid.collect()}
    assert set(warned) == {"ORD-1", "ORD-4"}
    assert [w.split(":")[0] for w in warned["ORD-4"]] == ["amount_plausible"]
    assert warned["ORD-1"] == []
