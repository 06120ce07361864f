"""sql_expression guard: one boolean expression, no statements, comments, subqueries or unbalanced text."""

import pytest

from databricks_utils.errors.exceptions import DatabricksUtilsError, RuleError
from databricks_utils.quality.sql_safety import sql_expression_problem, sql_words, validate_sql_expression

ACCEPTED = [
    "amount >= 0",
    "amount >= 0 AND currency IN ('EUR', 'USD')",
    "status <> 'it''s -- not a comment; nor /* this */'",
    'note = "double \\" quoted; still text"',
    "`select` = 1",  # a column named like a keyword, quoted
    "`weird``name` IS NOT NULL",
    "coalesce(discount, 0) <= price",
    "array_contains(tags, 'vip')",
    "is_active = true",
    "NOT is_deleted",
    "email RLIKE '^[^@]+@[^@]+$'",
    "trim(BOTH ' ' FROM name) <> ''",
    "exists(items, x -> x.qty > 0)",
    "d BETWEEN DATE'2020-01-01' AND DATE'2030-12-31'",
    "CASE WHEN a > 0 THEN b > 0 ELSE true END",
    "a <=> b",
    "path = 'C:\\\\temp'",
]


@pytest.mark.parametrize("expression", ACCEPTED)
def test_single_boolean_expressions_are_accepted_unchanged(expression):
    assert validate_sql_expression(expression) == expression
    assert sql_expression_problem(expression) is None


REJECTED = [
    ("", "it is empty"),
    ("   ", "it is empty"),
    ("amount > 0; DROP TABLE t", "contains ';'"),
    ("amount > 0 -- trailing comment", "SQL comment"),
    ("amount > 0 /* hidden */", "SQL comment"),
    ("a --1 > 0", "SQL comment"),
    ("amount > (SELECT max(x) FROM t)", "keyword SELECT"),
    ("id IN (select id from other)", "keyword SELECT"),
    ("drop = 1", "keyword DROP"),
    ("x = 1 OR insert(y) > 0", "keyword INSERT"),
    ("delete", "keyword DELETE"),
    ("grant > 0", "keyword GRANT"),
    ("merge_flag = 1 AND merge > 0", "keyword MERGE"),
    ("(amount > 0", "1 unclosed '('"),
    ("amount > 0)", "')' without a matching '('"),
    ("name = 'unclosed", "quote ' at position 8 is never closed"),
    ('name = "unclosed', 'quote " at position 8 is never closed'),
    ("`unclosed = 1", "backtick ` at position 1 is never closed"),
    ("name = 'trailing backslash\\'", "never closed"),
    ("a > 0, b > 0", "',' outside parentheses"),
    ("amount", "does not look like a condition"),
    ("1 + 2", "does not look like a condition"),
    ("'text only'", "does not look like a condition"),
]


@pytest.mark.parametrize(("expression", "problem"), REJECTED)
def test_anything_else_is_rejected_with_the_reason_and_a_fix(expression, problem):
    with pytest.raises(RuleError) as caught:
        validate_sql_expression(expression)
    message = str(caught.value)
    assert problem in message
    assert "Fix:" in message
    assert message.startswith(f"sql_expression {expression!r} is not allowed: ")
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, DatabricksUtilsError)


def test_long_expressions_are_cut_in_the_message():
    expression = "x = 1 AND " * 20 + "y"
    with pytest.raises(RuleError) as caught:
        validate_sql_expression(expression + "; DROP TABLE t")
    assert "..." in str(caught.value)
    assert len(str(caught.value)) < 250


def test_keywords_inside_literals_and_quoted_names_are_text():
    assert sql_words("note = 'select * from t' AND `drop` > 0 AND current_date() > d") == {
        "NOTE",
        "AND",
        "CURRENT_DATE",
        "D",
    }
