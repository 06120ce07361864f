"""One rule check <-> DQX check function(s), both ways; used by :mod:`databricks_utils.quality.dqx`.

Function and argument names are those of databricks-labs-dqx ``check_funcs.py`` (0.x). Checks with
no DQX function are exported as DQX ``sql_expression`` with the condition of
:func:`~databricks_utils.quality.constraints.rule_to_sql` where that is faithful; the rest raise
:class:`NotMappable` with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from databricks_utils.config.schema import quote_identifier
from databricks_utils.quality.constraints import rule_to_sql, sql_literal
from databricks_utils.quality.model import Rule

DQX_FUNCTIONS: Final[frozenset[str]] = frozenset(
    {
        "compare_datasets",
        "foreign_key",
        "has_json_keys",
        "has_valid_json_schema",
        "has_valid_schema",
        "is_aggr_equal",
        "is_aggr_not_equal",
        "is_aggr_not_greater_than",
        "is_aggr_not_less_than",
        "is_data_fresh",
        "is_data_fresh_per_time_window",
        "is_empty",
        "is_equal_to",
        "is_in_list",
        "is_in_range",
        "is_ipv4_address_in_cidr",
        "is_ipv6_address_in_cidr",
        "is_not_empty",
        "is_not_equal_to",
        "is_not_greater_than",
        "is_not_in_future",
        "is_not_in_list",
        "is_not_in_near_future",
        "is_not_in_range",
        "is_not_less_than",
        "is_not_null",
        "is_not_null_and_is_in_list",
        "is_not_null_and_not_empty",
        "is_not_null_and_not_empty_array",
        "is_null",
        "is_null_or_empty",
        "is_older_than_col2_for_n_days",
        "is_older_than_n_days",
        "is_unique",
        "is_valid_date",
        "is_valid_ipv4_address",
        "is_valid_ipv6_address",
        "is_valid_json",
        "is_valid_timestamp",
        "regex_match",
        "sql_expression",
        "sql_query",
    }
)
"""The built-in DQX check functions (databricks-labs-dqx 0.x), to tell "unknown" from "no equivalent"."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUOTED = re.compile(r"`((?:[^`]|``)+)`")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_AGE_LIMIT = re.compile(r"current_timestamp\(\) - INTERVAL (\d+(?:\.\d+)?) SECONDS")
_FULL_MATCH = re.compile(r"\^\(\?:(.*)\)\$", re.DOTALL)
_MISSING: Final = object()


class NotMappable(Exception):  # noqa: N818 - internal signal, turned into a RuleError or a skip reason
    """This rule, or this DQX check, has no faithful counterpart; the message says why."""


@dataclass(frozen=True)
class DqxCall:
    """One DQX check: the function, its arguments, and a suffix for the name when a rule needs two."""

    function: str
    arguments: dict[str, object]
    suffix: str = ""


# --- export: rule -> DQX -------------------------------------------------------------------------


def dqx_column(column: str) -> str:
    """A column for DQX, which reads it as a SQL expression: plain names as they are, others in backticks."""
    return column if _IDENTIFIER.fullmatch(column) else quote_identifier(column)


def _fallback(rule: Rule) -> list[DqxCall]:
    """The rule's own SQL condition as a DQX ``sql_expression`` (NULL-safe, so the semantics match)."""
    # Only single-column row checks fall back here, so there is always a column to report.
    columns = [dqx_column(c) for c in rule.target_columns]
    return [DqxCall("sql_expression", {"expression": rule_to_sql(rule), "columns": columns})]


def _limit(value: str | float) -> object:
    """A bound for DQX, which reads strings as SQL: ISO dates become dates, other text a quoted literal."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value) if _ISO_DATE.fullmatch(value) else sql_literal(value)
    return value


def _allowed(value: object) -> object:
    """An ``allowed`` entry for DQX: text always as a quoted literal (DQX reads bare text as a column expression)."""
    return sql_literal(value) if isinstance(value, str) else value


def _seconds(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _export_not_empty(rule: Rule, column: str) -> list[DqxCall]:
    args = rule.args
    if not args.allow_null:
        extra = {"trim_strings": True} if args.trim else {}
        return [DqxCall("is_not_null_and_not_empty", {"column": column, **extra})]
    return [DqxCall("is_not_empty", {"column": column})] if not args.trim else _fallback(rule)


def _export_in_range(rule: Rule, column: str) -> list[DqxCall]:
    args = rule.args
    if not (args.min_inclusive and args.max_inclusive):
        return _fallback(rule)  # DQX limits are inclusive
    if args.min is not None and args.max is not None:
        return [
            DqxCall("is_in_range", {"column": column, "min_limit": _limit(args.min), "max_limit": _limit(args.max)})
        ]
    if args.min is not None:
        return [DqxCall("is_not_less_than", {"column": column, "limit": _limit(args.min)})]
    return [DqxCall("is_not_greater_than", {"column": column, "limit": _limit(args.max)})]


def _export_regex(rule: Rule, column: str) -> list[DqxCall]:
    pattern = f"^(?:{rule.args.pattern})$" if rule.args.full_match else rule.args.pattern
    return [DqxCall("regex_match", {"column": column, "regex": pattern})]


def _export_parseable(function: str, format_key: str) -> Callable[[Rule, str], list[DqxCall]]:
    def export(rule: Rule, column: str) -> list[DqxCall]:
        fmt = rule.args.format
        return [DqxCall(function, {"column": column, **({format_key: fmt} if fmt else {})})]

    return export


def _export_not_in_future(rule: Rule, column: str) -> list[DqxCall]:
    tolerance = rule.args.tolerance_s
    if tolerance != int(tolerance):
        return _fallback(rule)  # DQX's offset is whole seconds
    return [DqxCall("is_not_in_future", {"column": column, **({"offset": int(tolerance)} if tolerance else {})})]


def _export_max_age(rule: Rule, column: str) -> list[DqxCall]:
    # The newest value is recent enough <=> max(column) >= now - max_age: a DQX aggregate with a SQL limit.
    limit = f"current_timestamp() - INTERVAL {_seconds(rule.args.max_age_s)} SECONDS"
    return [DqxCall("is_aggr_not_less_than", {"column": column, "aggr_type": "max", "limit": limit})]


def _export_row_count(rule: Rule, _: str) -> list[DqxCall]:
    args = rule.args
    both = args.min is not None and args.max is not None
    calls = []
    if args.min is not None:
        arguments: dict[str, object] = {"column": "*", "aggr_type": "count", "limit": args.min}
        calls.append(DqxCall("is_aggr_not_less_than", arguments, "_min" if both else ""))
    if args.max is not None:
        arguments = {"column": "*", "aggr_type": "count", "limit": args.max}
        calls.append(DqxCall("is_aggr_not_greater_than", arguments, "_max" if both else ""))
    return calls


def _export_schema(rule: Rule, _: str) -> list[DqxCall]:
    if rule.args.strict:
        raise NotMappable("DQX has_valid_schema strict mode also requires the column order; ours does not")
    ddl = ", ".join(f"{dqx_column(name)} {kind}" for name, kind in rule.args.columns.items())
    return [DqxCall("has_valid_schema", {"expected_schema": ddl})]


def _export_sql(rule: Rule, _: str) -> list[DqxCall]:
    arguments: dict[str, object] = {"expression": rule.args.expression}
    if rule.target_columns:
        arguments["columns"] = [dqx_column(c) for c in rule.target_columns]
    return [DqxCall("sql_expression", arguments)]


def _no_duplicate_rows(rule: Rule, _: str) -> list[DqxCall]:
    raise NotMappable("DQX is_unique needs the column list; write a 'unique' rule with 'columns' instead")


_EXPORTERS: Final[Mapping[str, Callable[[Rule, str], list[DqxCall]]]] = {
    "not_null": lambda rule, column: [DqxCall("is_not_null", {"column": column})],
    "not_empty": _export_not_empty,
    "in_set": lambda rule, column: [
        DqxCall(
            "is_in_list" if rule.args.allow_null else "is_not_null_and_is_in_list",
            {"column": column, "allowed": [_allowed(value) for value in rule.args.values]},
        )
    ],
    "in_range": _export_in_range,
    "matches_regex": _export_regex,
    "length_between": lambda rule, column: _fallback(rule),
    "parseable_date": _export_parseable("is_valid_date", "date_format"),
    "parseable_timestamp": _export_parseable("is_valid_timestamp", "timestamp_format"),
    "not_in_future": _export_not_in_future,
    "max_age": _export_max_age,
    "referential": lambda rule, column: [
        DqxCall(
            "foreign_key",
            {
                "columns": [column],
                "ref_columns": [dqx_column(rule.args.reference_column)],
                "ref_table": rule.args.reference_table,
            },
        )
    ],
    "row_count_between": _export_row_count,
    "unique": lambda rule, column: [DqxCall("is_unique", {"columns": [dqx_column(c) for c in rule.target_columns]})],
    "no_duplicate_rows": _no_duplicate_rows,
    "expected_schema": _export_schema,
    "sql_expression": _export_sql,
}


def export_rule(rule: Rule) -> list[DqxCall]:
    """The DQX check(s) of one rule.

    Raises:
        NotMappable: The rule has no faithful DQX form.
    """
    return _EXPORTERS[rule.check](rule, dqx_column(rule.column) if rule.column is not None else "")


# --- import: DQX -> rule -------------------------------------------------------------------------


class DqxArguments:
    """A DQX check's arguments, read one by one; what is left unread has no equivalent."""

    def __init__(self, function: str, raw: Mapping[str, Any]) -> None:
        self.function = function
        self._raw = dict(raw)

    def take(self, key: str, default: Any = _MISSING) -> Any:
        """The argument's value (removed from the unread set); ``NotMappable`` when required and absent."""
        if key in self._raw:
            return self._raw.pop(key)
        if default is _MISSING:
            raise NotMappable(f"'{self.function}' needs argument '{key}'. Fix: add it under check.arguments")
        return default

    def default_only(self, key: str, default: object) -> None:
        """Accept the argument only at DQX's default value (``negate: false``...)."""
        value = self.take(key, default)
        if value != default:
            raise NotMappable(
                f"argument '{key}: {value!r}' of '{self.function}' has no equivalent (only {default!r} maps)"
            )

    def column(self, key: str = "column") -> str:
        """A single column name; DQX column expressions have no equivalent."""
        return parse_column(self.take(key), function=self.function)

    def columns(self, key: str = "columns") -> list[str]:
        """A list of column names."""
        value = self.take(key)
        if not isinstance(value, list) or not value:
            raise NotMappable(f"argument '{key}' of '{self.function}' must be a non-empty list of column names")
        return [parse_column(item, function=self.function) for item in value]

    def finish(self) -> None:
        """Fail on arguments nobody read."""
        if self._raw:
            names = ", ".join(sorted(self._raw))
            raise NotMappable(f"argument(s) {names} of '{self.function}' have no equivalent. Fix: remove them")


def parse_column(value: object, *, function: str) -> str:
    """A DQX column (plain name or one backticked name) as our column name.

    Raises:
        NotMappable: The value is an expression (``try_element_at(c, 1)``, ``a.b``) or not text.
    """
    if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
        return value
    quoted = _QUOTED.fullmatch(value) if isinstance(value, str) else None
    if quoted is not None:
        return quoted.group(1).replace("``", "`")
    raise NotMappable(
        f"column {value!r} of '{function}' is not a plain column name. Fix: express the check as a sql_expression rule"
    )


