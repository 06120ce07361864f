"""DQX import/export: the closest DQX function per check, a faithful fallback, and clear refusals."""

import datetime as dt
import json

import pytest
import yaml

from databricks_utils.errors.exceptions import RuleError, RuleFileNotFoundError
from databricks_utils.quality._dqx_mapping import IMPORTERS, parse_ddl
from databricks_utils.quality.dqx import DqxExport, dump_dqx, from_dqx, to_dqx
from databricks_utils.quality.model import CHECK_ARGUMENTS, Rule, RuleSet

# A realistic DQX checks file, in the canonical form our export writes (DQX defaults left out).
DQX_FILE = """\
- name: order_id_present
  criticality: error
  check:
    function: is_not_null
    arguments:
      column: order_id
- name: customer_name_filled
  criticality: warn
  check:
    function: is_not_null_and_not_empty
    arguments:
      column: customer_name
      trim_strings: true
  user_metadata:
    owner: crm
    description: Names are printed on invoices
- name: note_not_blank
  criticality: warn
  check:
    function: is_not_empty
    arguments:
      column: note
- name: status_known
  criticality: error
  check:
    function: is_in_list
    arguments:
      column: status
      allowed: ["'NEW'", "'PAID'", "'SHIPPED'"]
- name: currency_set
  criticality: error
  check:
    function: is_not_null_and_is_in_list
    arguments:
      column: currency
      allowed: ["'EUR'", "'USD'"]
- name: amount_in_range
  criticality: error
  check:
    function: is_in_range
    arguments:
      column: amount
      min_limit: 0
      max_limit: 10000.5
- name: order_date_recent
  criticality: warn
  check:
    function: is_not_less_than
    arguments:
      column: order_date
      limit: 2020-01-01
- name: discount_capped
  criticality: warn
  check:
    function: is_not_greater_than
    arguments:
      column: discount
      limit: 0.5
- name: email_format
  criticality: warn
  check:
    function: regex_match
    arguments:
      column: email
      regex: ^[^@]+@[^@]+$
- name: sku_format
  criticality: error
  check:
    function: regex_match
    arguments:
      column: sku
      regex: ^(?:[A-Z]{3}-\\d{4})$
- name: order_day_parses
  criticality: error
  check:
    function: is_valid_date
    arguments:
      column: order_day
      date_format: yyyy-MM-dd
- name: created_parses
  criticality: error
  check:
    function: is_valid_timestamp
    arguments:
      column: created_at
- name: created_not_future
  criticality: error
  check:
    function: is_not_in_future
    arguments:
      column: created_at
      offset: 3600
- name: order_id_unique
  criticality: error
  check:
    function: is_unique
    arguments:
      columns: [order_id]
- name: line_unique
  criticality: error
  check:
    function: is_unique
    arguments:
      columns: [order_id, line_no]
- name: customer_exists
  criticality: error
  check:
    function: foreign_key
    arguments:
      columns: [customer_id]
      ref_columns: [id]
      ref_table: main.crm.customers
- name: enough_rows
  criticality: warn
  check:
    function: is_aggr_not_less_than
    arguments:
      column: '*'
      aggr_type: count
      limit: 100
- name: not_too_many_rows
  criticality: error
  check:
    function: is_aggr_not_greater_than
    arguments:
      column: '*'
      aggr_type: count
      limit: 1000000
- name: data_is_fresh
  criticality: warn
  check:
    function: is_aggr_not_less_than
    arguments:
      column: created_at
      aggr_type: max
      limit: current_timestamp() - INTERVAL 86400 SECONDS
- name: schema_ok
  criticality: error
  check:
    function: has_valid_schema
    arguments:
      expected_schema: order_id BIGINT, amount DECIMAL(10,2), tags MAP<STRING,INT>, `odd name` STRING
- name: total_adds_up
  criticality: error
  check:
    function: sql_expression
    arguments:
      expression: total = amount + tax
      columns: [total, amount, tax]
      msg: total must be amount plus tax
- name: odd_column_present
  criticality: error
  check:
    function: is_not_null
    arguments:
      column: '`odd name`'
"""


