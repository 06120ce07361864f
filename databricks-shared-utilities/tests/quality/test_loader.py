"""Loading rules files: every problem at once, one line each, naming file:line, rule, field and a fix."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from databricks_utils.errors.exceptions import RuleError, RuleFileNotFoundError
from databricks_utils.quality._yaml_tree import YamlTree
from databricks_utils.quality.loader import dump_rules, load_rules, parse_rules
from databricks_utils.quality.model import CHECK_ARGUMENTS, Provenance, Rule, RuleSet


def document(check, target, arguments):
    """A one-rule file; the rule's ``arguments:`` key is on line 6, its first argument on line 7."""
    lines = ["version: 1", "rules:", "  - name: r", f"    check: {check}", f"    {target or 'criticality: error'}"]
    if arguments is not None and not arguments:
        lines.append("    arguments: {}")
    elif arguments is not None:
        lines.append("    arguments:")
        lines += [f"      {key}: {json.dumps(value)}" for key, value in arguments.items()]
    return "\n".join(lines) + "\n"


def error(text, source="rules.yml"):
    with pytest.raises(RuleError) as caught:
        parse_rules(text, source=source)
    return str(caught.value)


COLUMN = "column: x"
# check -> (target line, valid arguments, [(bad arguments, field, line, message start)])
CHECKS = {
    "not_null": (
        COLUMN,
        None,
        [({"min": 1}, "arguments.min", 7, "unknown argument 'min' for check 'not_null'. Fix: rename or remove it")],
    ),
    "not_empty": (
        COLUMN,
        {"trim": False},
        [
            ({"trm": True}, "arguments.trm", 7, "unknown argument 'trm' for check 'not_empty' (did you mean 'trim'?)"),
            ({"trim": "maybe"}, "arguments.trim", 7, "must be a valid boolean, unable to interpret input, got 'maybe'"),
        ],
    ),
    "unique": (
        "columns: [a, b]",
        None,
        [({"nulls": True}, "arguments.nulls", 7, "unknown argument 'nulls' for check 'unique'")],
    ),
    "in_set": (
        COLUMN,
        {"values": ["a", 1]},
        [
            ({}, "arguments.values", 6, "missing required argument 'values' for check 'in_set'"),
            ({"values": 5}, "arguments.values", 7, "must be a valid list, got 5. Fix: write a YAML list"),
            ({"values": []}, "arguments.values", 7, "List should have at least 1 item after validation, not 0"),
            ({"values": ["a", [1]]}, "arguments.values", 7, "values[1] must be text, a number or true/false, got a"),
            ({"value": ["a"]}, "arguments.value", 7, "unknown argument 'value' for check 'in_set' (did you mean"),
        ],
    ),
    "in_range": (
        COLUMN,
        {"min": 0, "max": 10},
        [
            ({}, "arguments", 6, "give at least one of 'min' or 'max'. Fix: add min and/or max"),
            ({"min": [1]}, "arguments.min", 7, "must be a number or a date/time as text, got a list. Fix: e.g. 0"),
            ({"min": True}, "arguments.min", 7, "must be a number or a date/time as text, got True"),
            ({"mn": 0}, "arguments.mn", 7, "unknown argument 'mn' for check 'in_range' (did you mean 'min'?)"),
        ],
    ),
    "matches_regex": (
        COLUMN,
        {"pattern": "^[A-Z]{3}$"},
        [
            ({}, "arguments.pattern", 6, "missing required argument 'pattern' for check 'matches_regex'"),
            ({"pattern": 5}, "arguments.pattern", 7, "must be a valid string, got 5"),
            ({"patern": "a"}, "arguments.patern", 7, "unknown argument 'patern' for check 'matches_regex' (did you"),
        ],
    ),
    "length_between": (
        COLUMN,
        {"max": 3},
        [
            ({"min": -1}, "arguments.min", 7, "must be greater than or equal to 0, got -1"),
            ({"mini": 1}, "arguments.mini", 7, "unknown argument 'mini' for check 'length_between' (did you mean"),
        ],
    ),
    "parseable_date": (
        COLUMN,
        {"format": "yyyy-MM-dd"},
        [
            ({"format": 5}, "arguments.format", 7, "must be a valid string, got 5"),
            ({"date_format": "x"}, "arguments.date_format", 7, "unknown argument 'date_format' for check"),
        ],
    ),
    "parseable_timestamp": (
        COLUMN,
        None,
        [({"format": ""}, "arguments.format", 7, "String should have at least 1 character, got ''")],
    ),
    "not_in_future": (
        COLUMN,
        {"tolerance_s": 30},
        [
            ({"tolerance_s": -5}, "arguments.tolerance_s", 7, "must be greater than or equal to 0, got -5"),
            ({"offset": 5}, "arguments.offset", 7, "unknown argument 'offset' for check 'not_in_future'"),
        ],
    ),
    "max_age": (
        COLUMN,
        {"max_age_s": 3600},
        [
            ({}, "arguments.max_age_s", 6, "missing required argument 'max_age_s' for check 'max_age'"),
            ({"max_age_s": 0}, "arguments.max_age_s", 7, "must be greater than 0, got 0"),
            ({"max_age_s": 1, "max_age": 1}, "arguments.max_age", 8, "unknown argument 'max_age' for check"),
        ],
    ),
    "referential": (
        COLUMN,
        {"reference_table": "main.crm.customers", "reference_column": "id"},
        [
            ({"reference_column": "id"}, "arguments.reference_table", 6, "missing required argument 'reference_table'"),
            (
                {"reference_table": "t", "reference_column": ""},
                "arguments.reference_column",
                8,
                "String should have at least 1 character",
            ),
        ],
    ),
    "row_count_between": (
        None,
        {"min": 1, "max": 5},
        [
            ({"min": "many"}, "arguments.min", 7, "must be a valid integer, unable to parse string as an integer"),
            ({"minimum": 1}, "arguments.minimum", 7, "unknown argument 'minimum' for check 'row_count_between'"),
        ],
    ),
    "no_duplicate_rows": (
        None,
        None,
        [({"columns": ["a"]}, "arguments.columns", 7, "unknown argument 'columns' for check 'no_duplicate_rows'")],
    ),
    "expected_schema": (
        None,
        {"columns": {"id": "BIGINT", "amount": "DECIMAL(10,2)"}},
        [
            ({}, "arguments.columns", 6, "missing required argument 'columns' for check 'expected_schema'"),
            ({"columns": ["id"]}, "arguments.columns", 7, "must be a valid dictionary. Fix: write a mapping"),
            ({"columns": {"id": "INT"}, "strict": 1, "exact": True}, "arguments.exact", 9, "unknown argument 'exact'"),
        ],
    ),
    "sql_expression": (
        None,
        {"expression": "amount >= 0 AND status <> 'x'"},
        [
            ({}, "arguments.expression", 6, "missing required argument 'expression' for check 'sql_expression'"),
            ({"expression": "amount > 0; DROP TABLE t"}, "arguments.expression", 7, "it contains ';'"),
            ({"expression": "amount > (SELECT 1)"}, "arguments.expression", 7, "it contains the keyword SELECT"),
            ({"expr": "a > 0"}, "arguments.expr", 7, "unknown argument 'expr' for check 'sql_expression'. Fix: rename"),
        ],
    ),
}
BAD = [
    pytest.param(check, target, case, id=f"{check}-{case[1]}-{index}")
    for check, (target, _, cases) in CHECKS.items()
    for index, case in enumerate(cases)
]