def parse_limit(value: object, *, function: str, what: str = "limit") -> str | int | float:
    """A DQX limit (or ``allowed`` entry) as a value, read the way DQX reads it.

    DQX (``check_funcs.get_limit_expr``) takes numbers and dates as they are, a digits-only string as a
    number, an ISO date/timestamp string as a date, and any other string as a SQL expression, so only
    a quoted literal (``"'PAID'"``) is text.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else ""
    if text.isdigit():
        return int(text)
    if _is_iso_datetime(text):
        return text
    if len(text) >= 2 and text[0] == text[-1] == "'":  # noqa: PLR2004 - the two quotes
        return text[1:-1].replace("''", "'").replace("\\'", "'").replace("\\\\", "\\")
    raise NotMappable(
        f"{what} {value!r} of '{function}' is a column or SQL expression to DQX, not a value. Fix: use a number, "
        f"a date or a quoted literal (\"'{text}'\"), or write a sql_expression rule"
    )


def _is_iso_datetime(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


Imported = dict[str, Any]
"""A rule's check, column(s) and arguments (and description) read from one DQX check."""


def _import_not_empty(args: DqxArguments) -> Imported:
    column = args.column()
    return {"check": "not_empty", "column": column, "arguments": {"trim": False}}


def _import_not_null_not_empty(args: DqxArguments) -> Imported:
    column = args.column()
    arguments: dict[str, object] = {"allow_null": False}
    if not args.take("trim_strings", False):
        arguments = {"trim": False, **arguments}
    return {"check": "not_empty", "column": column, "arguments": arguments}