def test_realistic_dqx_file_round_trips(tmp_path):
    path = tmp_path / "checks.yml"
    path.write_text(DQX_FILE, encoding="utf-8")
    ruleset = from_dqx(path)
    assert {rule.provenance.source for rule in ruleset.rules if rule.provenance} == {"dqx"}
    assert yaml.safe_load(dump_dqx(ruleset)) == yaml.safe_load(DQX_FILE)
    assert to_dqx(ruleset).skipped == {}
    # And from data already loaded (DQEngine style), with the same result.
    assert from_dqx(yaml.safe_load(DQX_FILE)) == ruleset


def test_imported_rules_read_as_our_checks():
    rules = {rule.name: rule for rule in from_dqx(yaml.safe_load(DQX_FILE)).rules}
    filled = rules["customer_name_filled"]
    assert (filled.check, filled.arguments, filled.criticality) == ("not_empty", {"allow_null": False}, "warn")
    assert (filled.description, filled.metadata) == ("Names are printed on invoices", {"owner": "crm"})
    assert rules["note_not_blank"].arguments == {"trim": False}
    assert rules["order_date_recent"].arguments == {"min": "2020-01-01"}
    assert rules["email_format"].arguments == {"pattern": "^[^@]+@[^@]+$", "full_match": False}
    assert rules["sku_format"].arguments == {"pattern": "[A-Z]{3}-\\d{4}"}
    assert (rules["order_id_unique"].column, rules["line_unique"].columns) == ("order_id", ["order_id", "line_no"])
    assert rules["enough_rows"].arguments == {"min": 100}
    assert (rules["data_is_fresh"].check, rules["data_is_fresh"].arguments) == ("max_age", {"max_age_s": 86400})
    assert rules["schema_ok"].arguments["columns"] == {
        "order_id": "BIGINT",
        "amount": "DECIMAL(10,2)",
        "tags": "MAP<STRING,INT>",
        "odd name": "STRING",
    }
    total = rules["total_adds_up"]
    assert (total.columns, total.description) == (["total", "amount", "tax"], "total must be amount plus tax")
    assert rules["odd_column_present"].column == "odd name"


def check_of(rule):
    export = to_dqx(RuleSet(rules=[rule]))
    assert export.skipped == {}
    return [entry["check"] for entry in export.checks]


