"""Rules as SQL: one rule_to_sql for Lakeflow expectations and Delta CHECK constraints; NULL-safe, quoted."""

import logging
import re

import pytest

from databricks_utils.config.schema import quote_table_name
from databricks_utils.errors.exceptions import ConfigError, RuleError
from databricks_utils.quality.constraints import (
    LakeflowExpectations,
    delta_check_skip_reason,
    rule_to_sql,
    sql_literal,
    to_delta_check_constraints,
    to_lakeflow_expectations,
)
from databricks_utils.quality.model import DATASET_CHECKS, ROW_CHECKS, Rule, RuleSet


def rule(check, column="x", name="r", criticality="error", **arguments):
    return Rule(name=name, check=check, column=column, arguments=arguments, criticality=criticality)


SQL = [
    (rule("not_null"), "`x` IS NOT NULL"),
    (rule("not_null", column="my `odd` col"), "`my ``odd`` col` IS NOT NULL"),
    (rule("not_empty"), "`x` IS NULL OR trim(CAST(`x` AS STRING)) <> ''"),
    (rule("not_empty", trim=False, allow_null=False), "`x` IS NOT NULL AND CAST(`x` AS STRING) <> ''"),
    (rule("in_set", values=["a", "it's", True]), "`x` IS NULL OR CAST(`x` AS STRING) IN ('a', 'it''s', 'true')"),
    (rule("in_set", values=[1, 2.5], allow_null=False), "`x` IS NOT NULL AND `x` IN (1, 2.5)"),
    (rule("in_range", min=0, max=10.5, max_inclusive=False), "`x` IS NULL OR (`x` >= 0 AND `x` < 10.5)"),
    (rule("in_range", min="2024-01-31", min_inclusive=False), "`x` IS NULL OR `x` > '2024-01-31'"),
    (rule("in_range", max=1e20), "`x` IS NULL OR `x` <= 1e+20"),
    (rule("matches_regex", pattern=r"\d{3}"), "`x` IS NULL OR `x` RLIKE '^(?:\\\\d{3})$'"),
    (rule("matches_regex", pattern="it's", full_match=False), "`x` IS NULL OR `x` RLIKE 'it''s'"),
    (rule("length_between", min=2, max=5), "`x` IS NULL OR (length(`x`) >= 2 AND length(`x`) <= 5)"),
    (rule("length_between", max=5), "`x` IS NULL OR length(`x`) <= 5"),
    (rule("parseable_date", format="yyyy-MM-dd"), "`x` IS NULL OR try_to_date(`x`, 'yyyy-MM-dd') IS NOT NULL"),
    (rule("parseable_timestamp"), "`x` IS NULL OR try_to_timestamp(`x`) IS NOT NULL"),
    (rule("not_in_future"), "`x` IS NULL OR `x` <= current_timestamp()"),
    (rule("not_in_future", tolerance_s=90.5), "`x` IS NULL OR `x` <= current_timestamp() + INTERVAL 90.5 SECONDS"),
    (rule("not_in_future", tolerance_s=1e-5), "`x` IS NULL OR `x` <= current_timestamp() + INTERVAL 0.00001 SECONDS"),
    (rule("not_in_future", tolerance_s=3600), "`x` IS NULL OR `x` <= current_timestamp() + INTERVAL 3600 SECONDS"),
    (rule("sql_expression", column=None, expression="a > 0 OR b = 'x'"), "(a > 0 OR b = 'x') IS NOT FALSE"),
]


@pytest.mark.parametrize(("the_rule", "sql"), SQL, ids=[f"{r.check}-{i}" for i, (r, _) in enumerate(SQL)])
def test_rule_to_sql(the_rule, sql):
    assert rule_to_sql(the_rule) == sql


def test_every_row_check_has_sql_and_no_dataset_check_has():
    assert {r.check for r, _ in SQL} == ROW_CHECKS
    dataset = [
        Rule(name="u", check="unique", column="x"),
        Rule(name="m", check="max_age", column="x", arguments={"max_age_s": 1}),
        Rule(name="f", check="referential", column="x", arguments={"reference_table": "t", "reference_column": "c"}),
        Rule(name="c", check="row_count_between", arguments={"min": 1}),
        Rule(name="d", check="no_duplicate_rows"),
        Rule(name="s", check="expected_schema", arguments={"columns": {"x": "INT"}}),
    ]
    assert {r.check for r in dataset} == DATASET_CHECKS
    assert [rule_to_sql(r) for r in dataset] == [None] * len(dataset)


def test_sql_literals():
    assert sql_literal("it's") == "'it''s'"
    assert sql_literal("back\\slash") == "'back\\\\slash'"
    assert sql_literal(False) == "false"
    assert sql_literal(3) == "3"
    assert sql_literal(-0.5) == "-0.5"


