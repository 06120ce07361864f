"""Reject ``sql_expression`` text that is anything but one boolean Spark SQL expression.

A rules file is reviewed as data, but a ``sql_expression`` is pasted into generated SQL: Lakeflow
expectations, Delta ``CHECK`` constraints, DQX checks and the evaluator's ``F.expr``. This guard works on
tokens, outside string literals and backtick-quoted names, in pure Python (no Spark): no ``;``, no
comments, no statement keywords (``SELECT`` makes a subquery, ``DROP``/``INSERT``/``GRANT``... a
statement), balanced parentheses and quotes, no top-level comma, and something that makes a condition
(a comparison, a boolean keyword or a function call). It is a guard against mistakes and smuggled
statements, not a SQL parser: Spark still decides whether the expression resolves and is boolean.
"""

from __future__ import annotations

import re
from typing import Final

from databricks_utils.errors.exceptions import RuleError

STATEMENT_KEYWORDS: Final[frozenset[str]] = frozenset(
    {
        "ALTER",
        "ANALYZE",
        "CACHE",
        "CALL",
        "COPY",
        "CREATE",
        "DELETE",
        "DESCRIBE",
        "DROP",
        "EXEC",
        "EXECUTE",
        "EXPLAIN",
        "GRANT",
        "INSERT",
        "LOAD",
        "MERGE",
        "MSCK",
        "OPTIMIZE",
        "REFRESH",
        "REPAIR",
        "RESET",
        "RESTORE",
        "REVOKE",
        "SELECT",
        "SET",
        "SHOW",
        "TRUNCATE",
        "UNCACHE",
        "UPDATE",
        "UPSERT",
        "USE",
        "VACUUM",
    }
)
"""Words that start a statement or a subquery; never part of a row condition."""

_BOOLEAN_WORDS: Final = frozenset(
    {"AND", "BETWEEN", "FALSE", "ILIKE", "IN", "IS", "LIKE", "NOT", "OR", "REGEXP", "RLIKE", "TRUE"}
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPARISON = re.compile(r"<=>|<>|!=|>=|<=|==|=|<|>")
_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*\(")
# A string literal or a quoted name becomes one neutral token, so its content is never read as SQL.
_LITERAL_TOKEN = " 0 "  # noqa: S105 - a placeholder, not a password
_NAME_TOKEN = " @ "  # noqa: S105 - a placeholder (not a word, not an operator), not a password


def validate_sql_expression(expression: str) -> str:
    """Check that ``expression`` is a single boolean-looking Spark SQL expression and return it unchanged.

    Args:
        expression: The condition a valid row satisfies, e.g. ``"amount >= 0 AND currency IN ('EUR', 'USD')"``.

    Returns:
        ``expression``, unchanged.

    Raises:
        RuleError: The expression is empty, has ``;`` or a comment, a statement keyword (``SELECT``,
            ``DROP``...), unbalanced parentheses or quotes, a top-level comma, or nothing that makes a
            condition. The message says what was found and how to fix it.

    Example:
        >>> validate_sql_expression("amount >= 0")
        'amount >= 0'
        >>> validate_sql_expression("1; DROP TABLE t")
        Traceback (most recent call last):
        ...
        databricks_utils.errors.exceptions.RuleError: sql_expression '1; DROP TABLE t' is not allowed: ...
    """
    problem = sql_expression_problem(expression)
    if problem is not None:
        shown = expression if len(expression) <= 80 else expression[:77] + "..."  # noqa: PLR2004 - message width
        raise RuleError(f"sql_expression {shown!r} is not allowed: {problem}")
    return expression


def sql_expression_problem(expression: str) -> str | None:
    """What makes ``expression`` unacceptable (one sentence with a fix), or None when it is acceptable.

    Example:
        >>> sql_expression_problem("amount") is not None
        True
    """
    if not expression.strip():
        return "it is empty. Fix: write a condition such as 'amount >= 0'"
    skeleton, problem = _skeleton(expression)
    if problem is not None:
        return problem
    return _structure_problem(skeleton) or _keyword_problem(skeleton) or _condition_problem(skeleton)


def sql_words(expression: str) -> frozenset[str]:
    """The upper-cased words of ``expression`` outside string literals and quoted names (keywords, functions, columns).

    Example:
        >>> sorted(sql_words("note = 'select' AND current_date() > d"))
        ['AND', 'CURRENT_DATE', 'D', 'NOTE']
    """
    skeleton, _ = _skeleton(expression)
    return frozenset(word.upper() for word in _WORD.findall(skeleton))


def _skeleton(text: str) -> tuple[str, str | None]:
    """``text`` with every quoted part replaced by a neutral token, or the unclosed-quote problem."""
    parts: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char not in "'\"`":
            parts.append(char)
            index += 1
            continue
        end = _closing_quote(text, index)
        if end is None:
            kind = "backtick" if char == "`" else "quote"
            return "", f"the {kind} {char} at position {index + 1} is never closed. Fix: close it"
        parts.append(_NAME_TOKEN if char == "`" else _LITERAL_TOKEN)
        index = end + 1
    return "".join(parts), None


def _closing_quote(text: str, start: int) -> int | None:
    """Index of the quote closing the one at ``start``; doubled quotes and literal backslash escapes stay inside."""
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        escaped = char == "\\" and quote != "`"
        if escaped or (char == quote and text[index + 1 : index + 2] == quote):
            index += 2
        elif char == quote:
            return index
        else:
            index += 1
    return None


def _structure_problem(skeleton: str) -> str | None:
    if ";" in skeleton:
        return "it contains ';' (a statement separator). Fix: write one condition; join conditions with AND"
    if "--" in skeleton or "/*" in skeleton or "*/" in skeleton:
        return "it contains a SQL comment ('--' or '/* */'). Fix: remove the comment (use the rule's description)"
    depth = 0
    for char in skeleton:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return "it has a ')' without a matching '('. Fix: balance the parentheses"
        elif char == "," and depth == 0:
            return "it contains ',' outside parentheses (several expressions). Fix: join conditions with AND"
    if depth > 0:
        return f"it has {depth} unclosed '('. Fix: balance the parentheses"
    return None


def _keyword_problem(skeleton: str) -> str | None:
    for word in _WORD.findall(skeleton):
        if word.upper() in STATEMENT_KEYWORDS:
            return (
                f"it contains the keyword {word.upper()}: subqueries and statements are not allowed. "
                f"Fix: write a row condition; a column named {word} must be quoted as `{word}`"
            )
    return None


def _condition_problem(skeleton: str) -> str | None:
    words = {word.upper() for word in _WORD.findall(skeleton)}
    if _COMPARISON.search(skeleton) or words & _BOOLEAN_WORDS or _CALL.search(skeleton):
        return None
    return (
        "it does not look like a condition (no comparison, boolean operator or function call). "
        "Fix: write what a valid row satisfies, e.g. 'amount >= 0' or 'is_active = true'"
    )
