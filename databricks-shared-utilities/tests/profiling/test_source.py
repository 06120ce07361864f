"""Reading what to profile: paths, globs, folders, Delta and tables resolved; reader options; seeded samples."""

import pytest

from databricks_utils.errors import DataSourceError
from databricks_utils.profiling.source import read_source, resolve_source, sample_frame

CSV = "order_id,amount,status\n" + "".join(f"{i},{i * 1.5},{'open' if i % 3 else 'NA'}\n" for i in range(1, 101))


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_files_folders_globs_and_tables_resolve(tmp_path):
    write(tmp_path / "orders.csv", CSV)
    write(tmp_path / "events" / "a.jsonl", '{"x": 1}\n')
    write(tmp_path / "events" / "b.jsonl", '{"x": 2}\n')
    (tmp_path / "lake" / "_delta_log").mkdir(parents=True)
    assert resolve_source("orders.csv", base_dir=tmp_path).format == "csv"
    assert resolve_source("events", base_dir=tmp_path).format == "json"
    assert resolve_source("events/*.jsonl", base_dir=tmp_path).format == "json"
    assert resolve_source("lake", base_dir=tmp_path).format == "delta"
    table = resolve_source("main.sales.orders", base_dir=tmp_path)
    assert (table.kind, table.location, table.describe()) == ("table", "main.sales.orders", "table main.sales.orders")
    forced = resolve_source(str(write(tmp_path / "dump.data", CSV)), base_dir=tmp_path, format="csv")
    assert (forced.kind, forced.format) == ("path", "csv")


@pytest.mark.parametrize(
    ("setup", "source", "message"),
    [
        (None, "missing.csv", "no such file or folder"),
        (None, "data/*.csv", "no file matches the glob"),
        ("blob.bin", "blob.bin", "cannot tell the format from the file names (.bin). Fix: pass --format"),
        ("empty/", "empty", "the folder has no data files"),
        (None, "  ", "SOURCE is empty"),
    ],
)
def test_bad_sources_are_clear_errors(tmp_path, setup, source, message):
    if setup and setup.endswith("/"):
        (tmp_path / setup).mkdir()
    elif setup:
        write(tmp_path / setup, "x")
    with pytest.raises(DataSourceError, match="Fix:") as caught:
        resolve_source(source, base_dir=tmp_path)
    assert message in str(caught.value)


@pytest.mark.spark
def test_reader_options_apply_and_csv_infers_types(spark_session, tmp_path):
    source = resolve_source(str(write(tmp_path / "orders.csv", CSV)), base_dir=tmp_path)
    typed = read_source(spark_session, source)
    assert dict(typed.dtypes)["order_id"] == "int"
    assert dict(typed.dtypes)["amount"] == "double"
    with_nulls = read_source(spark_session, source, options={"nullValue": "NA"})
    assert with_nulls.where("status is null").count() == 33


@pytest.mark.spark
def test_an_unreadable_file_is_a_clear_error(spark_session, tmp_path):
    source = resolve_source(str(write(tmp_path / "broken.parquet", "not parquet at all")), base_dir=tmp_path)
    with pytest.raises(DataSourceError, match=r"SOURCE parquet .*broken\.parquet: cannot be read .*Fix:") as caught:
        read_source(spark_session, source).collect()
    assert "Could not read footer" in str(caught.value) or "FAILED_READ_FILE" in str(caught.value)
    with pytest.raises(DataSourceError, match=r"SOURCE table no_such_table: cannot be read .*TABLE_OR_VIEW_NOT_FOUND"):
        read_source(spark_session, resolve_source("no_such_table", base_dir=tmp_path))


@pytest.mark.spark
def test_a_row_sample_is_seeded_spread_over_the_data_and_materialised(spark_session):
    df = spark_session.range(0, 10_000, 1, numPartitions=8)
    first = sample_frame(df, rows=100, seed=7)
    again = sample_frame(df, rows=100, seed=7)
    other = sample_frame(df, rows=100, seed=8)
    ids = sorted(r.id for r in first.frame.collect())
    assert first.rows == 100 and len(ids) == 100
    assert ids == sorted(r.id for r in again.frame.collect())
    assert ids != sorted(r.id for r in other.frame.collect())
    assert max(ids) > 5_000  # not the first rows in file order
    assert first.description == "seeded random sample of up to 100 rows (seed 7): 100 rows"


@pytest.mark.spark
def test_a_fraction_sample_and_bad_sample_arguments(spark_session):
    df = spark_session.range(0, 10_000, 1, numPartitions=4)
    sampled = sample_frame(df, fraction=0.1, seed=1)
    assert 800 < sampled.rows < 1200
    assert sample_frame(df).description == "all rows"
    with pytest.raises(ValueError, match="not both"):
        sample_frame(df, rows=1, fraction=0.5)
    with pytest.raises(ValueError, match="fraction must be in"):
        sample_frame(df, fraction=1.5)