def _import_in_list(*, allow_null: bool) -> Callable[[DqxArguments], Imported]:
    def read(args: DqxArguments) -> Imported:
        column = args.column()
        allowed = args.take("allowed")
        if not isinstance(allowed, list):
            raise NotMappable(f"argument 'allowed' of '{args.function}' must be a list of values")
        allowed = [
            value if isinstance(value, bool) else parse_limit(value, function=args.function, what="allowed value")
            for value in allowed
        ]
        args.default_only("case_sensitive", True)
        arguments: dict[str, object] = {"values": allowed, **({} if allow_null else {"allow_null": False})}
        return {"check": "in_set", "column": column, "arguments": arguments}

    return read


def _import_range(bounds: tuple[tuple[str, str], ...]) -> Callable[[DqxArguments], Imported]:
    def read(args: DqxArguments) -> Imported:
        column = args.column()
        arguments = {ours: parse_limit(args.take(theirs), function=args.function) for theirs, ours in bounds}
        return {"check": "in_range", "column": column, "arguments": arguments}

    return read


def _import_regex(args: DqxArguments) -> Imported:
    column = args.column()
    regex = args.take("regex")
    args.default_only("negate", False)
    full = _FULL_MATCH.fullmatch(regex) if isinstance(regex, str) else None
    arguments = {"pattern": full.group(1)} if full is not None else {"pattern": regex, "full_match": False}
    return {"check": "matches_regex", "column": column, "arguments": arguments}