def test_every_check_is_covered():
    assert set(CHECKS) == set(CHECK_ARGUMENTS)


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_valid_rule_of_every_check_loads_and_dumps_back(check):
    target, arguments, _ = CHECKS[check]
    ruleset = parse_rules(document(check, target, arguments))
    [rule] = ruleset.rules
    assert (rule.name, rule.check, rule.arguments) == ("r", check, arguments or {})
    assert parse_rules(dump_rules(ruleset)) == ruleset


@pytest.mark.parametrize(("check", "target", "case"), BAD)
def test_wrong_configuration_of_every_check_names_line_rule_field_and_fix(check, target, case):
    bad, field, line, message = case
    lines = error(document(check, target, bad)).splitlines()  # one line per problem
    [found] = [text for text in lines if text.startswith(f"rules.yml:{line}: rules[0] 'r': {field}: ")]
    assert found.startswith(f"rules.yml:{line}: rules[0] 'r': {field}: {message}")
    assert all("Fix:" in text and text.startswith("rules.yml:") for text in lines)


def test_load_rules_reads_a_file(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(document("not_null", COLUMN, None), encoding="utf-8")
    assert load_rules(path).rules[0].column == "x"
    assert load_rules(str(path)) == load_rules(path)


def test_missing_file_is_a_file_not_found_rule_error(tmp_path):
    with pytest.raises(RuleFileNotFoundError) as caught:
        load_rules(tmp_path / "rules.yml")
    assert isinstance(caught.value, FileNotFoundError)
    assert isinstance(caught.value, RuleError)
    assert str(caught.value).startswith(f"{tmp_path / 'rules.yml'}: rules file not found (looked at ")
    assert str(caught.value).endswith("Fix: check the path or create the file")


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(RuleError, match=r"cannot read the rules file \(Is a directory\)"):
        load_rules(tmp_path)
    path = tmp_path / "latin1.yml"
    path.write_bytes("- name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(RuleError, match=r"latin1.yml: not UTF-8 text \(invalid continuation byte at byte 11\)"):
        load_rules(path)


def test_yaml_syntax_error_names_line_and_column():
    text = error("version: 1\nrules:\n  - name: a\n   check: [x\n")
    assert text.startswith("rules.yml:4:4: YAML syntax error: ")
    assert text.endswith(". Fix the indentation/quoting at that line.")


def test_top_level_must_be_a_mapping_or_a_list():
    assert error("just text\n") == (
        "rules.yml:1: the top level must be a mapping with 'version: 1' and 'rules:', or a list of rules; got the "
        "scalar 'just text'. Fix: start the file with 'version: 1' and 'rules:'"
    )


def test_a_bare_list_of_rules_is_accepted_and_reported_with_its_lines():
    assert parse_rules("- {name: a, check: not_null, column: x}\n").rules[0].name == "a"
    assert error("- name: a\n  check: not_null\n  column: x\n- name: b\n  check: not_nul\n  column: x\n") == (
        "rules.yml:5: rules[1] 'b': check: unknown check 'not_nul' (did you mean 'not_null'?). Fix: use the "
        "suggested name"
    )


def test_empty_file_is_an_empty_rule_set():
    assert parse_rules("") == RuleSet()
    assert parse_rules("# only a comment\n") == RuleSet()
    assert parse_rules("version: 1\n") == RuleSet()


def test_unknown_top_level_key_and_version():
    text = error("version: 2\nrule: []\n")
    assert text.splitlines() == [
        "rules.yml:1: version: must be 1, got 2. Fix: use one of the values listed",
        "rules.yml:2: rule: unknown key 'rule' (did you mean 'rules'?). Fix: rename or remove it",
    ]


def test_rules_must_be_a_list_of_mappings():
    assert (
        error("rules: {a: 1}\n")
        == "rules.yml:1: rules: must be a valid list. Fix: write a YAML list ('- item' lines or [a, b])"
    )
    assert error("rules:\n  - just a string\n") == (
        "rules.yml:2: rules[0]: must be a rule written as 'key: value' lines, got 'just a string'. Fix: give it "
        "name, check, column and arguments keys (see the rules format)"
    )


EVERYTHING_WRONG = """\
version: 1
rules:
  - name: order_id_present
    check: not_null
    column: order_id
  - name: amount_in_range
    check: in_range
    column: amount
    arguments: {mn: 0, max: 10000}
  - name: bad name
    check: in_rnage
    column: x
    criticality: fatal
  - name: order_id_present
    check: matches_regex
    column: code
    column: code2
  - name: conflict
    check: in_range
    column: d
    columns: [d]
    arguments: {min: 2024-01-01}
  - name: sql
    check: sql_expression
    arguments:
      expression: "amount > 0 -- sneaky"
  - check: not_null
    column: y
"""


def test_every_problem_is_reported_at_once_in_file_order():
    assert error(EVERYTHING_WRONG).splitlines() == [
        "rules.yml:9: rules[1] 'amount_in_range': arguments.mn: unknown argument 'mn' for check 'in_range' (did you "
        "mean 'min'?). Fix: rename or remove it; in_range takes max, max_inclusive, min, min_inclusive",
        "rules.yml:10: rules[2] 'bad name': name: must start with a letter or '_' and hold only letters, digits and "
        "'_' (it names columns and constraints). Fix: e.g. 'amount_in_range'",
        "rules.yml:11: rules[2] 'bad name': check: unknown check 'in_rnage' (did you mean 'in_range'?). Fix: use the "
        "suggested name",
        "rules.yml:13: rules[2] 'bad name': criticality: must be 'error' or 'warn', got 'fatal'. Fix: use one of "
        "the values listed",
        "rules.yml:14: rules[3] 'order_id_present': arguments.pattern: missing required argument 'pattern' for "
        "check 'matches_regex'. Fix: add 'pattern: ...' under arguments",
        "rules.yml:14: rules[3] 'order_id_present': name: rule name 'order_id_present' is already used by rules[0] "
        "at line 3; names must be unique. Fix: rename one",
        "rules.yml:17: rules[3] 'order_id_present': duplicate key 'column' (first at line 16); YAML would keep only "
        "the last. Fix: delete or merge one of them",
        "rules.yml:21: rules[4] 'conflict': columns: give either 'column' or 'columns', not both. Fix: keep one",
        "rules.yml:26: rules[5] 'sql': arguments.expression: it contains a SQL comment ('--' or '/* */'). Fix: "
        "remove the comment (use the rule's description)",
        "rules.yml:27: rules[6]: name: is required. Fix: add it",
    ]


def test_yaml_anchors_and_merge_keys_work():
    text = """\
defaults: &strict {criticality: error, check: not_null}
rules:
  - {<<: *strict, name: a, column: x}
"""
    assert error(text).startswith("rules.yml:1: defaults: unknown key 'defaults'")
    ruleset = parse_rules("rules:\n  - &a {name: a, check: not_null, column: x}\n  - {<<: *a, name: b}\n")
    assert [(r.name, r.column) for r in ruleset.rules] == [("a", "x"), ("b", "x")]


def test_recursive_alias_and_non_scalar_keys_are_rejected():
    assert error("rules: &r\n  - *r\n") == (
        "rules.yml:1: 'rules[0]' refers to itself through a YAML alias. Fix: remove the recursive '*alias'"
    )
    assert error("rules:\n  - ? [a]\n    : 1\n") == (
        "rules.yml:2: a key under 'rules[0]' is a list; keys must be plain names. Fix: write 'name: value'"
    )


def test_dates_stay_text_as_the_model_expects():
    [rule] = parse_rules("- {name: a, check: in_range, column: d, arguments: {min: 2024-01-31}}\n").rules
    assert rule.arguments == {"min": "2024-01-31"}


def test_dump_is_canonical_and_stable():
    ruleset = RuleSet(
        rules=[
            Rule(
                name="amount_in_range",
                check="in_range",
                column="amount",
                arguments={"max": 10, "min": 0},
                criticality="warn",
                description="Amounts are small",
                provenance=Provenance(source="profiler", confidence=0.9),
                metadata={"owner": "sales"},
            ),
            Rule(name="key", check="unique", columns=["a", "b"], arguments={}),
        ]
    )
    assert dump_rules(ruleset) == (
        "version: 1\n"
        "rules:\n"
        "- name: amount_in_range\n"
        "  check: in_range\n"
        "  column: amount\n"
        "  arguments:\n"
        "    max: 10\n"
        "    min: 0\n"
        "  criticality: warn\n"
        "  description: Amounts are small\n"
        "  provenance:\n"
        "    source: profiler\n"
        "    confidence: 0.9\n"
        "  metadata:\n"
        "    owner: sales\n"
        "- name: key\n"
        "  check: unique\n"
        "  columns:\n"
        "  - a\n"
        "  - b\n"
        "  criticality: error\n"
    )


def test_dump_keeps_yaml_line_break_characters_inside_strings():
    ruleset = RuleSet(rules=[Rule(name="r", check="not_null", column="c", description="a\x85b\u2028c\u2029")])
    assert '"a\\Nb\\Lc\\P"' in dump_rules(ruleset)
    assert parse_rules(dump_rules(ruleset)) == ruleset


def test_dump_writes_tuples_as_lists():
    ruleset = RuleSet(rules=[Rule(name="s", check="in_set", column="c", arguments={"values": ("a", "b")})])
    assert parse_rules(dump_rules(ruleset)).rules[0].arguments == {"values": ["a", "b"]}


# --- property: dump -> parse gives back the same rule set ----------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
NONEMPTY = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
NUMBER = st.one_of(st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False))
SCALAR = st.one_of(TEXT, NUMBER, st.booleans())
FLAGS = {"min_inclusive": st.booleans(), "max_inclusive": st.booleans()}
ARGUMENTS = {
    "not_null": st.just({}),
    "not_empty": st.fixed_dictionaries({}, optional={"trim": st.booleans(), "allow_null": st.booleans()}),
    "unique": st.just({}),
    "in_set": st.fixed_dictionaries(
        {"values": st.lists(SCALAR, min_size=1, max_size=4)}, optional={"allow_null": st.booleans()}
    ),
    "in_range": st.one_of(
        st.fixed_dictionaries({"min": st.one_of(NUMBER, TEXT)}, optional=FLAGS),
        st.fixed_dictionaries({"max": st.one_of(NUMBER, TEXT)}, optional=FLAGS),
    ),
    "matches_regex": st.fixed_dictionaries({"pattern": NONEMPTY}, optional={"full_match": st.booleans()}),
    "length_between": st.fixed_dictionaries({"max": st.integers(0, 1000)}),
    "parseable_date": st.fixed_dictionaries({}, optional={"format": NONEMPTY}),
    "parseable_timestamp": st.fixed_dictionaries({}, optional={"format": NONEMPTY}),
    "not_in_future": st.fixed_dictionaries({}, optional={"tolerance_s": st.floats(0, 1e6)}),
    "max_age": st.fixed_dictionaries({"max_age_s": st.floats(0.001, 1e9)}),
    "referential": st.fixed_dictionaries({"reference_table": NONEMPTY, "reference_column": NONEMPTY}),
    "row_count_between": st.fixed_dictionaries({"min": st.integers(0, 10**6)}),
    "no_duplicate_rows": st.just({}),
    "expected_schema": st.fixed_dictionaries(
        {"columns": st.dictionaries(NONEMPTY, NONEMPTY, min_size=1, max_size=3)}, optional={"strict": st.booleans()}
    ),
    "sql_expression": st.fixed_dictionaries(
        {"expression": st.sampled_from(["a > 0", "b IN ('x', 'y''z')", "coalesce(c, 0) <= d", "NOT flag"])}
    ),
}
NO_COLUMN = {"row_count_between", "no_duplicate_rows", "expected_schema"}


@st.composite
def rules(draw):
    check = draw(st.sampled_from(sorted(CHECK_ARGUMENTS)))
    if check in NO_COLUMN or (check == "sql_expression" and draw(st.booleans())):
        target = {}
    elif check in {"unique", "sql_expression"} and draw(st.booleans()):
        target = {"columns": draw(st.lists(NONEMPTY, min_size=1, max_size=3, unique=True))}
    else:
        target = {"column": draw(NONEMPTY)}
    optional = {
        "description": TEXT,
        "metadata": st.dictionaries(NONEMPTY, TEXT, max_size=2),
        "provenance": st.builds(
            Provenance,
            source=st.sampled_from(["human", "profiler", "llm", "dqx"]),
            evidence=st.none() | TEXT,
            confidence=st.none() | st.floats(0, 1),
        ),
    }
    extra = draw(st.fixed_dictionaries({}, optional=optional))
    return Rule(
        name=draw(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)),
        check=check,
        arguments=draw(ARGUMENTS[check]),
        criticality=draw(st.sampled_from(["error", "warn"])),
        **target,
        **extra,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(rules(), max_size=5, unique_by=lambda rule: rule.name))