EXPORTS = [
    (
        Rule(name="r", check="not_empty", column="c", arguments={"allow_null": False, "trim": False}),
        [{"function": "is_not_null_and_not_empty", "arguments": {"column": "c"}}],
    ),
    (
        Rule(name="r", check="not_empty", column="c"),
        [
            {
                "function": "sql_expression",
                "arguments": {"expression": "`c` IS NULL OR trim(CAST(`c` AS STRING)) <> ''", "columns": ["c"]},
            }
        ],
    ),
    (
        Rule(name="r", check="in_range", column="a", arguments={"min": 0, "max": 1, "min_inclusive": False}),
        [
            {
                "function": "sql_expression",
                "arguments": {"expression": "`a` IS NULL OR (`a` > 0 AND `a` <= 1)", "columns": ["a"]},
            }
        ],
    ),
    (
        Rule(name="r", check="in_range", column="a", arguments={"min": "2024-01-01 10:00:00", "max": "it's"}),
        [
            {
                "function": "is_in_range",
                "arguments": {"column": "a", "min_limit": "'2024-01-01 10:00:00'", "max_limit": "'it''s'"},
            }
        ],
    ),
    (
        Rule(name="r", check="in_range", column="a", arguments={"max": "2024-01-31"}),
        [{"function": "is_not_greater_than", "arguments": {"column": "a", "limit": dt.date(2024, 1, 31)}}],
    ),
    (
        Rule(name="r", check="length_between", column="a", arguments={"max": 3}),
        [
            {
                "function": "sql_expression",
                "arguments": {"expression": "`a` IS NULL OR length(`a`) <= 3", "columns": ["a"]},
            }
        ],
    ),
    (
        Rule(name="r", check="not_in_future", column="t"),
        [{"function": "is_not_in_future", "arguments": {"column": "t"}}],
    ),
    (
        Rule(name="r", check="not_in_future", column="t", arguments={"tolerance_s": 0.5}),
        [
            {
                "function": "sql_expression",
                "arguments": {
                    "expression": "`t` IS NULL OR `t` <= current_timestamp() + INTERVAL 0.5 SECONDS",
                    "columns": ["t"],
                },
            }
        ],
    ),
    (
        Rule(name="r", check="max_age", column="t", arguments={"max_age_s": 90.5}),
        [
            {
                "function": "is_aggr_not_less_than",
                "arguments": {
                    "column": "t",
                    "aggr_type": "max",
                    "limit": "current_timestamp() - INTERVAL 90.5 SECONDS",
                },
            }
        ],
    ),
    (
        Rule(name="r", check="parseable_timestamp", column="t", arguments={"format": "yyyy"}),
        [{"function": "is_valid_timestamp", "arguments": {"column": "t", "timestamp_format": "yyyy"}}],
    ),
    (
        Rule(name="r", check="row_count_between", arguments={"min": 1, "max": 5}),
        [
            {"function": "is_aggr_not_less_than", "arguments": {"column": "*", "aggr_type": "count", "limit": 1}},
            {"function": "is_aggr_not_greater_than", "arguments": {"column": "*", "aggr_type": "count", "limit": 5}},
        ],
    ),
    (
        Rule(name="r", check="sql_expression", arguments={"expression": "a > b"}),
        [{"function": "sql_expression", "arguments": {"expression": "a > b"}}],
    ),
    (
        Rule(name="r", check="unique", column="my col"),
        [{"function": "is_unique", "arguments": {"columns": ["`my col`"]}}],
    ),
]


@pytest.mark.parametrize(("rule", "checks"), EXPORTS, ids=[f"{r.check}-{i}" for i, (r, _) in enumerate(EXPORTS)])
def test_export_picks_the_closest_function_or_a_faithful_sql_expression(rule, checks):
    assert check_of(rule) == checks


def test_the_realistic_file_has_every_check_with_a_dqx_function():
    imported = {rule.check for rule in from_dqx(yaml.safe_load(DQX_FILE)).rules}
    # length_between has no DQX function (exported as sql_expression); no_duplicate_rows is not exported.
    assert imported == set(CHECK_ARGUMENTS) - {"length_between", "no_duplicate_rows"}


def test_two_checks_of_one_rule_get_suffixed_names_and_description_travels():
    rule = Rule(name="rows", check="row_count_between", arguments={"min": 1, "max": 5}, description="volume")
    entries = to_dqx(RuleSet(rules=[rule])).checks
    assert [(e["name"], e["user_metadata"]) for e in entries] == [
        ("rows_min", {"description": "volume"}),
        ("rows_max", {"description": "volume"}),
    ]
    sql = Rule(name="s", check="length_between", column="c", arguments={"min": 1}, description="not blank")
    [entry] = to_dqx(RuleSet(rules=[sql])).checks
    assert entry["check"]["arguments"]["msg"] == "not blank"
    assert "user_metadata" not in entry


def test_rules_without_a_faithful_dqx_form_are_listed_not_dropped():
    ruleset = RuleSet(
        rules=[
            Rule(name="dupes", check="no_duplicate_rows"),
            Rule(name="exact", check="expected_schema", arguments={"columns": {"a": "INT"}, "strict": True}),
            Rule(name="id_present", check="not_null", column="id"),
        ]
    )
    export = to_dqx(ruleset)
    assert isinstance(export, DqxExport)
    assert [entry["name"] for entry in export.checks] == ["id_present"]
    assert export.skipped == {
        "dupes": "DQX is_unique needs the column list; write a 'unique' rule with 'columns' instead",
        "exact": "DQX has_valid_schema strict mode also requires the column order; ours does not",
    }
    text = dump_dqx(ruleset)
    assert text.startswith(
        "# not exported: dupes: DQX is_unique needs the column list; write a 'unique' rule with 'columns' instead\n"
        "# not exported: exact: DQX has_valid_schema strict mode also requires the column order; ours does not\n"
        "- name: id_present\n"
    )
    assert dump_dqx(RuleSet()) == "[]\n"