def _import_parseable(check: str, format_key: str) -> Callable[[DqxArguments], Imported]:
    def read(args: DqxArguments) -> Imported:
        column = args.column()
        fmt = args.take(format_key, None)
        return {"check": check, "column": column, "arguments": {} if fmt is None else {"format": fmt}}

    return read


def _import_not_in_future(args: DqxArguments) -> Imported:
    column = args.column()
    offset = args.take("offset", 0)
    args.default_only("curr_timestamp", None)
    return {"check": "not_in_future", "column": column, "arguments": {"tolerance_s": offset} if offset else {}}


def _import_aggregate(bound: str) -> Callable[[DqxArguments], Imported]:
    def read(args: DqxArguments) -> Imported:
        column, aggregate, limit = args.take("column"), args.take("aggr_type", "count"), args.take("limit")
        args.default_only("group_by", None)
        args.default_only("row_filter", None)
        if column == "*" and aggregate == "count":
            return {"check": "row_count_between", "arguments": {bound: limit}}
        max_age = _MAX_AGE_LIMIT.fullmatch(limit) if isinstance(limit, str) else None
        if bound == "min" and aggregate == "max" and max_age is not None:
            seconds = float(max_age.group(1))
            column_name = parse_column(column, function=args.function)
            return {"check": "max_age", "column": column_name, "arguments": {"max_age_s": _seconds(seconds)}}
        raise NotMappable(
            f"'{args.function}' maps only as a row count (column '*', aggr_type count) or, for "
            "is_aggr_not_less_than, a max_age limit 'current_timestamp() - INTERVAL <n> SECONDS'"
        )

    return read


def _import_unique(args: DqxArguments) -> Imported:
    columns = args.columns()
    args.default_only("nulls_distinct", True)
    args.default_only("row_filter", None)
    target = {"column": columns[0]} if len(columns) == 1 else {"columns": columns}
    return {"check": "unique", **target}