RULES = RuleSet(
    rules=[
        rule("not_null", name="id_present", column="id"),
        rule("in_range", name="amount_ok", column="amount", criticality="warn", min=0),
        rule("not_in_future", name="not_future", column="ts"),
        rule("sql_expression", name="today", column=None, expression="d <= current_date()"),
        Rule(name="id_unique", check="unique", column="id"),
    ]
)


def test_lakeflow_expectations_group_by_criticality():
    expectations = to_lakeflow_expectations(RULES)
    assert expectations == LakeflowExpectations(
        expect={"amount_ok": "`amount` IS NULL OR `amount` >= 0"},
        expect_or_drop={
            "id_present": "`id` IS NOT NULL",
            "not_future": "`ts` IS NULL OR `ts` <= current_timestamp()",
            "today": "(d <= current_date()) IS NOT FALSE",
        },
        skipped={"id_unique": "'unique' is decided over the whole dataset; an expectation sees one row"},
    )
    assert list(expectations.all) == ["amount_ok", "id_present", "not_future", "today"]


def test_delta_constraints_only_for_deterministic_error_rules(caplog):
    with caplog.at_level(logging.INFO, logger="databricks_utils.quality.constraints"):
        statements = to_delta_check_constraints(RULES, "main.sales.orders")
    assert statements == [
        "ALTER TABLE `main`.`sales`.`orders` ADD CONSTRAINT `id_present` CHECK (`id` IS NOT NULL)",
    ]
    skipped = sorted(record.getMessage() for record in caplog.records)
    assert skipped == [
        "Rule amount_ok gets no CHECK constraint on `main`.`sales`.`orders`: criticality warn: a CHECK constraint "
        "would fail the whole write; pass include_warn=True to add it",
        "Rule id_unique gets no CHECK constraint on `main`.`sales`.`orders`: 'unique' is decided over the whole "
        "dataset; a CHECK constraint sees one row",
        "Rule not_future gets no CHECK constraint on `main`.`sales`.`orders`: not_in_future depends on the current "
        "time; a CHECK constraint must be deterministic",
        "Rule today gets no CHECK constraint on `main`.`sales`.`orders`: the expression uses current_date; a CHECK "
        "constraint must be deterministic",
    ]
    with_warn = to_delta_check_constraints(RULES, "orders", include_warn=True)
    assert with_warn[1] == "ALTER TABLE `orders` ADD CONSTRAINT `amount_ok` CHECK (`amount` IS NULL OR `amount` >= 0)"


def test_skip_reason_is_none_for_a_fitting_rule():
    assert delta_check_skip_reason(rule("parseable_date", format="yyyy-MM-dd")) is None
    assert delta_check_skip_reason(rule("sql_expression", column=None, expression="note <> 'now()'")) is None


RULES_ONE = RuleSet(rules=[Rule(name="id_present", check="not_null", column="id")])
RULES_ONE_SQL = "ADD CONSTRAINT `id_present` CHECK (`id` IS NOT NULL)"


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("orders", "`orders`"),
        ("`my-cat`.s.`t.1`", "`my-cat`.`s`.`t.1`"),
        ("main.sales.orders", "`main`.`sales`.`orders`"),
        ("`dbx_test`.`t_1`", "`dbx_test`.`t_1`"),
        ("main.`odd.name`", "`main`.`odd.name`"),
        ("`weird``name`", "`weird``name`"),
        ("  spaced.name  ", "`spaced`.`name`"),
    ],
)
def test_table_names_are_quoted_per_part(name, quoted):
    assert quote_table_name(name) == quoted
    assert to_delta_check_constraints(RULES_ONE, name) == [f"ALTER TABLE {quoted} {RULES_ONE_SQL}"]


@pytest.mark.parametrize("name", ["", "a..b", ".a", "a.", "`unclosed", "a. .b", "a.`b", "weird`name", "a.b.c.d"])
def test_invalid_table_names(name):
    with pytest.raises(ConfigError, match=re.escape("is not valid. Fix: write catalog.schema.table")):
        quote_table_name(name)
    with pytest.raises(RuleError, match=re.escape("is not valid. Fix: write catalog.schema.table")):
        to_delta_check_constraints(RULES_ONE, name)


# --- Spark: the generated SQL parses, and Delta enforces it ---------------------------------------

ROWS = """VALUES
    ('ab', 1.0D, '2024-02-01', TIMESTAMP'2020-01-01 00:00:00', 'ok'),
    (CAST(NULL AS STRING), CAST(NULL AS DOUBLE), CAST(NULL AS STRING), CAST(NULL AS TIMESTAMP), CAST(NULL AS STRING)),
    (' ', 20.0D, '2023-13-45', TIMESTAMP'2999-01-01 00:00:00', CAST(NULL AS STRING))
    AS t(s, n, d, ts, `odd-name`)"""
