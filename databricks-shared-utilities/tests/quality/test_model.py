"""The rule model: every problem of a rule (set) at once, each at its own field path, with a fix."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from databricks_utils.quality.model import (
    CHECK_ARGUMENTS,
    DATASET_CHECKS,
    ROW_CHECKS,
    InRangeArguments,
    Rule,
    RuleSet,
    did_you_mean,
)

SCHEMA_FILE = Path(__file__).parents[3] / "specs/001-ai-native-data-eng-process/contracts/rules.schema.json"
REGENERATE = (
    '.venv/bin/python -c "import json; from databricks_utils.quality.model import RuleSet; '
    'print(json.dumps(RuleSet.model_json_schema(), indent=2, ensure_ascii=False))" > '
    "specs/001-ai-native-data-eng-process/contracts/rules.schema.json"
)

# One valid rule per check: (target, arguments).
VALID = {
    "not_null": ({"column": "id"}, {}),
    "not_empty": ({"column": "name"}, {"trim": False, "allow_null": False}),
    "unique": ({"columns": ["a", "b"]}, {}),
    "in_set": ({"column": "status"}, {"values": ["NEW", 1, 2.5, True], "allow_null": False}),
    "in_range": ({"column": "amount"}, {"min": 0, "max": 10.5, "max_inclusive": False}),
    "matches_regex": ({"column": "email"}, {"pattern": "^[^@]+@[^@]+$", "full_match": False}),
    "length_between": ({"column": "code"}, {"min": 2, "max": 2}),
    "parseable_date": ({"column": "d"}, {"format": "yyyy-MM-dd"}),
    "parseable_timestamp": ({"column": "ts"}, {}),
    "not_in_future": ({"column": "ts"}, {"tolerance_s": 60}),
    "max_age": ({"column": "ts"}, {"max_age_s": 3600}),
    "referential": ({"column": "customer_id"}, {"reference_table": "main.crm.customers", "reference_column": "id"}),
    "row_count_between": ({}, {"min": 1}),
    "no_duplicate_rows": ({}, {}),
    "expected_schema": ({}, {"columns": {"id": "BIGINT"}, "strict": True}),
    "sql_expression": ({"columns": ["a", "b"]}, {"expression": "a <= b"}),
}


def problems(make):
    with pytest.raises(ValidationError) as caught:
        make()
    return [(detail["loc"], detail["msg"]) for detail in caught.value.errors(include_url=False)]


def test_every_check_has_a_valid_example_and_an_arguments_model():
    assert set(VALID) == set(CHECK_ARGUMENTS) == ROW_CHECKS | DATASET_CHECKS
    assert not ROW_CHECKS & DATASET_CHECKS


@pytest.mark.parametrize("check", sorted(VALID))
def test_valid_rule_of_every_check(check):
    target, arguments = VALID[check]
    rule = Rule(name=f"{check}_ok", check=check, arguments=arguments, **target)
    assert rule.arguments == arguments  # kept as written, so a dump reads back the same
    assert isinstance(rule.args, CHECK_ARGUMENTS[check])
    assert rule.is_row_level == (check in ROW_CHECKS)
    assert rule.target_columns == ([target["column"]] if "column" in target else target.get("columns", []))


def test_an_unknown_argument_is_reported_inside_arguments_with_the_closest_name():
    assert problems(lambda: Rule(name="a", check="in_range", column="x", arguments={"mn": 0})) == [
        (
            ("arguments", "mn"),
            "unknown argument 'mn' for check 'in_range' (did you mean 'min'?). Fix: rename or remove it; "
            "in_range takes max, max_inclusive, min, min_inclusive",
        ),
    ]


def test_an_unknown_argument_of_a_check_without_arguments_says_so():
    assert problems(lambda: Rule(name="a", check="not_null", column="x", arguments={"zzz": 1})) == [
        (
            ("arguments", "zzz"),
            "unknown argument 'zzz' for check 'not_null'. Fix: rename or remove it; not_null takes no arguments: "
            "remove 'arguments'",
        )
    ]


def test_missing_and_wrong_arguments_name_the_argument():
    assert problems(lambda: Rule(name="a", check="matches_regex", column="x")) == [
        (
            ("arguments", "pattern"),
            "missing required argument 'pattern' for check 'matches_regex'. Fix: add 'pattern: ...' under arguments",
        )
    ]
    found = problems(lambda: Rule(name="a", check="in_set", column="x", arguments={"values": "a", "allow_null": 3}))
    assert [loc for loc, _ in found] == [("arguments", "values"), ("arguments", "allow_null")]


def test_unknown_check_suggests_the_closest_or_lists_all():
    assert problems(lambda: Rule(name="a", check="in_rnage", column="x")) == [
        (("check",), "unknown check 'in_rnage' (did you mean 'in_range'?). Fix: use the suggested name")
    ]
    [(loc, message)] = problems(lambda: Rule(name="a", check="zzz", column="x"))
    assert message.startswith("unknown check 'zzz'. Fix: use one of expected_schema, in_range, in_set, ")
    # A non-text check still gets pydantic's list of allowed values.
    [(loc, message)] = problems(lambda: Rule(name="a", check=5, column="x"))
    assert loc == ("check",)
    assert "'not_null'" in message


def test_all_problems_of_one_rule_are_reported_together():
    found = problems(
        lambda: Rule.model_validate(
            {
                "name": "bad name",
                "check": "in_range",
                "column": "x",
                "columns": ["x"],
                "criticality": "fatal",
                "arguments": {"min": "a", "foo": 1},
                "colum": "x",
            }
        )
    )
    assert [loc for loc, _ in found] == [
        ("name",),
        ("arguments", "foo"),
        ("criticality",),
        ("colum",),
        ("columns",),
    ]
    assert found[3][1] == "unknown key 'colum' (did you mean 'column'?). Fix: rename or remove it"
    assert found[4][1] == "give either 'column' or 'columns', not both. Fix: keep one"


def test_unknown_key_without_a_close_match_lists_the_valid_keys():
    [(_, message)] = problems(lambda: Rule.model_validate({"name": "a", "check": "not_null", "column": "x", "q": 1}))
    assert message.startswith("unknown key 'q'. Fix: rename or remove it; valid keys: arguments, check, column, ")


@pytest.mark.parametrize(
    ("data", "loc", "message"),
    [
        (
            {"check": "row_count_between", "column": "x", "arguments": {"min": 1}},
            ("column",),
            "check 'row_count_between' applies to the whole dataset and reads no 'column'. Fix: remove 'column'",
        ),
        (
            {"check": "expected_schema", "columns": ["x"], "arguments": {"columns": {"x": "INT"}}},
            ("columns",),
            "check 'expected_schema' applies to the whole dataset and reads no 'columns'. Fix: remove 'columns'",
        ),
        (
            {"check": "not_null"},
            ("column",),
            "check 'not_null' needs a 'column'. Fix: add 'column: <name>'",
        ),
        (
            {"check": "max_age", "columns": ["a", "b"], "arguments": {"max_age_s": 1}},
            ("columns",),
            "check 'max_age' takes one 'column', not 'columns'. Fix: write 'column: <name>', one rule per column",
        ),
        (
            {"check": "unique"},
            ("column",),
            "check 'unique' needs 'column' or 'columns'. Fix: add the key column(s)",
        ),
    ],
)
def test_column_shape_problems(data, loc, message):
    assert problems(lambda: Rule.model_validate({"name": "r", **data})) == [(loc, message)]


def test_sql_expression_may_name_its_columns_or_not():
    assert Rule(name="a", check="sql_expression", arguments={"expression": "a > 0"}).target_columns == []
    assert Rule(name="a", check="sql_expression", column="a", arguments={"expression": "a > 0"}).target_columns == ["a"]


def test_unsafe_sql_expression_is_rejected_under_arguments_expression():
    [(loc, message)] = problems(
        lambda: Rule(name="a", check="sql_expression", arguments={"expression": "a > 0; DROP TABLE t"})
    )
    assert loc == ("arguments", "expression")
    assert message.startswith("it contains ';'")


@pytest.mark.parametrize("name", ["", "1st", "has space", "dash-ed", "ünï"])
def test_rule_names_are_identifiers(name):
    [(loc, message)] = problems(lambda: Rule(name=name, check="not_null", column="x"))
    assert loc == ("name",)
    assert message.startswith("must start with a letter or '_'")


def test_columns_are_distinct_and_not_empty():
    [(loc, message)] = problems(lambda: Rule(name="a", check="unique", columns=["x", "x"]))
    assert (loc, message) == (("columns",), "columns must be distinct. Fix: remove the repeated name")
    assert problems(lambda: Rule(name="a", check="unique", columns=[]))[0][0] == ("columns",)
    assert problems(lambda: Rule(name="a", check="not_null", column=""))[0][0] == ("column",)


@pytest.mark.parametrize(
    ("check", "arguments", "message"),
    [
        ("in_range", {}, "give at least one of 'min' or 'max'. Fix: add min and/or max"),
        ("in_range", {"min": 5, "max": 1}, "min (5) is greater than max (1). Fix: swap them"),
        ("length_between", {}, "give at least one of 'min' or 'max'. Fix: add min and/or max"),
        ("length_between", {"min": 5, "max": 1}, "min (5) is greater than max (1). Fix: swap them"),
        ("row_count_between", {"min": 5, "max": 1}, "min (5) is greater than max (1). Fix: swap them"),
    ],
)
def test_bounds_must_make_sense(check, arguments, message):
    target = {} if check == "row_count_between" else {"column": "x"}
    assert problems(lambda: Rule(name="a", check=check, arguments=arguments, **target)) == [(("arguments",), message)]


def test_row_count_needs_a_bound():
    assert problems(lambda: Rule(name="a", check="row_count_between", arguments={}))[0][1].startswith(
        "give at least one of 'min' or 'max'"
    )


def test_text_bounds_are_not_ordered_and_numbers_must_be_finite():
    assert InRangeArguments(min="2024-12-31", max="2024-01-01").min == "2024-12-31"  # compared by the engine
    for bad in (math.inf, math.nan):
        assert problems(lambda bad=bad: Rule(name="a", check="in_range", column="x", arguments={"min": bad}))


def test_rule_set_reports_duplicates_and_unknown_keys_with_rule_errors():
    data = {
        "version": 2,
        "rule": [],
        "rules": [
            {"name": "a", "check": "not_null", "column": "c"},
            {"name": "a", "check": "not_null"},
            {"name": "a", "check": "not_null", "column": "d"},
            {"check": "not_null", "column": "e"},
        ],
    }
    found = problems(lambda: RuleSet.model_validate(data))
    assert found == [
        (("version",), "Input should be 1"),
        (("rules", 1, "column"), "check 'not_null' needs a 'column'. Fix: add 'column: <name>'"),
        (("rules", 3, "name"), "Field required"),
        (("rule",), "unknown key 'rule' (did you mean 'rules'?). Fix: rename or remove it"),
        (("rules", 1, "name"), "rule name 'a' is already used by rules[0]; names must be unique. Fix: rename one"),
        (("rules", 2, "name"), "rule name 'a' is already used by rules[0]; names must be unique. Fix: rename one"),
    ]


def test_duplicates_among_rule_objects_are_found_too():
    rule = Rule(name="a", check="not_null", column="c")
    assert problems(lambda: RuleSet(rules=[rule, rule])) == [
        (("rules", 1, "name"), "rule name 'a' is already used by rules[0]; names must be unique. Fix: rename one")
    ]


def test_metadata_and_provenance():
    rule = Rule(
        name="a",
        check="not_null",
        column="c",
        metadata={"owner": "sales"},
        provenance={"source": "dqx", "confidence": 0.5},
    )
    assert rule.metadata == {"owner": "sales"}
    assert rule.provenance is not None
    assert rule.provenance.source == "dqx"
    assert problems(lambda: Rule(name="a", check="not_null", column="c", metadata={"n": 1}))[0][0] == ("metadata", "n")
    assert problems(lambda: Rule(name="a", check="not_null", column="c", provenance={"confidence": 2}))


def test_did_you_mean():
    assert did_you_mean("colum", ["column", "columns"]) == " (did you mean 'column'?)"
    assert did_you_mean("zzz", ["column"]) == ""


def test_json_schema_describes_each_checks_arguments():
    schema = RuleSet.model_json_schema()
    rule = schema["$defs"]["Rule"]
    assert rule["properties"]["name"]["pattern"] == "^[A-Za-z_][A-Za-z0-9_]*$"
    branches = {branch["if"]["properties"]["check"]["const"]: branch["then"] for branch in rule["allOf"]}
    assert set(branches) == set(CHECK_ARGUMENTS)
    assert branches["in_range"]["properties"]["arguments"]["additionalProperties"] is False


def test_committed_json_schema_matches_the_model():
    generated = json.dumps(RuleSet.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == generated, (
        f"rules.schema.json is stale; regenerate it from the repository root with: {REGENERATE}"
    )


def test_values_and_bounds_must_be_plain_scalars():
    [(loc, message)] = problems(
        lambda: Rule(name="a", check="in_set", column="x", arguments={"values": ["a", {"b": 1}]})
    )
    assert (loc, message) == (
        ("arguments", "values"),
        "values[1] must be text, a number or true/false, got a mapping. Fix: plain values",
    )


@pytest.mark.subprocess
def test_the_package_exports_resolve_and_import_no_pyspark():
    code = (
        "import sys, databricks_utils.quality as q; "
        "assert all(getattr(q, name) is not None for name in q.__all__); "
        "assert len(set(q.__all__)) == len(q.__all__); "
        "assert 'pyspark' not in sys.modules, 'pyspark imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