def test_rules_to_dqx_and_back_keep_the_meaning():
    ruleset = RuleSet(
        rules=[
            Rule(name="a", check="in_range", column="x", arguments={"min": "2024-01-31", "max": "z'"}),
            Rule(name="b", check="matches_regex", column="y", arguments={"pattern": "a|b"}),
            Rule(
                name="c", check="referential", column="k", arguments={"reference_table": "t", "reference_column": "id"}
            ),
            Rule(name="d", check="not_in_future", column="t", arguments={"tolerance_s": 60}, metadata={"o": "p"}),
        ]
    )
    back = from_dqx(to_dqx(ruleset).checks)
    assert [(r.name, r.check, r.column, r.arguments, r.metadata) for r in back.rules] == [
        (r.name, r.check, r.column, r.arguments, r.metadata) for r in ruleset.rules
    ]


def test_unnamed_and_for_each_column_checks_get_names():
    checks = [
        {"criticality": "warn", "check": {"function": "is_not_null", "for_each_column": ["a", "b"]}},
        {"check": {"function": "is_not_null", "arguments": {"column": "a"}}},
        {"name": "9 lives!", "check": {"function": "is_unique", "for_each_column": [["a", "b"]]}},
        {"check": {"function": "sql_expression", "arguments": {"expression": "a > 0", "name": "a_positive"}}},
        {"check": {"function": "is_aggr_not_less_than", "arguments": {"column": "*", "limit": 1}}},
    ]
    rules = from_dqx(checks).rules
    assert [(r.name, r.criticality, r.target_columns) for r in rules] == [
        ("a_is_not_null", "warn", ["a"]),
        ("b_is_not_null", "warn", ["b"]),
        ("a_is_not_null_2", "error", ["a"]),
        ("_9_lives__a_b", "error", ["a", "b"]),
        ("a_positive", "error", []),
        ("is_aggr_not_less_than", "error", []),
    ]
    assert from_dqx([checks[1], checks[1], checks[1]]).rules[2].name == "a_is_not_null_3"


def test_a_json_checks_file_is_read_too(tmp_path):
    path = tmp_path / "checks.json"
    # JSON has no dates: a date limit is written as a quoted SQL literal, which DQX reads as the date.
    path.write_text(json.dumps(yaml.safe_load(DQX_FILE), default=lambda day: f"'{day}'"), encoding="utf-8")
    assert from_dqx(path) == from_dqx(yaml.safe_load(DQX_FILE))


def import_error(checks):
    with pytest.raises(RuleError) as caught:
        from_dqx(checks)
    return str(caught.value)


def entry(function, criticality="error", **arguments):
    return {"name": "n", "criticality": criticality, "check": {"function": function, "arguments": arguments}}