def _import_foreign_key(args: DqxArguments) -> Imported:
    columns, references = args.columns(), args.columns("ref_columns")
    table = args.take("ref_table", None)
    args.default_only("ref_df_name", None)
    args.default_only("negate", False)
    args.default_only("row_filter", None)
    if len(columns) != 1 or len(references) != 1 or not isinstance(table, str):
        raise NotMappable("foreign_key maps only with one column, one ref_column and a ref_table")
    arguments = {"reference_table": table, "reference_column": references[0]}
    return {"check": "referential", "column": columns[0], "arguments": arguments}


def _import_schema(args: DqxArguments) -> Imported:
    ddl = args.take("expected_schema")
    args.default_only("strict", False)
    args.default_only("columns", None)
    if not isinstance(ddl, str):
        raise NotMappable("has_valid_schema maps only with expected_schema as a DDL string ('id INT, name STRING')")
    return {"check": "expected_schema", "arguments": {"columns": parse_ddl(ddl)}}


def _import_sql(args: DqxArguments) -> Imported:
    imported: Imported = {"check": "sql_expression", "arguments": {"expression": args.take("expression")}}
    args.default_only("negate", False)
    columns = args.take("columns", None)
    if columns is not None:
        imported["columns"] = [parse_column(c, function=args.function) for c in columns]
    message = args.take("msg", None)
    if message is not None:
        imported["description"] = message
    name = args.take("name", None)
    if name is not None:
        imported["name"] = name
    return imported


IMPORTERS: Final[Mapping[str, Callable[[DqxArguments], Imported]]] = {
    "is_not_null": lambda args: {"check": "not_null", "column": args.column()},
    "is_not_empty": _import_not_empty,
    "is_not_null_and_not_empty": _import_not_null_not_empty,
    "is_in_list": _import_in_list(allow_null=True),
    "is_not_null_and_is_in_list": _import_in_list(allow_null=False),
    "is_in_range": _import_range((("min_limit", "min"), ("max_limit", "max"))),
    "is_not_less_than": _import_range((("limit", "min"),)),
    "is_not_greater_than": _import_range((("limit", "max"),)),
    "regex_match": _import_regex,
    "is_valid_date": _import_parseable("parseable_date", "date_format"),
    "is_valid_timestamp": _import_parseable("parseable_timestamp", "timestamp_format"),
    "is_not_in_future": _import_not_in_future,
    "is_aggr_not_less_than": _import_aggregate("min"),
    "is_aggr_not_greater_than": _import_aggregate("max"),
    "is_unique": _import_unique,
    "foreign_key": _import_foreign_key,
    "has_valid_schema": _import_schema,
    "sql_expression": _import_sql,
}
"""DQX function -> reader of its arguments into our check; the supported subset."""


def parse_ddl(ddl: str) -> dict[str, str]:
    """``"id INT, price DECIMAL(10,2)"`` -> ``{"id": "INT", "price": "DECIMAL(10,2)"}`` (``name: type`` too).

    Raises:
        NotMappable: A field has no type.
    """
    columns: dict[str, str] = {}
    for field in _split_top_level(ddl):
        quoted = re.match(r"\s*`((?:[^`]|``)+)`\s*:?\s*(.*)", field, re.DOTALL)
        plain = re.match(r"\s*([^\s:`]+)\s*:?\s*(.*)", field, re.DOTALL)
        match = quoted or plain
        name = match.group(1).replace("``", "`") if quoted and match else (match.group(1) if match else "")
        kind = match.group(2).strip() if match else ""
        if not name or not kind:
            raise NotMappable(f"expected_schema field {field.strip()!r} needs a name and a type ('id INT')")
        columns[name] = kind
    return columns


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside ``()``, ``<>`` and backticks (``DECIMAL(10,2)``, ``MAP<STRING,INT>``)."""
    parts, current, depth, quoted = [], "", 0, False
    for char in text:
        if char == "`":
            quoted = not quoted
        elif not quoted and char in "(<":
            depth += 1
        elif not quoted and char in ")>":
            depth -= 1
        elif not quoted and char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current] if current.strip() or parts else []
