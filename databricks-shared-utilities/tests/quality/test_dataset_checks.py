"""Dataset checks: pass and fail each; unique / duplicates / referential also flag rows."""

import datetime as dt

import pytest

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality.dataset_checks import (
    DatasetCheckResult,
    evaluate_dataset_checks,
    mark_rows,
    normalize_type,
)
from databricks_utils.quality.evaluator import apply_rules
from databricks_utils.quality.model import Rule

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.spark


def evaluate(df, *rules, references=None):
    return evaluate_dataset_checks(mark_rows(df, rules, references=references), rules, now=NOW)


def flagged(df, rule, references=None):
    marked = mark_rows(df, [rule], references=references)
    rows = marked.frame.select(marked.failures[rule.name].reason.alias("why")).collect()
    return sorted(row.why for row in rows if row.why is not None)


def test_unique_one_column(frame):
    df = frame([(1,), (2,), (2,), (None,), (None,)], "id int")
    rule = Rule(name="id_unique", check="unique", column="id")
    [result] = evaluate(df, rule)
    assert result == DatasetCheckResult(
        rule=rule, passed=False, observed=2, message="'id_unique': 2 rows share a duplicated (id)"
    )
    assert flagged(df, rule) == ["id_unique: id=2 appears 2 times"] * 2
    [ok] = evaluate(df.where("id <> 2 OR id IS NULL"), rule)
    assert (ok.passed, ok.observed, ok.message) == (True, 0, "'id_unique': no rows share a duplicated (id)")


def test_unique_several_columns_nulls_are_distinct(frame):
    rows = [(1, "a"), (1, "b"), (1, "a"), (2, None), (2, None)]
    df = frame(rows, "k int, v string")
    rule = Rule(name="kv_unique", check="unique", columns=["k", "v"])
    assert flagged(df, rule) == ["kv_unique: (k, v)=(1, a) appears 2 times"] * 2
    [result] = evaluate(df, rule)
    assert (result.passed, result.observed) == (False, 2)


def test_no_duplicate_rows_nulls_compare_equal(frame):
    df = frame([(1, None), (1, None), (1, "x")], "k int, v string")
    rule = Rule(name="no_dupes", check="no_duplicate_rows")
    assert flagged(df, rule) == ["no_dupes: row appears 2 times"] * 2
    [result] = evaluate(df, rule)
    assert (result.passed, result.observed) == (False, 2)
    [ok] = evaluate(df.distinct(), rule)
    assert ok.passed


def test_duplicates_of_maps_are_a_rule_error(frame):
    df = frame([({"a": 1},)], "m map<string,int>")
    with pytest.raises(RuleError, match="rule 'no_dupes' \\(no_duplicate_rows\\): column 'm' is a map"):
        mark_rows(df, [Rule(name="no_dupes", check="no_duplicate_rows")])


def test_referential_against_a_given_dataframe(frame):
    orders = frame([(1, 10), (2, 11), (3, 99), (4, None), (5, 10)], "id int, customer int")
    # Reference keys as text and repeated: cast to the column's type, deduplicated, never repeating an order.
    customers = frame([("10",), ("10",), ("11",), ("junk",)], "cid string")
    rule = Rule(
        name="customer_known",
        check="referential",
        column="customer",
        arguments={"reference_table": "crm.customers", "reference_column": "cid"},
    )
    refs = {"crm.customers": customers}
    assert flagged(orders, rule, refs) == ["customer_known: customer=99 not found in crm.customers.cid"]
    [result] = evaluate(orders, rule, references=refs)
    assert (result.passed, result.observed) == (False, 1)
    assert result.message == "'customer_known': 1 rows have a customer missing from crm.customers"
    [ok] = evaluate(orders.where("customer <> 99"), rule, references=refs)
    assert ok.passed
    assert mark_rows(orders, [rule], references=refs).frame.count() == 5


def test_referential_reads_the_catalog_and_names_missing_tables(spark_session, frame, temp_tables):
    table = temp_tables([(10,), (11,)], schema="id int")
    orders = frame([(10,), (12,)], "customer int")
    rule = Rule(
        name="known",
        check="referential",
        column="customer",
        arguments={"reference_table": table, "reference_column": "id"},
    )
    assert flagged(orders, rule) == [f"known: customer=12 not found in {table}.id"]
    missing = rule.model_copy(update={"arguments": {"reference_table": "nope.nothing", "reference_column": "id"}})
    with pytest.raises(RuleError, match=r"rule 'known' \(referential\): cannot read reference table 'nope\.nothing'"):
        mark_rows(orders, [missing])
    bad_column = rule.model_copy(update={"arguments": {"reference_table": table, "reference_column": "cust"}})
    with pytest.raises(RuleError, match=r"column 'cust' does not exist in the reference table .*available columns: id"):
        mark_rows(orders, [bad_column], spark=spark_session)


