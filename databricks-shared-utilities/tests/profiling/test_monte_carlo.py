import pytest
import yaml

from databricks_utils.profiling.model import ColumnProfile, DatasetProfile, SemanticClass
from databricks_utils.profiling.monte_carlo import field_health_conditions, monte_carlo_monitors, monte_carlo_table


def _col(name, spark_type, semantic, **fields):
    return ColumnProfile(
        name=name, spark_type=spark_type, semantic_class=semantic, count=10, nulls=0, null_share=0.0, **fields
    )


PROFILE = DatasetProfile(
    row_count=10,
    jobs_used=3,
    columns=(
        _col("order_id", "int", SemanticClass.IDENTIFIER),
        _col("amount", "double", SemanticClass.MEASURE, min="1.5", max="90"),
        _col("status", "string", SemanticClass.CATEGORICAL),
        _col("created at", "timestamp", SemanticClass.TEMPORAL),
        _col("order_date", "date", SemanticClass.TEMPORAL),
        _col("tags", "array<string>", SemanticClass.NESTED),
    ),
)


def _monitors(text):
    document = yaml.safe_load(text)
    return {m["name"]: m for m in document["montecarlo"]["metric"]}


def test_freshness_volume_and_field_health_for_the_table():
    monitors = _monitors(monte_carlo_monitors(PROFILE, table="main.sales.orders"))
    assert set(monitors) == {
        "main_sales_orders_freshness",
        "main_sales_orders_volume",
        "main_sales_orders_field_health",
    }
    for monitor in monitors.values():
        assert monitor["data_source"] == {"table": "main:sales.orders"}
        assert monitor["schedule"]["type"] == "fixed"
        assert all(c["operator"] == "AUTO" for c in monitor["alert_conditions"])
    assert (
        monitors["main_sales_orders_freshness"]["alert_conditions"][0]["metric"] == "TIME_SINCE_LAST_ROW_COUNT_CHANGE"
    )
    volume = monitors["main_sales_orders_volume"]
    assert volume["alert_conditions"][0]["metric"] == "ROW_COUNT_CHANGE"
    assert (volume["aggregate_time_field"], volume["aggregate_by"]) == ("created at", "day")  # first temporal column


def test_field_health_metrics_fit_the_field_types():
    conditions = {c["metric"]: c["fields"] for c in field_health_conditions(PROFILE)}
    assert conditions["NULL_RATE"] == ["order_id", "amount", "status", "created at", "order_date"]
    assert conditions["UNIQUE_RATE"] == ["order_id", "status"]
    assert conditions["NUMERIC_MEAN"] == ["amount"]
    assert conditions["NEGATIVE_RATE"] == ["amount"]
    assert conditions["EMPTY_STRING_RATE"] == ["status"]
    assert conditions["FUTURE_TIMESTAMP_COUNT"] == ["created at", "order_date"]
    assert all("tags" not in fields for fields in conditions.values())


def test_explicit_timestamp_column_and_none_at_all():
    chosen = _monitors(monte_carlo_monitors(PROFILE, table="main.sales.orders", timestamp_column="order_date"))
    assert chosen["main_sales_orders_field_health"]["aggregate_time_field"] == "order_date"
    plain = DatasetProfile(row_count=1, jobs_used=1, columns=(_col("id", "int", SemanticClass.IDENTIFIER),))
    volume = _monitors(monte_carlo_monitors(plain, table="main:sales.t"))["main_sales_t_volume"]
    assert "aggregate_time_field" not in volume
    with pytest.raises(ValueError, match="timestamp_column 'nope'"):
        monte_carlo_monitors(PROFILE, table="main.sales.orders", timestamp_column="nope")


def test_header_comment_names_the_schema_and_the_profile():
    text = monte_carlo_monitors(PROFILE.model_copy(update={"sample": "10% sample"}), table="main.sales.orders")
    assert text.startswith("# yaml-language-server: $schema=https://clidocs.getmontecarlo.com/mac/schema.json")
    assert "10 rows (10% sample)" in text


@pytest.mark.parametrize("table", ["orders", "a.b", "a..c", "a.b.c.d"])
def test_table_must_be_three_part(table):
    with pytest.raises(ValueError, match=r"catalog\.schema\.table"):
        monte_carlo_table(table)


def test_table_forms():
    assert monte_carlo_table("main.sales.orders") == "main:sales.orders"
    assert monte_carlo_table("main:sales.orders") == "main:sales.orders"