IMPORT_ERRORS = [
    (
        entry("is_not_nul", column="a"),
        "checks[0] 'n' (is_not_nul): unknown DQX function 'is_not_nul' (did you mean 'is_not_null'?). Supported: ",
    ),
    (entry("zzz"), "checks[0] 'n' (zzz): unknown DQX function 'zzz'. Supported: foreign_key, has_valid_schema,"),
    (
        entry("is_valid_ipv4_address", column="ip"),
        "checks[0] 'n' (is_valid_ipv4_address): DQX function 'is_valid_ipv4_address' has no equivalent check. Fix: "
        "express it as a sql_expression rule, or keep it in DQX",
    ),
    (
        {**entry("is_not_null", column="a"), "filter": "x > 1"},
        "checks[0] 'n' (is_not_null): 'filter' has no equivalent",
    ),
    ({**entry("is_not_null", column="a"), "critical": "warn"}, "unknown key 'critical' (did you mean 'criticality'?)"),
    (
        {"check": {"function": "is_not_null", "argument": {}}},
        "unknown key 'check.argument' (did you mean 'check.arguments'?)",
    ),
    ({"check": "is_not_null"}, "checks[0]: 'check' must be a mapping with 'function' and 'arguments'"),
    ({"check": {"arguments": {}}}, "checks[0]: check.function is missing. Fix: name the DQX function"),
    ({"check": {"function": "is_not_null", "arguments": ["a"]}}, "check.arguments must be a mapping of argument names"),
    ("is_not_null", "checks[0]: a DQX check must be a mapping with 'criticality' and 'check', got 'is_not_null'"),
    (entry("is_not_null"), "'is_not_null' needs argument 'column'. Fix: add it under check.arguments"),
    (
        entry("is_not_null", column="try_element_at(m, 'k')"),
        "column \"try_element_at(m, 'k')\" of 'is_not_null' is not a plain column name",
    ),
    (entry("is_not_null", column="a.b"), "column 'a.b' of 'is_not_null' is not a plain column name"),
    (entry("is_in_range", column="a", min_limit="b", max_limit=1), "limit 'b' of 'is_in_range' is a column or SQL"),
    (entry("is_not_less_than", column="a", limit=True), "limit True of 'is_not_less_than' is a column or SQL"),
    (
        entry("regex_match", column="a", regex="x", negate=True),
        "argument 'negate: True' of 'regex_match' has no equivalent",
    ),
    (entry("is_in_list", column="a", allowed=["'x'"], case_sensitive=False), "argument 'case_sensitive: False'"),
    (
        entry("is_in_list", column="a", allowed=["PAID"]),
        "allowed value 'PAID' of 'is_in_list' is a column or SQL expression to DQX, not a value. Fix: use a number, "
        "a date or a quoted literal (\"'PAID'\")",
    ),
    (entry("is_in_list", column="a", allowed="'x'"), "argument 'allowed' of 'is_in_list' must be a list of values"),
    (
        entry("is_not_null", column="a", extra=1, other=2),
        "argument(s) extra, other of 'is_not_null' have no equivalent",
    ),
    (entry("is_not_in_future", column="a", curr_timestamp="x"), "argument 'curr_timestamp: 'x''"),
    (
        entry("is_aggr_not_less_than", column="a", aggr_type="sum", limit=1),
        "'is_aggr_not_less_than' maps only as a row",
    ),
    (entry("is_aggr_not_greater_than", column="*", limit=1, group_by=["g"]), "argument 'group_by: ['g']'"),
    (entry("is_unique", columns="a"), "argument 'columns' of 'is_unique' must be a non-empty list of column names"),
    (entry("is_unique", columns=["a"], nulls_distinct=False), "argument 'nulls_distinct: False'"),
    (
        entry("foreign_key", columns=["a", "b"], ref_columns=["x", "y"], ref_table="t"),
        "foreign_key maps only with one column, one ref_column and a ref_table",
    ),
    (entry("foreign_key", columns=["a"], ref_columns=["x"], ref_df_name="ref"), "argument 'ref_df_name: 'ref''"),
    (entry("has_valid_schema", expected_schema=["a"]), "has_valid_schema maps only with expected_schema as a DDL"),
    (entry("has_valid_schema", expected_schema="a INT, b"), "expected_schema field 'b' needs a name and a type"),
    (entry("has_valid_schema", expected_schema="a INT", strict=True), "argument 'strict: True'"),
    (entry("sql_expression", expression="a > 0", negate=True), "argument 'negate: True' of 'sql_expression'"),
    (
        entry("is_not_null", criticality="fatal", column="a"),
        "checks[0] 'n' (is_not_null -> not_null): criticality: must be 'error' or 'warn', got 'fatal'",
    ),
    (
        entry("sql_expression", expression="a > 0; DROP TABLE t"),
        "checks[0] 'n' (sql_expression -> sql_expression): arguments.expression: it contains ';'",
    ),
    ({**entry("is_not_null", column="a"), "user_metadata": "owner"}, "metadata: must be a valid dictionary"),
]