def test_row_count_between(frame):
    df = frame([(1,), (2,), (3,)], "id int")
    results = evaluate(
        df,
        Rule(name="between", check="row_count_between", arguments={"min": 1, "max": 3}),
        Rule(name="too_few", check="row_count_between", arguments={"min": 4}),
        Rule(name="too_many", check="row_count_between", arguments={"max": 2}),
    )
    assert [(r.passed, r.observed) for r in results] == [(True, 3), (False, 3), (False, 3)]
    assert results[1].message == "'too_few': 3 rows, expected between 4 and +inf"


def test_max_age(frame):
    df = frame(
        [(NOW - dt.timedelta(hours=2), "2024-06-01 11:00:00", dt.date(2024, 5, 1), None)],
        "ts timestamp, text string, day date, empty timestamp",
    )
    results = evaluate(
        df,
        Rule(name="fresh", check="max_age", column="ts", arguments={"max_age_s": 3 * 3600}),
        Rule(name="stale", check="max_age", column="ts", arguments={"max_age_s": 3600}),
        Rule(name="text_fresh", check="max_age", column="text", arguments={"max_age_s": 3601}),
        Rule(name="day_stale", check="max_age", column="day", arguments={"max_age_s": 86400}),
        Rule(name="nothing", check="max_age", column="empty", arguments={"max_age_s": 60}),
    )
    assert [(r.passed, r.observed) for r in results[:3]] == [(True, 7200.0), (False, 7200.0), (True, 3600.0)]
    assert results[1].message == "'stale': newest ts is 7200s old, limit 3600s"
    assert results[3].passed is False
    assert (results[4].passed, results[4].observed) == (False, None)
    assert results[4].message == "'nothing': no empty values to judge freshness by (limit 60s)"


def test_max_age_needs_a_time_column(frame):
    df = frame([(1,)], "n int")
    with pytest.raises(RuleError, match="rule 'fresh' \\(max_age\\): column 'n' is int"):
        evaluate(df, Rule(name="fresh", check="max_age", column="n", arguments={"max_age_s": 1}))


def test_expected_schema(frame):
    df = frame([], "id bigint, amount decimal(10,2), tags array<string>, note string")
    loose = Rule(
        name="shape",
        check="expected_schema",
        arguments={"columns": {"ID": "LONG", "amount": "Decimal(10, 2)", "tags": "array<string>"}},
    )
    wrong = Rule(
        name="wrong",
        check="expected_schema",
        arguments={"columns": {"id": "integer", "missing": "string"}, "strict": True},
    )
    ok, bad = evaluate(df, loose, wrong)
    assert (ok.passed, ok.observed, ok.message) == (True, 0, "'shape': schema matches")
    assert (bad.passed, bad.observed) == (False, 5)
    assert bad.message == (
        "'wrong': id is bigint, expected int; missing column missing (string); unexpected column amount; "
        "unexpected column tags; unexpected column note"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INTEGER", "int"),
        ("Decimal(10, 2)", "decimal(10,2)"),
        ("decimal", "decimal(10,0)"),
        ("ARRAY<Long>", "array<bigint>"),
        ("varchar(20)", "string"),
        ("map<string, short>", "map<string,smallint>"),
        ("timestamp_ltz", "timestamp"),
    ],
)
def test_normalize_type(text, expected):
    assert normalize_type(text) == expected


def test_schema_only_rules_run_no_job(spark_session, frame):
    df = frame([(1,)], "id int")
    tracker = spark_session.sparkContext.statusTracker()
    spark_session.sparkContext.setJobGroup("dq-no-job", "expected_schema only")
    try:
        [result] = evaluate(df, Rule(name="s", check="expected_schema", arguments={"columns": {"id": "int"}}))
    finally:
        spark_session.sparkContext.setLocalProperty("spark.jobGroup.id", None)
    assert result.passed
    assert tracker.getJobIdsForGroup("dq-no-job") == []


def test_marking_rules_quarantine_or_warn_through_apply_rules(frame):
    df = frame([(1, "a"), (1, "b"), (2, "c")], "id int, v string")
    rules = [
        Rule(name="id_unique", check="unique", column="id"),
        Rule(name="v_unique", check="unique", column="v", criticality="warn"),
    ]
    result = apply_rules(df, rules, now=NOW)
    assert sorted(r.v for r in result.quarantine.collect()) == ["a", "b"]
    assert [r._warnings for r in result.valid.collect()] == [[]]
    assert [(r.rule.name, r.passed, r.observed) for r in result.dataset_results] == [
        ("id_unique", False, 2),
        ("v_unique", True, 0),
    ]
