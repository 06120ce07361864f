"""Bronze transform: every raw value kept as text, plus ingestion metadata."""

from pyspark.sql import functions as sf

from pipelines.bronze.transform import RAW_COLUMNS, RAW_SCHEMA, to_bronze


def raw_rows(spark, rows):
    return spark.createDataFrame(rows, RAW_SCHEMA)


def test_adds_source_file_ingest_time_and_a_stable_record_id(spark_session):
    row = ("ORD-1", "CUST-1", "2024-06-01 10:00:00", "NEW", "EUR", "10.00", "1", "DE", "a@b.de")
    raw = raw_rows(spark_session, [row])
    first = to_bronze(raw, source_file=sf.lit("f1.csv")).first()
    again = to_bronze(raw, source_file=sf.lit("f1.csv")).first()
    other_file = to_bronze(raw, source_file=sf.lit("f2.csv")).first()
    assert [first[c] for c in RAW_COLUMNS] == list(row)
    assert first["_source_file"] == "f1.csv"
    assert first["_ingested_at"] is not None
    assert first["_record_id"] == again["_record_id"] != other_file["_record_id"]


def test_nulls_are_kept_and_never_confused_with_text(spark_session):
    rows = [("ORD-1", customer, None, None, None, None, None, None, None) for customer in (None, "null", "", " ")]
    bronze = to_bronze(raw_rows(spark_session, rows), source_file=sf.lit("f")).collect()
    assert [r["customer_id"] for r in bronze] == [None, "null", "", " "]
    assert len({r["_record_id"] for r in bronze}) == len(rows)
