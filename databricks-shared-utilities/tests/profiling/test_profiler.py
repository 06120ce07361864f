import datetime as dt
import statistics

import pytest

from databricks_utils.profiling import SemanticClass, is_all_distinct, profile_dataframe

pytestmark = pytest.mark.spark

ORDERS_SCHEMA = "order_id int, amount double, status string, created date, note string"
STATUSES = ["shipped"] * 12 + ["open"] * 5 + ["cancelled"] * 3
AMOUNTS = [12.5, 40.0, 7.25, 19.99, 55.0, 23.4, 31.0, 8.75, 44.1, 16.0, 27.3, 35.5, 9.9, 61.2, 14.0, 22.2, 38.8, 29.9]


def _orders(frame):
    rows = [
        (
            1000 + i,
            AMOUNTS[i] if i < len(AMOUNTS) else None,
            STATUSES[i],
            dt.date(2024, 1, 1) + dt.timedelta(days=i),
            "" if i % 5 == 0 else f"customer asked for a delivery slot in the morning, order {i}",
        )
        for i in range(20)
    ]
    return frame(rows, ORDERS_SCHEMA)


def test_counts_nulls_distinct_and_min_max(frame):
    profile = profile_dataframe(_orders(frame))

    assert profile.row_count == 20
    amount = profile.column("amount")
    assert (amount.count, amount.nulls, amount.null_share) == (18, 2, 0.1)
    assert (amount.min, amount.max) == ("7.25", "61.2")
    order_id = profile.column("order_id")
    assert (order_id.approx_distinct, order_id.min, order_id.max) == (20, "1000", "1019")
    created = profile.column("created")
    assert (created.min, created.max, created.semantic_class) == ("2024-01-01", "2024-01-20", SemanticClass.TEMPORAL)
    assert profile.column("status").approx_distinct == 3


def test_mean_stddev_and_quantiles_of_a_measure(frame):
    amount = profile_dataframe(_orders(frame)).column("amount")

    assert amount.mean == pytest.approx(statistics.mean(AMOUNTS))
    assert amount.stddev == pytest.approx(statistics.stdev(AMOUNTS))
    assert amount.quantiles is not None
    assert amount.quantiles.p50 == pytest.approx(statistics.median_low(AMOUNTS))
    assert amount.quantiles.p01 == min(AMOUNTS)
    assert amount.quantiles.p99 == max(AMOUNTS)
    assert amount.semantic_class is SemanticClass.MEASURE
    assert amount.outliers == 0


def test_string_lengths_empties_and_top_values(frame):
    profile = profile_dataframe(_orders(frame), top_k=2)

    status = profile.column("status")
    assert status.top_values == (("shipped", 12), ("open", 5))
    assert status.semantic_class is SemanticClass.CATEGORICAL
    assert (status.length.min, status.length.max) == (4, 9)
    assert status.length.mean == pytest.approx(sum(map(len, STATUSES)) / 20)
    assert status.empties == 0
    note = profile.column("note")
    assert note.empties == 4
    assert note.length.min == 0
    assert note.inferred_type == "string"
    assert note.semantic_class is SemanticClass.FREE_TEXT


def test_numbers_in_a_string_column_with_na_tokens_are_reported_as_sentinel_nulls(frame):
    values = ["12", "7", "NA", "15", "N/A", "3", "NA", "22", "9", "12", "n/a ", "41"]
    df = frame([(value,) for value in values], "quantity string")

    quantity = profile_dataframe(df).column("quantity")

    assert quantity.inferred_type == "integer"
    assert quantity.inferred_type_share == pytest.approx(8 / 12)
    assert quantity.sentinel_tokens == ("N/A", "NA")
    assert quantity.sentinel_count == 4
    assert quantity.suggested_reader_options == {"nullValue": "N/A"}


def test_a_unique_float_is_a_measure_and_a_unique_integer_an_identifier(frame):
    rows = [(i, 100.0 + i * 0.37) for i in range(30)]

    profile = profile_dataframe(frame(rows, "id bigint, weight_kg double"))

    assert is_all_distinct(30, profile.column("weight_kg").approx_distinct)  # unique, yet not a key
    assert profile.column("weight_kg").semantic_class is SemanticClass.MEASURE
    assert profile.column("id").semantic_class is SemanticClass.IDENTIFIER


