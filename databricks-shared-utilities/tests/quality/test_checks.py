"""Row checks: for each check a passing row, a failing row, a NULL and a wrong configuration."""

import datetime as dt
from decimal import Decimal

import pytest

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality.checks import ROW_CHECK_BUILDERS, SHOWN_CHARS, resolve_column, row_failure
from databricks_utils.quality.model import ROW_CHECKS, Rule

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.spark


def rule(check, column="x", **arguments):
    return Rule(name="r", check=check, column=column, arguments=arguments)


def reasons(frame, the_rule, schema, values, now=NOW):
    df = frame([(v,) for v in values], schema)
    return [row[0] for row in df.select(row_failure(the_rule, df, now=now)).collect()]


CASES = [
    ("not_null", rule("not_null"), "x string", ["a", None], [None, "r: x is null"]),
    ("not_empty", rule("not_empty"), "x string", [" a", "  ", None], [None, "r: x is empty", None]),
    ("not_empty_untrimmed", rule("not_empty", trim=False), "x string", ["  ", "", None], [None, "r: x is empty", None]),
    (
        "not_empty_no_null",
        rule("not_empty", allow_null=False),
        "x string",
        ["a", " ", None],
        [None, "r: x is empty", "r: x is null (not allowed by not_empty)"],
    ),
    (
        "in_set_text",
        rule("in_set", values=["a", "b"]),
        "x string",
        ["a", "z", None],
        [None, "r: x=z is not in [a, b]", None],
    ),
    (
        "in_set_no_null",
        rule("in_set", values=["a"], allow_null=False),
        "x string",
        ["a", "z", None],
        [None, "r: x=z is not in [a]", "r: x is null (not allowed by in_set)"],
    ),
    (
        "in_set_numbers",
        rule("in_set", values=[1, 2.5]),
        "x double",
        [1.0, 3.0, None],
        [None, "r: x=3.0 is not in [1, 2.5]", None],
    ),
    (
        "in_set_numeric_as_text",
        rule("in_set", values=["1"]),
        "x int",
        [1, 2, None],
        [None, "r: x=2 is not in [1]", None],
    ),
    (
        "in_set_bool",
        rule("in_set", values=[True]),
        "x boolean",
        [True, False, None],
        [None, "r: x=false is not in [true]", None],
    ),
    (
        "in_set_long_list",
        rule("in_set", values=[f"value_{i:03d}" for i in range(20)]),
        "x string",
        ["value_001", "nope"],
        [None, "r: x=nope is not in [value_000, value_001, value_002, value_003, value_004, value_...]"],
    ),
    (
        "in_range",
        rule("in_range", min=0, max=10),
        "x int",
        [5, -3, 11, None],
        [None, "r: x=-3 is below min 0", "r: x=11 is above max 10", None],
    ),
    (
        "in_range_exclusive",
        rule("in_range", min=0, max=10, min_inclusive=False, max_inclusive=False),
        "x double",
        [5.0, 0.0, 10.0],
        [None, "r: x=0.0 is not above exclusive min 0", "r: x=10.0 is not below exclusive max 10"],
    ),
    (
        "in_range_numeric_text_bound",
        rule("in_range", min="1.5"),
        "x decimal(5,2)",
        [Decimal(2), Decimal(1), None],
        [None, "r: x=1.00 is below min 1.5", None],
    ),
    (
        "in_range_text_numbers",
        rule("in_range", max=10),
        "x string",
        ["7", "12", "abc", None],
        [None, "r: x=12 is above max 10", "r: x=abc is not a number", None],
    ),
    ("in_range_text", rule("in_range", min="b"), "x string", ["c", "a", None], [None, "r: x=a is below min b", None]),
    (
        "in_range_date",
        rule("in_range", min="2024-01-01", max="2024-12-31"),
        "x date",
        [dt.date(2024, 3, 1), dt.date(2023, 12, 31), None],
        [None, "r: x=2023-12-31 is below min 2024-01-01", None],
    ),
    (
        "matches_regex_full",
        rule("matches_regex", pattern=r"[A-Z]+\d+"),
        "x string",
        ["AB12", "xAB12", None],
        [None, r"r: x=xAB12 does not match /[A-Z]+\d+/", None],
    ),
    (
        "matches_regex_partial",
        rule("matches_regex", pattern=r"\d", full_match=False),
        "x string",
        ["a1b", "ab", None],
        [None, r"r: x=ab does not match /\d/", None],
    ),
    (
        "length_between",
        rule("length_between", min=2, max=5),
        "x string",
        ["abc", "a", "abcdefgh", None],
        [None, "r: x has length 1, below min 2", "r: x has length 8, above max 5", None],
    ),
    ("length_max_only", rule("length_between", max=2), "x int", [12, 123], [None, "r: x has length 3, above max 2"]),
    (
        "length_min_only",
        rule("length_between", min=2),
        "x string",
        ["ab", "a", None],
        [None, "r: x has length 1, below min 2", None],
    ),
    (
        "parseable_date",
        rule("parseable_date"),
        "x string",
        ["2024-01-31", "2024-02-30", "nope", None],
        [None, "r: x=2024-02-30 is not a date", "r: x=nope is not a date", None],
    ),
    (
        "parseable_date_format",
        rule("parseable_date", format="dd/MM/yyyy"),
        "x string",
        ["31/01/2024", "2024-01-31", None],
        [None, "r: x=2024-01-31 is not a date (format dd/MM/yyyy)", None],
    ),
    ("parseable_date_typed", rule("parseable_date"), "x date", [dt.date(2024, 1, 1), None], [None, None]),
    (
        "parseable_timestamp",
        rule("parseable_timestamp"),
        "x string",
        ["2024-01-31 10:00:00", "yesterday", None],
        [None, "r: x=yesterday is not a timestamp", None],
    ),
    (
        "parseable_timestamp_format",
        rule("parseable_timestamp", format="yyyyMMdd HHmm"),
        "x string",
        ["20240131 1000", "2024-01-31 10:00:00", None],
        [None, "r: x=2024-01-31 10:00:00 is not a timestamp (format yyyyMMdd HHmm)", None],
    ),
    (
        "not_in_future",
        rule("not_in_future"),
        "x timestamp",
        [NOW - dt.timedelta(days=1), NOW + dt.timedelta(minutes=1), None],
        [None, "IN_FUTURE", None],
    ),
    (
        "not_in_future_tolerance",
        rule("not_in_future", tolerance_s=120),
        "x timestamp",
        [NOW + dt.timedelta(minutes=1), NOW + dt.timedelta(minutes=3)],
        [None, "IN_FUTURE_TOLERANCE"],
    ),
    (
        "not_in_future_date",
        rule("not_in_future"),
        "x date",
        [dt.date(2024, 6, 1), dt.date(2024, 6, 2), None],
        [None, "r: x=2024-06-02 is in the future", None],
    ),
    (
        "not_in_future_text",
        rule("not_in_future"),
        "x string",
        ["2024-01-01 00:00:00", "2030-01-01 00:00:00", "garbage", None],
        [None, "r: x=2030-01-01 00:00:00 is in the future", None, None],
    ),
    (
        "sql_expression",
        Rule(name="r", check="sql_expression", arguments={"expression": "x > 0"}),
        "x int",
        [1, -1, None],
        [None, "r: `x > 0` is false", None],
    ),
]