@pytest.mark.parametrize(("checks", "message"), IMPORT_ERRORS, ids=[str(i) for i in range(len(IMPORT_ERRORS))])
def test_import_errors_name_the_entry_the_function_and_the_problem(checks, message):
    text = import_error([checks])
    assert message in text
    assert text.startswith("checks[0]")


def test_every_import_problem_is_reported_in_one_error_with_file_lines(tmp_path):
    path = tmp_path / "checks.yml"
    path.write_text(
        "- check: {function: is_not_null, arguments: {column: a}}\n"
        "- name: bad\n"
        "  check:\n"
        "    function: is_null\n"
        "    arguments: {column: a}\n"
        "- name: worse\n"
        "  criticality: fatal\n"
        "  check: {function: is_not_null, arguments: {column: a}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as caught:
        from_dqx(path)
    assert str(caught.value).splitlines() == [
        f"{path}:2: checks[1] 'bad' (is_null): DQX function 'is_null' has no equivalent check. Fix: express it as a "
        "sql_expression rule, or keep it in DQX",
        f"{path}:6: checks[2] 'worse' (is_not_null -> not_null): criticality: must be 'error' or 'warn', got "
        "'fatal'. Fix: use one of the values listed",
    ]


def test_file_errors(tmp_path):
    with pytest.raises(RuleFileNotFoundError, match="DQX checks file not found"):
        from_dqx(tmp_path / "missing.yml")
    path = tmp_path / "checks.yml"
    path.write_text("checks: []\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"checks.yml:1: a DQX checks file is a list of checks, got a map\."):
        from_dqx(path)
    path.write_text("", encoding="utf-8")
    assert from_dqx(path) == RuleSet()


def test_ddl_parsing():
    assert parse_ddl("a INT, b: DECIMAL(10, 2) , `c,d` STRUCT<x: INT, y: STRING>") == {
        "a": "INT",
        "b": "DECIMAL(10, 2)",
        "c,d": "STRUCT<x: INT, y: STRING>",
    }
    assert parse_ddl("") == {}


def test_supported_functions_are_the_documented_subset():
    assert sorted(IMPORTERS) == [
        "foreign_key",
        "has_valid_schema",
        "is_aggr_not_greater_than",
        "is_aggr_not_less_than",
        "is_in_list",
        "is_in_range",
        "is_not_empty",
        "is_not_greater_than",
        "is_not_in_future",
        "is_not_less_than",
        "is_not_null",
        "is_not_null_and_is_in_list",
        "is_not_null_and_not_empty",
        "is_unique",
        "is_valid_date",
        "is_valid_timestamp",
        "regex_match",
        "sql_expression",
    ]


def test_not_null_and_not_empty_without_trim_keeps_spaces():
    [rule] = from_dqx([entry("is_not_null_and_not_empty", column="c")]).rules
    assert rule.arguments == {"trim": False, "allow_null": False}
    assert check_of(rule) == [{"function": "is_not_null_and_not_empty", "arguments": {"column": "c"}}]


def test_allowed_values_are_read_the_way_dqx_reads_them():
    # DQX 0.17 get_limit_expr: digits are numbers, ISO dates are dates, quoted text is text.
    imported = from_dqx([entry("is_in_list", column="a", allowed=["'it''s'", "42", "2024-01-01", 7, True])])
    assert imported.rules[0].arguments == {"values": ["it's", 42, "2024-01-01", 7, True]}
    exported = to_dqx(imported).checks[0]["check"]
    assert exported["arguments"]["allowed"] == ["'it''s'", 42, "'2024-01-01'", 7, True]
