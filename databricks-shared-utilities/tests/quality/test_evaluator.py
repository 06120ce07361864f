"""apply_rules: one pass of row checks, valid/quarantine split, exact summary counts."""

import datetime as dt
import logging

import pytest

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality.evaluator import ERRORS_COLUMN, WARNINGS_COLUMN, ValidationSummary, apply_rules
from databricks_utils.quality.model import Rule, RuleSet

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
ORDERS = [
    (1, 10.0, "a@x.io"),
    (2, -5.0, "a@x.io"),
    (None, 20.0, "not-an-email"),
    (4, None, None),
    (5, 7.0, "bad"),
]
SCHEMA = "id int, amount double, email string"
RULES = RuleSet(
    rules=[
        Rule(name="id_present", check="not_null", column="id"),
        Rule(name="amount_positive", check="in_range", column="amount", arguments={"min": 0}),
        Rule(
            name="email_shape",
            check="matches_regex",
            column="email",
            arguments={"pattern": r"[^@]+@[^@]+"},
            criticality="warn",
        ),
    ]
)

pytestmark = pytest.mark.spark


def by_id(rows):
    return sorted((row.asDict() for row in rows), key=lambda row: (row["id"] is None, row["id"] or 0))


def test_error_rules_quarantine_with_reasons_and_warn_rules_keep_rows(frame):
    result = apply_rules(frame(ORDERS, SCHEMA), RULES, now=NOW)

    assert result.valid.columns == ["id", "amount", "email", WARNINGS_COLUMN]
    assert result.quarantine.columns == ["id", "amount", "email", ERRORS_COLUMN, WARNINGS_COLUMN]
    assert by_id(result.valid.collect()) == [
        {"id": 1, "amount": 10.0, "email": "a@x.io", "_warnings": []},
        {"id": 4, "amount": None, "email": None, "_warnings": []},
        {"id": 5, "amount": 7.0, "email": "bad", "_warnings": ["email_shape: email=bad does not match /[^@]+@[^@]+/"]},
    ]
    assert by_id(result.quarantine.collect()) == [
        {
            "id": 2,
            "amount": -5.0,
            "email": "a@x.io",
            "_errors": ["amount_positive: amount=-5.0 is below min 0"],
            "_warnings": [],
        },
        {
            "id": None,
            "amount": 20.0,
            "email": "not-an-email",
            "_errors": ["id_present: id is null"],
            "_warnings": ["email_shape: email=not-an-email does not match /[^@]+@[^@]+/"],
        },
    ]


def test_summary_counts_are_exact_and_logged_as_one_metric(frame, caplog):
    rules = [
        *RULES.rules,
        Rule(name="no_dupes", check="no_duplicate_rows"),
        Rule(name="enough_rows", check="row_count_between", arguments={"min": 10}),
    ]
    result = apply_rules(frame(ORDERS, SCHEMA), rules, now=NOW)
    with caplog.at_level(logging.INFO, logger="databricks_utils.quality.evaluator"):
        summary = result.summary()

    assert summary == ValidationSummary(
        total_rows=5,
        valid_rows=3,
        quarantined_rows=2,
        warned_rows=2,
        rule_failures={"id_present": 1, "amount_positive": 1, "email_shape": 2, "no_dupes": 0},
        dataset_checks_failed=["enough_rows"],
    )
    [record] = [r for r in caplog.records if getattr(r, "metric", None) == "data_quality"]
    assert record.metrics == {
        "total_rows": 5,
        "valid_rows": 3,
        "quarantined_rows": 2,
        "warned_rows": 2,
        "dataset_checks_failed": 1,
        "rule.id_present": 1,
        "rule.amount_positive": 1,
        "rule.email_shape": 2,
        "rule.no_dupes": 0,
    }
    assert summary.model_dump()["rule_failures"]["email_shape"] == 2