def test_dump_then_parse_gives_back_the_same_rules(items):
    ruleset = RuleSet(rules=items)
    assert parse_rules(dump_rules(ruleset)) == ruleset


def test_property_strategies_cover_every_check():
    assert set(ARGUMENTS) == set(CHECK_ARGUMENTS)


def test_duplicate_keys_are_reported_even_when_the_rules_are_valid():
    assert error("- name: a\n  name: a\n  check: not_null\n  column: x\n") == (
        "rules.yml:2: rules[0] 'a': duplicate key 'name' (first at line 1); YAML would keep only the last. Fix: "
        "delete or merge one of them"
    )


def test_duplicate_name_message_points_at_the_first_use():
    text = error(
        "- {name: b, check: not_null, column: x}\n- {name: a, check: not_null, column: x}\n"
        "- {name: a, check: not_null, column: y}\n"
    )
    assert text == (
        "rules.yml:3: rules[2] 'a': name: rule name 'a' is already used by rules[1] at line 2; names must be "
        "unique. Fix: rename one"
    )


def test_characters_yaml_refuses_are_reported():
    text = error("a: \x07")
    # libyaml and the pure-Python reader word the problem differently; the frame is ours.
    assert text.startswith("rules.yml: YAML error: unacceptable character #x0007")
    assert text.endswith(". Fix the file's encoding or syntax")


def test_a_path_outside_the_file_has_no_line():
    assert YamlTree(data=None).line_of(("rules", 0)) is None


CONTRACT = Path(__file__).parents[3] / "specs/001-ai-native-data-eng-process/contracts/rules.md"


def test_the_documented_example_is_valid():
    text = CONTRACT.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert blocks
    for block in blocks:
        assert parse_rules(block, source="rules.md").rules
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.MULTILINE))
    assert documented == set(CHECK_ARGUMENTS)
