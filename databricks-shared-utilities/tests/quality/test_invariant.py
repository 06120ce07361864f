"""The accounting invariant: every input row ends in exactly one of valid / quarantine, unchanged.

Property tests generate small DataFrames (nullable ints, strings and dates, with NULLs and duplicates)
and rule sets of every kind, on one shared Spark session.
"""

import datetime as dt
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from databricks_utils.quality.evaluator import apply_rules
from databricks_utils.quality.model import Rule

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
SCHEMA = "n int, s string, d date"
COLUMNS = ("n", "s", "d")
REFERENCE = "ref.numbers"

pytestmark = pytest.mark.spark

values = st.tuples(
    st.one_of(st.none(), st.integers(-2, 3)),
    st.one_of(st.none(), st.sampled_from(["", " ", "a", "ab", "x1", "2024-02-30", "2024-05-01"])),
    st.one_of(st.none(), st.dates(dt.date(2024, 5, 25), dt.date(2024, 6, 5))),
)
# Few distinct values and repeated draws: duplicates and all-NULL rows are common.
rows = st.lists(st.one_of(values, st.just((None, None, None))), max_size=8).flatmap(
    lambda base: st.lists(st.sampled_from(base), max_size=3).map(lambda extra: base + extra) if base else st.just(base)
)

RULE_SHAPES = [
    st.builds(lambda c: {"check": "not_null", "column": c}, st.sampled_from(COLUMNS)),
    st.just({"check": "not_empty", "column": "s"}),
    st.builds(
        lambda v, allow: {"check": "in_set", "column": "n", "arguments": {"values": v, "allow_null": allow}},
        st.lists(st.integers(-2, 3), min_size=1, max_size=3),
        st.booleans(),
    ),
    st.builds(
        lambda lo, hi: {"check": "in_range", "column": "n", "arguments": {"min": lo, "max": hi}},
        st.integers(-2, 1),
        st.integers(1, 3),
    ),
    st.just({"check": "in_range", "column": "d", "arguments": {"min": "2024-05-28"}}),
    st.builds(lambda hi: {"check": "length_between", "column": "s", "arguments": {"max": hi}}, st.integers(0, 2)),
    st.builds(
        lambda p: {"check": "matches_regex", "column": "s", "arguments": {"pattern": p}},
        st.sampled_from(["[a-z]+", r"\d"]),
    ),
    st.just({"check": "parseable_date", "column": "s"}),
    st.just({"check": "not_in_future", "column": "d"}),
    st.just({"check": "sql_expression", "arguments": {"expression": "n > 0 OR s = 'a'"}}),
    st.builds(lambda cols: {"check": "unique", "columns": cols}, st.sampled_from([["n"], ["n", "s"], ["d"]])),
    st.just({"check": "no_duplicate_rows"}),
    st.just(
        {"check": "referential", "column": "n", "arguments": {"reference_table": REFERENCE, "reference_column": "id"}}
    ),
    st.just({"check": "row_count_between", "arguments": {"min": 1, "max": 5}}),
    st.just({"check": "max_age", "column": "d", "arguments": {"max_age_s": 86400}}),
    st.just({"check": "expected_schema", "arguments": {"columns": {"n": "int"}}}),
]

rule_sets = st.lists(st.tuples(st.one_of(RULE_SHAPES), st.sampled_from(["error", "warn"])), max_size=6).map(
    lambda drawn: [Rule(name=f"r{i}", criticality=crit, **shape) for i, (shape, crit) in enumerate(drawn)]
)


def check_invariant(spark, build, data, rules):
    from pyspark.sql import functions as sf

    references = {REFERENCE: build(spark, [(1,), (2,), (2,)], "id int")}
    result = apply_rules(build(spark, data, SCHEMA), rules, references=references, now=NOW)
    # One job for both outputs: valid rows get a NULL _errors and a side marker.
    both = (
        result.valid.select(*COLUMNS, sf.lit(None).cast("array<string>").alias("_errors"), "_warnings")
        .withColumn("valid", sf.lit(True))
        .unionByName(result.quarantine.withColumn("valid", sf.lit(False)))
    )
    out = both.collect()
    summary = result.summary()

    assert len(out) == len(data) == summary.total_rows
    assert Counter(tuple(row[c] for c in COLUMNS) for row in out) == Counter(data)
    assert summary.valid_rows == sum(row.valid for row in out)
    error_names = {rule.name for rule in rules if rule.criticality == "error"}
    warn_names = {rule.name for rule in rules if rule.criticality == "warn"}
    for row in out:
        if not row.valid:
            assert row._errors, row
            assert {reason.split(": ", 1)[0] for reason in row._errors} <= error_names
        assert {reason.split(": ", 1)[0] for reason in row._warnings} <= warn_names
    for rule in result.flagging_rules:
        column = "_errors" if rule.criticality == "error" else "_warnings"
        flagged = sum(any(r.startswith(f"{rule.name}: ") for r in row[column] or []) for row in out)
        assert summary.rule_failures[rule.name] == flagged


@pytest.fixture(scope="module")
def spark(spark_session_long_running):
    """One isolated session for every example (function-scoped fixtures do not mix with @given)."""
    from databricks_utils.testing.fixtures import isolated_session, release_isolated

    session = isolated_session(spark_session_long_running)
    session.conf.set("spark.sql.shuffle.partitions", "1")
    yield session
    release_isolated(session)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rows, rules=rule_sets)
def test_every_row_is_valid_or_quarantined_exactly_once(spark, frame_builder, data, rules):
    check_invariant(spark, frame_builder, data, rules)


EDGE_ROWS = [(None, None, None), (None, None, None), (1, "a", dt.date(2024, 6, 1)), (1, "a", dt.date(2024, 6, 1))]


@pytest.mark.parametrize("data", [[], EDGE_ROWS], ids=["empty", "all-null-and-duplicate-rows"])
def test_edge_cases_with_every_rule_kind(spark_session, frame_builder, data):
    rules = [
        Rule(name="nn", check="not_null", column="n"),
        Rule(name="uniq", check="unique", columns=["n", "s"]),
        Rule(name="dupes", check="no_duplicate_rows", criticality="warn"),
        Rule(
            name="known",
            check="referential",
            column="n",
            arguments={"reference_table": REFERENCE, "reference_column": "id"},
        ),
        Rule(name="fresh", check="max_age", column="d", arguments={"max_age_s": 60}),
        Rule(name="never", check="sql_expression", arguments={"expression": "n > 100"}, criticality="warn"),
    ]
    check_invariant(spark_session, frame_builder, data, rules)