def test_an_outlier_outside_the_iqr_fences_is_counted(frame):
    amounts = [10.0, 11.0, 12.0, 12.5, 13.0, 13.5, 14.0, 15.0, 16.0, 950.0]

    amount = profile_dataframe(frame([(a,) for a in amounts], "amount double")).column("amount")

    assert amount.outliers == 1


def test_string_type_inference_of_dates_uuids_and_booleans(frame):
    rows = [
        (f"2024-03-{day:02d}", f"123e4567-e89b-12d3-a456-4266141740{day:02d}", "yes" if day % 2 else "no")
        for day in range(1, 11)
    ]

    profile = profile_dataframe(frame(rows, "shipped_on string, token string, paid string"))

    assert (profile.column("shipped_on").inferred_type, profile.column("shipped_on").inferred_type_share) == (
        "date",
        1.0,
    )
    assert profile.column("shipped_on").semantic_class is SemanticClass.TEMPORAL
    assert profile.column("token").inferred_type == "uuid"
    assert profile.column("token").semantic_class is SemanticClass.IDENTIFIER
    assert profile.column("paid").semantic_class is SemanticClass.BOOLEAN


def test_nested_columns_get_size_statistics(frame):
    rows = [
        ([1, 2, 3], {"a": 1}, (1, "x")),
        ([], {"a": 1, "b": 2}, (2, "y")),
        (None, None, None),
        ([4], {"c": 3, "d": 4, "e": 5}, (3, "z")),
    ]

    profile = profile_dataframe(frame(rows, "tags array<int>, attrs map<string,int>, address struct<n:int,s:string>"))

    tags, attrs, address = profile.columns
    assert (tags.size.min, tags.size.max, tags.size.mean) == (0, 3, pytest.approx(4 / 3))
    assert (attrs.size.min, attrs.size.max) == (1, 3)
    assert (tags.nulls, attrs.nulls, address.nulls) == (1, 1, 1)
    assert {c.semantic_class for c in profile.columns} == {SemanticClass.NESTED}
    assert address.size is None
    assert address.approx_distinct is None
    assert address.top_values == ()


def test_an_empty_dataset_is_a_valid_profile_in_one_query(frame):
    profile = profile_dataframe(frame([], ORDERS_SCHEMA))

    assert profile.row_count == 0
    assert profile.jobs_used == 1
    assert [c.name for c in profile.columns] == ["order_id", "amount", "status", "created", "note"]
    amount = profile.column("amount")
    assert (amount.count, amount.nulls, amount.null_share, amount.quantiles) == (0, 0, 0.0, None)
    assert {c.semantic_class for c in profile.columns} == {SemanticClass.UNKNOWN}


def test_an_all_null_column(frame):
    rows = [(i, None, None) for i in range(5)]

    profile = profile_dataframe(frame(rows, "id int, comment string, score double"))

    for name in ("comment", "score"):
        column = profile.column(name)
        assert (column.count, column.nulls, column.null_share) == (0, 5, 1.0)
        assert (column.min, column.mean, column.top_values) == (None, None, ())
        assert column.semantic_class is SemanticClass.UNKNOWN
    assert profile.column("comment").inferred_type is None


def test_column_names_with_spaces_dots_backticks_and_unicode(frame):
    names = ["order id", "prix €", "a.b", "we`ird", "数量"]
    schema = ", ".join(f"`{name.replace('`', '``')}` int" for name in names)

    profile = profile_dataframe(frame([(1, 2, 3, 4, 5), (6, 7, 8, 9, 10)], schema))

    assert [c.name for c in profile.columns] == names
    assert [c.max for c in profile.columns] == ["6", "7", "8", "9", "10"]