# rule -> whether the valid row, the all-NULL row and the invalid row pass it
SEMANTICS = [
    (rule("not_null", column="s"), [True, False, True]),
    (rule("not_empty", column="s"), [True, True, False]),
    (rule("not_empty", column="s", trim=False, allow_null=False), [True, False, True]),
    (rule("in_set", column="s", values=["ab", "it's"]), [True, True, False]),
    (rule("in_set", column="n", values=[1, 2.5], allow_null=False), [True, False, False]),
    (rule("in_range", column="n", min=0, max=10, max_inclusive=False), [True, True, False]),
    (rule("in_range", column="d", min="2024-01-01"), [True, True, False]),
    (rule("matches_regex", column="s", pattern="[a-z]+"), [True, True, False]),
    (rule("matches_regex", column="s", pattern=r"\w+'?", full_match=False), [True, True, False]),
    (rule("length_between", column="s", min=2, max=5), [True, True, False]),
    (rule("parseable_date", column="d", format="yyyy-MM-dd"), [True, True, False]),
    (rule("parseable_timestamp", column="d"), [True, True, False]),
    (rule("not_in_future", column="ts", tolerance_s=60), [True, True, False]),
    (rule("sql_expression", column=None, expression="n < 10 AND s <> 'it''s'"), [True, True, False]),
    (rule("not_null", column="odd-name"), [True, False, False]),
]


@pytest.mark.spark
def test_every_generated_condition_parses_and_means_what_it_says(spark_session):
    assert {r.check for r, _ in SEMANTICS} == ROW_CHECKS
    for the_rule, expected in SEMANTICS:
        condition = rule_to_sql(the_rule)
        rows = spark_session.sql(f"SELECT {condition} AS ok FROM {ROWS}").collect()
        assert [row.ok for row in rows] == expected, condition


@pytest.mark.spark
@pytest.mark.slow
def test_delta_check_constraints_reject_violating_rows_and_let_nulls_pass(spark_session, temp_tables):
    schema = "s STRING, n DOUBLE, d STRING, ts TIMESTAMP, `odd-name` STRING"
    table = temp_tables.create(schema=schema, table_format="delta")
    # Each ADD CONSTRAINT is a Delta commit (~3 s locally), and every condition already parsed above, so
    # only the variants that matter to a CHECK: quoting, escaped literals, NULL-safety, try_to_date, IS NOT FALSE.
    chosen = [SEMANTICS[i][0] for i in (3, 5, 6, 8, 10, 12, 13, 14)]
    ruleset = RuleSet(rules=[r.model_copy(update={"name": f"rule_{i}"}) for i, r in enumerate(chosen)])
    statements = to_delta_check_constraints(ruleset, table, include_warn=True)
    assert len(statements) == len(chosen) - 1  # not_in_future reads the clock
    for statement in statements:
        spark_session.sql(statement)
    spark_session.sql(f"INSERT INTO {table} VALUES ('ab', 1.0D, '2024-02-01', TIMESTAMP'2020-01-01 00:00:00', 'ok')")
    # NULL d and ts pass their checks; a bare CHECK (d >= '2024-01-01') would reject a NULL d in Delta.
    spark_session.sql(f"INSERT INTO {table} VALUES ('ab', 1.0D, NULL, NULL, 'ok')")
    with pytest.raises(Exception, match=r"(?s)DELTA_VIOLATE_CONSTRAINT.*rule_"):  # Spark's error class varies
        spark_session.sql(f"INSERT INTO {table} VALUES ('ab', 20.0D, '2024-02-01', NULL, 'ok')")
    assert spark_session.table(table).count() == 2


@pytest.mark.spark
def test_delta_rejects_a_null_check_result_which_is_why_conditions_are_null_safe(spark_session, temp_tables):
    table = temp_tables.create(schema="x DOUBLE", table_format="delta")
    spark_session.sql(f"ALTER TABLE {table} ADD CONSTRAINT bare CHECK (x > 0)")
    with pytest.raises(Exception, match="DELTA_VIOLATE_CONSTRAINT"):
        spark_session.sql(f"INSERT INTO {table} VALUES (NULL)")
    statement = to_delta_check_constraints(RuleSet(rules=[rule("in_range", min=0)]), table)[0]
    spark_session.sql(f"ALTER TABLE {table} DROP CONSTRAINT bare")
    spark_session.sql(statement)
    spark_session.sql(f"INSERT INTO {table} VALUES (NULL)")
    assert spark_session.table(table).count() == 1