@pytest.mark.parametrize(
    ("the_rule", "schema", "values", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_row_check_passes_fails_and_treats_null(frame, the_rule, schema, values, expected):
    got = reasons(frame, the_rule, schema, values)
    for index, want in enumerate(expected):
        if want and want.startswith("IN_FUTURE"):
            assert got[index].startswith("r: x=") and " is in the future" in got[index]
            assert ("tolerance 120s" in got[index]) == (want == "IN_FUTURE_TOLERANCE")
        else:
            assert got[index] == want


def test_every_row_check_has_a_builder_and_a_case():
    assert set(ROW_CHECK_BUILDERS) == ROW_CHECKS
    assert {c[1].check for c in CASES} == ROW_CHECKS


def test_long_values_are_cut_in_reasons(frame):
    long_value = "x" * 200
    (got,) = reasons(frame, rule("matches_regex", pattern="y"), "x string", [long_value])
    shown = got.removeprefix("r: x=").split(" does not match")[0]
    assert len(shown) == SHOWN_CHARS
    assert shown.endswith("...")


VALID_ARGUMENTS = {
    "not_null": {},
    "not_empty": {},
    "in_set": {"values": [1]},
    "in_range": {"min": 0},
    "matches_regex": {"pattern": "a"},
    "length_between": {"max": 3},
    "parseable_date": {},
    "parseable_timestamp": {},
    "not_in_future": {},
}


@pytest.mark.parametrize("check", sorted(VALID_ARGUMENTS))
def test_missing_column_names_rule_column_and_available_columns(frame, check):
    df = frame([(1, "a")], "id int, name string")
    bad = Rule(name="my_rule", check=check, column="amount", arguments=VALID_ARGUMENTS[check])
    with pytest.raises(RuleError, match=r"rule 'my_rule' \(" + check + r"\): column 'amount' does not exist") as info:
        row_failure(bad, df, now=NOW)
    assert "available columns: id, name" in str(info.value)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("x >", "is not valid here"),
        ("amount > 0", "is not valid here"),
        ("coalesce(x, 0)", "returns int, not boolean"),
    ],
)
def test_invalid_sql_expression_is_a_rule_error(frame, expression, message):
    df = frame([(1,)], "x int")
    bad = Rule(name="expr_rule", check="sql_expression", arguments={"expression": expression})
    with pytest.raises(RuleError, match=f"rule 'expr_rule' \\(sql_expression\\).*{message}"):
        row_failure(bad, df, now=NOW)