def test_very_high_cardinality_gets_no_top_values(spark_session):
    from pyspark.sql import functions as sf

    df = spark_session.range(5000).select(sf.sha1(sf.col("id").cast("string")).alias("digest"))

    digest = profile_dataframe(df, max_categorical_distinct=50).column("digest")

    assert digest.approx_distinct == pytest.approx(5000, rel=0.1)
    assert digest.top_values == ()
    assert digest.semantic_class is SemanticClass.IDENTIFIER


def test_invalid_arguments_are_rejected(frame):
    with pytest.raises(ValueError, match="top_k and max_categorical_distinct must be >= 1, got 0 and 50"):
        profile_dataframe(frame([(1,)], "a int"), top_k=0)


def _wide_frame(spark, columns):
    from pyspark.sql import functions as sf

    base = spark.range(0, 2000, 1, numPartitions=4)
    kinds = [
        lambda i: (sf.col("id") * i).alias(f"int {i}"),
        lambda i: (sf.rand(i) * 100).alias(f"float {i}"),
        lambda i: (sf.col("id") % 7).cast("string").alias(f"code {i}"),
        lambda i: sf.when(sf.col("id") % 10 == 0, sf.lit("NA")).otherwise(sf.col("id").cast("string")).alias(f"s{i}"),
    ]
    return base.select(*[kinds[i % len(kinds)](i) for i in range(columns)])


def _jobs_of(spark, group, action):
    context = spark.sparkContext
    context.setJobGroup(group, f"profiling test {group}")
    try:
        result = action()
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
        context.setLocalProperty("spark.job.description", None)
    return result, len(context.statusTracker().getJobIdsForGroup(group))


@pytest.mark.parametrize("adaptive", ["true", "false"])
def test_twenty_columns_take_at_most_three_spark_jobs(spark_session, adaptive):
    spark_session.conf.set("spark.sql.adaptive.enabled", adaptive)  # the test's own session conf
    df = _wide_frame(spark_session, 20)

    profile, jobs = _jobs_of(spark_session, f"profiling-20-columns-{adaptive}", lambda: profile_dataframe(df))

    assert profile.jobs_used == 3
    assert jobs <= 3
    assert profile.column("s3").suggested_reader_options == {"nullValue": "NA"}
    assert spark_session.conf.get("spark.sql.adaptive.enabled") == adaptive  # restored


def test_the_job_count_does_not_grow_with_the_columns(spark_session):
    _, narrow = _jobs_of(spark_session, "profiling-4-columns", lambda: profile_dataframe(_wide_frame(spark_session, 4)))
    _, wide = _jobs_of(spark_session, "profiling-40-columns", lambda: profile_dataframe(_wide_frame(spark_session, 40)))

    assert wide == narrow <= 3


def test_measures_get_a_histogram_from_min_to_max(spark_session):
    profile = profile_dataframe(_wide_frame(spark_session, 4))
    histogram = profile.column("float 1").histogram
    assert len(histogram) == 10
    assert sum(b.count for b in histogram) == profile.column("float 1").count
    assert histogram[0].lower == pytest.approx(float(profile.column("float 1").min))
    assert histogram[-1].upper == pytest.approx(float(profile.column("float 1").max))


def test_a_composite_key_is_found_and_a_unique_float_is_not_a_key(frame):
    stores, days = ["S1", "S2", "S3", "S4"], [f"2024-02-{d:02d}" for d in range(1, 11)]
    rows = [
        (store, day, i % 3, 100.0 + i * 1.37, "EUR")
        for i, (store, day) in enumerate((s, d) for s in stores for d in days)
    ]
    profile = profile_dataframe(frame(rows, "store string, day string, shift int, revenue double, currency string"))

    keys = [key.columns for key in profile.candidate_keys]
    assert ("store", "day") in keys
    assert not any("revenue" in key for key in keys)  # all distinct, but a measure: not an identifier
    assert not any(set(key) > {"store", "day"} for key in keys)  # minimal: no triple around the pair
    assert profile.column("revenue").semantic_class is SemanticClass.MEASURE
    assert profile.jobs_used <= 3


def test_a_single_identifier_is_a_candidate_key(frame):
    profile = profile_dataframe(_orders(frame))
    assert profile.candidate_keys[0].columns == ("order_id",)