def test_summary_goes_to_the_given_logger(frame, caplog):
    result = apply_rules(frame(ORDERS, SCHEMA), RULES, now=NOW)
    mine = logging.getLogger("my.pipeline")
    with caplog.at_level(logging.INFO, logger="my.pipeline"):
        result.summary(metrics_logger=mine)
    assert [r.name for r in caplog.records if getattr(r, "metric", None) == "data_quality"] == ["my.pipeline"]


def test_rule_prefixes_do_not_count_for_each_other(frame):
    rules = [
        Rule(name="a", check="not_null", column="x"),
        Rule(name="a_b", check="in_range", column="x", arguments={"max": 0}),
    ]
    result = apply_rules(frame([(None,), (5,)], "x int"), rules, now=NOW)
    assert result.summary().rule_failures == {"a": 1, "a_b": 1}


def test_empty_dataframe(frame):
    result = apply_rules(frame([], SCHEMA), RULES, now=NOW)
    summary = result.summary()
    assert (summary.total_rows, summary.valid_rows, summary.quarantined_rows) == (0, 0, 0)
    assert summary.rule_failures == {"id_present": 0, "amount_positive": 0, "email_shape": 0}
    assert result.valid.count() == result.quarantine.count() == 0


def test_no_rules_keeps_every_row_with_empty_arrays(frame):
    result = apply_rules(frame(ORDERS, SCHEMA), [], now=NOW)
    assert [row[WARNINGS_COLUMN] for row in result.valid.collect()] == [[]] * 5
    assert result.quarantine.count() == 0
    assert dict(result.annotated.dtypes)[ERRORS_COLUMN] == "array<string>"


def test_existing_reason_columns_are_replaced(frame):
    first = apply_rules(frame(ORDERS, SCHEMA), RULES, now=NOW)
    from pyspark.sql import functions as sf

    fixed = first.quarantine.fillna({"id": 3}).withColumn("amount", sf.abs("amount"))
    again = apply_rules(fixed, RULES, now=NOW)
    assert again.quarantine.count() == 0
    assert again.valid.columns == ["id", "amount", "email", WARNINGS_COLUMN]
    assert again.valid.count() == 2


def test_rule_names_must_be_distinct(frame):
    df = frame(ORDERS, SCHEMA)
    twice = [Rule(name="x", check="not_null", column="id"), Rule(name="x", check="not_null", column="email")]
    with pytest.raises(RuleError, match="rule name 'x' is used twice"):
        apply_rules(df, twice)


def test_missing_column_fails_before_any_job(frame):
    df = frame(ORDERS, SCHEMA)
    with pytest.raises(
        RuleError, match="column 'price' does not exist in the DataFrame; available columns: id, amount"
    ):
        apply_rules(df, [Rule(name="price_ok", check="not_null", column="price")])


def test_not_in_future_defaults_to_the_time_of_the_call(frame):
    future = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=365)
    df = frame([(dt.datetime(2020, 1, 1, tzinfo=dt.UTC),), (future,)], "ts timestamp")
    result = apply_rules(df, [Rule(name="ts_past", check="not_in_future", column="ts")])
    assert result.valid.count() == 1
    assert result.quarantine.count() == 1


def test_apply_rules_runs_no_job_and_dataset_checks_ride_in_the_summary_job(spark_session, frame, caplog):
    df = frame(ORDERS, SCHEMA)
    rules = [Rule(name="few_rows", check="row_count_between", arguments={"max": 2}, criticality="warn")]
    context = spark_session.sparkContext
    context.setJobGroup("dq-apply", "apply_rules")
    try:
        result = apply_rules(df, rules, now=NOW)
        jobs_after_apply = len(context.statusTracker().getJobIdsForGroup("dq-apply"))
        with caplog.at_level(logging.WARNING, logger="databricks_utils.quality.evaluator"):
            assert [r.passed for r in result.dataset_results] == [False]
        result.summary()
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
    assert jobs_after_apply == 0
    assert "Data-quality check failed (warn): 'few_rows': 5 rows, expected between -inf and 2" in caplog.text
    assert result.flagging_rules == ()