@pytest.mark.parametrize(
    ("the_rule", "schema", "message"),
    [
        (rule("in_range", min=0), "x boolean", "in_range cannot compare this type"),
        (rule("in_range", min="abc"), "x int", "bound 'abc' is not a number"),
        (rule("in_range", min=3), "x date", "bound 3 is not a date/time"),
        (rule("in_range", max="31/01/2024"), "x timestamp", "bound '31/01/2024' is not an ISO date/time"),
        (rule("not_in_future"), "x int", "not_in_future needs a date, timestamp or string column"),
    ],
)
def test_arguments_that_do_not_fit_the_column_type(frame, the_rule, schema, message):
    df = frame([], schema)
    with pytest.raises(RuleError, match=rf"rule 'r' \({the_rule.check}\) on column 'x' .*{message}"):
        row_failure(the_rule, df, now=NOW)


def test_dataset_check_is_not_a_row_check(frame):
    df = frame([(1,)], "x int")
    with pytest.raises(RuleError, match="check 'unique' is not a row check"):
        row_failure(Rule(name="u", check="unique", column="x"), df, now=NOW)


def test_columns_resolve_exactly_then_case_insensitively(spark_session):
    from pyspark.sql.types import IntegerType, StructField, StructType

    schema = StructType([StructField("Amount", IntegerType()), StructField("id", IntegerType())])
    the_rule = rule("not_null", column="amount")
    assert resolve_column(the_rule, "amount", schema).name == "Amount"
    both = StructType([StructField("a", IntegerType()), StructField("A", IntegerType())])
    assert resolve_column(the_rule, "A", both).name == "A"
    with pytest.raises(RuleError, match="column 'x' matches several columns"):
        resolve_column(
            rule("not_null"),
            "x",
            StructType(
                [
                    StructField("X", IntegerType()),
                    StructField("x ", IntegerType()),
                    StructField("x".upper(), IntegerType()),
                ]
            ),
        )


def test_column_names_with_dots_are_taken_literally(frame):
    df = frame([(None,)], "`a.b` int")
    (got,) = [row[0] for row in df.select(row_failure(rule("not_null", column="a.b"), df, now=NOW)).collect()]
    assert got == "r: a.b is null"
