"""Correctness rules (DBA2xx): code that runs, and silently computes the wrong rows."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator

from databricks_ai_agents.lint.bindings import Bindings, bindings_of
from databricks_ai_agents.lint.context import FileContext, Hit
from databricks_ai_agents.lint.model import Category, RuleSpec, Severity
from databricks_ai_agents.lint.rule import Rule, rule

_FUNCTIONS_MODULES = ("pyspark.sql.functions.", "pyspark.sql.connect.functions.")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# Where an expression is Python logic, not a Spark expression: functions, comprehensions, `and`/`or`.
_PYTHON_LEVEL = (*_SCOPES, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.BoolOp)
# Methods whose arguments are Column expressions (so `df.x == None` there is a Column, not a bool).
_EXPRESSION_METHODS = frozenset(
    {"filter", "where", "when", "otherwise", "withColumn", "withColumns", "select", "join", "agg", "groupBy",
     "orderBy", "sort", "sortWithinPartitions"}
)  # fmt: skip
_MAX_SNIPPET = 40
_MAX_HOPS = 3  # `query = ...; sql = query; spark.sql(sql)`: a few hops of names is plenty


def _snippet(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= _MAX_SNIPPET else text[: _MAX_SNIPPET - 3] + "..."


def _is_functions_call(ctx: FileContext, node: ast.AST) -> bool:
    qualified = ctx.call_qualified(node) if isinstance(node, ast.Call) else None
    return qualified is not None and qualified.startswith(_FUNCTIONS_MODULES)


def _is_column(ctx: FileContext, node: ast.AST) -> bool:
    """A Column for certain: ``F.col("x")``, any ``pyspark.sql.functions`` call, or a method of one."""
    while isinstance(node, ast.Call):
        if _is_functions_call(ctx, node):
            return True
        if not isinstance(node.func, ast.Attribute):
            return False
        node = node.func.value
    return False


def _is_column_reference(node: ast.AST) -> bool:
    """``df["x"]`` or ``df.x``: a Column when it sits inside a Spark expression."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name | ast.Attribute) and FileContext.string(node.slice) is not None
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id not in {"self", "cls"}
    return False


def _in_spark_expression(ctx: FileContext, node: ast.AST) -> bool:
    """The nearest call around ``node`` (in the same function) takes Column arguments."""
    child = node
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, _PYTHON_LEVEL) or (isinstance(ancestor, ast.IfExp) and child is ancestor.test):
            return False
        if isinstance(ancestor, ast.Call) and child is not ancestor.func:
            return ctx.method(ancestor) in _EXPRESSION_METHODS or _is_functions_call(ctx, ancestor)
        if isinstance(ancestor, ast.stmt):
            return False
        child = ancestor
    return False


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# -- DBA201 -----------------------------------------------------------------------------------------------
_NONE_MESSAGES = {
    ast.Eq: "`{0} == None` is NULL for every row under SQL null semantics, never true; use {0}.isNull()",
    ast.NotEq: "`{0} != None` is NULL for every row under SQL null semantics, never true; use {0}.isNotNull()",
    ast.Is: "`{0} is None` tests the Column object in Python: always False; use {0}.isNull()",
    ast.IsNot: "`{0} is not None` tests the Column object in Python: always True; use {0}.isNotNull()",
}


@rule(
    RuleSpec(
        id="DBA201",
        name="none-comparison",
        severity=Severity.ERROR,
        category=Category.CORRECTNESS,
        summary="A Column compared with None through ==, !=, is or is not",
        rationale=(
            "`F.col('x') == None` becomes the SQL `x = NULL`, which is NULL for every row, so a filter on it "
            "drops every row and a `when` on it never matches. `F.col('x') is None` is worse: Python compares "
            "the Column object itself, so it is always False (`is not None` always True) and Spark never "
            "sees a condition at all. Both run without error and return the wrong rows."
        ),
        fix=(
            "Use `F.col('x').isNull()` / `F.col('x').isNotNull()`; to compare two columns that may be NULL, "
            "use `a.eqNullSafe(b)`."
        ),
        flagged="from pyspark.sql import functions as F\n\nmissing = df.filter(F.col('email') == None)\n",
        clean="from pyspark.sql import functions as F\n\nmissing = df.filter(F.col('email').isNull())\n",
    )
)
def none_comparison(ctx: FileContext) -> Iterator[Hit]:
    """``F.col(..) ==/!=/is/is not None`` anywhere; ``df["x"]``/``df.x`` ones inside Spark expressions."""
    if not ctx.uses_spark:
        return
    for compare in ctx.nodes(ast.Compare):
        operands = [compare.left, *compare.comparators]
        for op, left, right in zip(compare.ops, operands, operands[1:], strict=False):
            message = _NONE_MESSAGES.get(type(op))
            if message is None or _is_none(left) == _is_none(right):
                continue
            column = left if _is_none(right) else right
            if _is_column(ctx, column) or (_is_column_reference(column) and _in_spark_expression(ctx, compare)):
                yield ctx.hit(compare, message.format(_snippet(column)))
                break


# -- DBA202 -----------------------------------------------------------------------------------------------
_UNIONS = frozenset({"union", "unionAll"})
_SET_METHODS = frozenset({"union", "intersection", "difference", "symmetric_difference", "copy"})
_SET_TYPES = frozenset({"set", "frozenset", "Set", "AbstractSet", "MutableSet", "FrozenSet"})
_DATAFRAME_CLASSES = frozenset({"pyspark.sql.DataFrame", "pyspark.sql.dataframe.DataFrame"})


def _is_set_annotation(annotation: ast.expr | None) -> bool:
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    name = FileContext.dotted(annotation) if annotation is not None else None
    return name is not None and name.rsplit(".", 1)[-1] in _SET_TYPES


class _SetNames:
    """Names and ``self.`` attributes of a file that hold sets (assigned a set, or annotated as one)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.bindings = bindings_of(ctx)
        self.attributes: set[str] = set()
        self.annotated: set[tuple[ast.AST | None, str]] = set()
        for argument in ctx.nodes(ast.arg):
            if _is_set_annotation(argument.annotation):
                self.annotated.add((ctx.parent(ctx.parent(argument) or argument), argument.arg))
        for annotated in ctx.nodes(ast.AnnAssign):
            if not _is_set_annotation(annotated.annotation):
                continue
            if isinstance(annotated.target, ast.Name):
                self.annotated.add((ctx.enclosing_function(annotated), annotated.target.id))
                self.attributes.add(annotated.target.id)  # a dataclass / class-body field
            elif isinstance(annotated.target, ast.Attribute):
                self.attributes.add(annotated.target.attr)
        for assign in ctx.nodes(ast.Assign):
            for target in assign.targets:
                if isinstance(target, ast.Attribute) and self.is_set(assign.value, depth=1):
                    self.attributes.add(target.attr)

    def is_set(self, node: ast.AST, depth: int = 0) -> bool:
        """``node`` evaluates to a set (literal, ``set()``, set algebra, or a name holding one)."""
        if depth > _MAX_HOPS:
            return False
        if isinstance(node, ast.Set | ast.SetComp):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                return func.id in {"set", "frozenset"}
            return isinstance(func, ast.Attribute) and func.attr in _SET_METHODS and self.is_set(func.value, depth + 1)
        if isinstance(node, ast.BinOp):
            algebra = isinstance(node.op, ast.BitOr | ast.BitAnd | ast.BitXor | ast.Sub)
            return algebra and (self.is_set(node.left, depth + 1) or self.is_set(node.right, depth + 1))
        return self._holds_set(node, depth)

    def _holds_set(self, node: ast.AST, depth: int) -> bool:
        """A ``self.x`` attribute or a name that was assigned, or annotated as, a set."""
        if isinstance(node, ast.Attribute):
            owner = node.value
            return isinstance(owner, ast.Name) and owner.id in {"self", "cls"} and node.attr in self.attributes
        if not isinstance(node, ast.Name):
            return False
        scope = self.ctx.enclosing_function(node)
        if (scope, node.id) in self.annotated or (None, node.id) in self.annotated:
            return True
        value = self.bindings.value(node)
        return value is not None and self.is_set(value, depth + 1)


def _same_selection(receiver: ast.AST, other: ast.AST) -> bool:
    """``a.select(*cols).union(b.select(*cols))``: both sides pick the same columns in the same order."""
    if not (isinstance(receiver, ast.Call) and isinstance(other, ast.Call)):
        return False
    methods = {FileContext.method(receiver), FileContext.method(other)}
    if methods != {"select"} or not receiver.args:
        return False
    return [ast.dump(a) for a in receiver.args] == [ast.dump(a) for a in other.args]


@rule(
    RuleSpec(
        id="DBA202",
        name="union-by-position",
        severity=Severity.WARNING,
        category=Category.CORRECTNESS,
        summary="DataFrame.union()/unionAll() matches columns by position, not by name",
        rationale=(
            "`union` and `unionAll` pair the columns of the two frames by position and keep the first frame's "
            "names. When one side gains, loses or reorders a column (a schema change upstream, a `select` "
            "written differently), values land in the wrong column - silently when the types happen to be "
            "compatible, like two string columns or an int widened to a double."
        ),
        fix=(
            "Use `a.unionByName(b)`, with `allowMissingColumns=True` when one side may lack columns; or select "
            "the same column list on both sides first."
        ),
        flagged=(
            "from pyspark.sql import DataFrame\n\n\n"
            "def all_orders(current: DataFrame, history: DataFrame) -> DataFrame:\n"
            "    return current.union(history)\n"
        ),
        clean=(
            "from pyspark.sql import DataFrame\n\n\n"
            "def all_orders(current: DataFrame, history: DataFrame) -> DataFrame:\n"
            "    return current.unionByName(history, allowMissingColumns=True)\n"
        ),
    )
)
def union_by_position(ctx: FileContext) -> Iterator[Hit]:
    """``x.union(y)``/``x.unionAll(y)`` in Spark files, unless ``x`` is a set; ``DataFrame.union`` references."""
    if not ctx.uses_spark:
        return
    sets: _SetNames | None = None
    for call in ctx.calls_named(*_UNIONS):
        if not isinstance(call.func, ast.Attribute) or call.func.attr not in _UNIONS:
            continue
        if len(call.args) != 1 or call.keywords:
            continue  # DataFrame.union takes exactly one frame; set.union takes any number
        method, receiver, other = call.func.attr, call.func.value, call.args[0]
        if isinstance(receiver, ast.Call) and ctx.method(receiver) in _UNIONS:
            continue  # a.union(b).union(c): reported once, on the first union of the chain
        if isinstance(receiver, ast.Constant | ast.List | ast.Tuple | ast.Dict) or _same_selection(receiver, other):
            continue
        if isinstance(receiver, ast.Attribute) and receiver.attr in {"columns", "index"}:
            continue  # pandas Index.union
        if isinstance(receiver, ast.Name) and receiver.id in {"self", "cls"}:
            continue  # a class's own union(): an Index, a set-like, or DataFrame itself
        sets = sets or _SetNames(ctx)
        if sets.is_set(receiver) or sets.is_set(other):
            continue
        yield ctx.hit(call, f"{method}() matches columns by position, not by name; use unionByName()")
    for attribute in ctx.nodes(ast.Attribute):
        if attribute.attr in _UNIONS and ctx.qualified(attribute.value) in _DATAFRAME_CLASSES:
            parent = ctx.parent(attribute)
            if not (isinstance(parent, ast.Call) and parent.func is attribute):
                yield ctx.hit(attribute, f"DataFrame.{attribute.attr} matches columns by position; use unionByName")


# -- DBA203 -----------------------------------------------------------------------------------------------
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_IDENTIFIER = 64  # longer strings are messages or SQL, not column names
_KEY_SUFFIXES = ("id", "key", "sk", "pk", "code", "no", "nr", "num", "number", "uuid", "guid", "hash")
_NON_KEY_WORDS = frozenset(
    {"name", "names", "firstname", "lastname", "fullname", "surname", "description", "desc", "title", "label",
     "email", "mail", "phone", "address", "street", "city", "comment", "comments", "note", "notes", "text",
     "status", "amount", "price", "total", "value", "quantity", "qty", "date", "datetime", "timestamp", "ts",
     "time", "at", "created", "updated", "modified"}
)  # fmt: skip
_FRAME_PREFIXES = ("dim_", "fact_", "fct_", "stg_", "raw_", "src_", "df_", "tbl_")
_FRAME_SUFFIXES = ("_df", "_sdf", "_dim", "_table", "_tbl", "_raw", "_data", "_lookup")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name.strip("`")).lower()


def _is_non_key(column: str) -> bool:
    return _snake(column).rsplit("_", 1)[-1] in _NON_KEY_WORDS


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ses", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _stem(name: str) -> str:
    name = _snake(name)
    for prefix in _FRAME_PREFIXES:
        name = name.removeprefix(prefix)
    for suffix in _FRAME_SUFFIXES:
        name = name.removesuffix(suffix)
    return _singular(name)


def _frame_name(ctx: FileContext, node: ast.AST) -> str | None:
    """``customers`` for ``customers``, ``customers.alias("c")``, ``self.customers``, ``spark.table("s.customers")``."""
    while True:
        if isinstance(node, ast.Call):
            table = ctx.string(ctx.argument(node, 0, "tableName")) if ctx.method(node) == "table" else None
            if table:
                return table.rsplit(".", 1)[-1]
            node = node.func
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
                return node.attr
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) and node.id not in {"spark", "F", "sf"} else None


def _reference_name(ctx: FileContext, node: ast.AST) -> str | None:
    """The column name of ``a.x``, ``a["x"]`` or ``F.col("a.x")``."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    if isinstance(node, ast.Subscript):
        return ctx.string(node.slice)
    if isinstance(node, ast.Call) and ctx.call_qualified(node) in {
        f"{module}{name}" for module in _FUNCTIONS_MODULES for name in ("col", "column")
    }:
        text = ctx.string(ctx.argument(node, 0, "col"))
        return text.rsplit(".", 1)[-1] if text else None
    return None


def _join_columns(ctx: FileContext, on: ast.AST) -> list[str] | None:
    """The column names a join condition compares, None when it is anything but plain equalities."""
    text = ctx.string(on)
    if text is not None:
        return [text]
    if isinstance(on, ast.List | ast.Tuple):
        columns = [_join_columns(ctx, element) for element in on.elts]
        return None if any(c is None for c in columns) else [name for c in columns for name in c or ()]
    if isinstance(on, ast.BinOp) and isinstance(on.op, ast.BitAnd):
        left, right = _join_columns(ctx, on.left), _join_columns(ctx, on.right)
        return None if left is None or right is None else left + right
    if isinstance(on, ast.Compare) and len(on.ops) == 1 and isinstance(on.ops[0], ast.Eq):
        names = [_reference_name(ctx, on.left), _reference_name(ctx, on.comparators[0])]
        return None if None in names else [n for n in names if n]
    return None


def _file_identifiers(ctx: FileContext) -> set[str]:
    names = {_snake(n.attr) for n in ctx.nodes(ast.Attribute)}
    for constant in ctx.nodes(ast.Constant):
        if isinstance(constant.value, str) and len(constant.value) <= _MAX_IDENTIFIER:
            last = constant.value.rsplit(".", 1)[-1]
            if _IDENTIFIER.match(last):
                names.add(_snake(last))
    return names


def _evident_key(stems: list[str], identifiers: set[str]) -> str | None:
    for stem in stems:
        for suffix in _KEY_SUFFIXES:
            for candidate in (f"{stem}_{suffix}", f"{stem}{suffix}"):
                if candidate in identifiers:
                    return candidate
    return None


@rule(
    RuleSpec(
        id="DBA203",
        name="join-on-non-key",
        severity=Severity.WARNING,
        category=Category.CORRECTNESS,
        summary="A join on descriptive columns (name, email, date...) while the frame's key is in the file",
        rationale=(
            "Names, e-mails, descriptions, dates, amounts and statuses are not unique and change over time: a "
            "join on them multiplies rows when two customers share a name and drops rows when a name is "
            "spelled differently, and neither fails. The rule is a heuristic and fires only when it is fairly "
            "sure: every join column ends in such a descriptive word (`name`, `email`, `date`...; never `id`, "
            "`*_id`, `*_key`, `*_sk`, `*_code`, `*_no`...) and a key for the joined frame appears elsewhere in "
            "the same file (`customer_id` when joining `customers`, or when joining on `customer_name`)."
        ),
        fix="Join on the key (`orders.join(customers, 'customer_id')`); if the key is missing, add it upstream.",
        flagged=(
            "orders = spark.table('orders').select('order_id', 'customer_id', 'customer_name')\n"
            "enriched = orders.join(customers, on='customer_name', how='left')\n"
        ),
        clean=(
            "orders = spark.table('orders').select('order_id', 'customer_id', 'customer_name')\n"
            "enriched = orders.join(customers, on='customer_id', how='left')\n"
        ),
    )
)
def join_on_non_key(ctx: FileContext) -> Iterator[Hit]:
    """``a.join(b, on)`` where every ``on`` column is descriptive and a key for ``b`` (or the column) is in the file."""
    if not ctx.uses_spark:
        return
    identifiers: set[str] | None = None
    for call in ctx.calls_named("join"):
        if not isinstance(call.func, ast.Attribute) or call.func.attr != "join":
            continue
        other, on = ctx.argument(call, 0, "other"), ctx.argument(call, 1, "on")
        if other is None or on is None or isinstance(call.func.value, ast.Constant):
            continue  # ", ".join(parts) has no `on`; os.path.join(a, b) has no string-list `on` of columns
        columns = _join_columns(ctx, on)
        if not columns or not all(_is_non_key(c) for c in columns):
            continue
        # The joined frame's key: `customer_id` for `customer_name` or for a frame called `customers`.
        stems = [_snake(c).rsplit("_", 1)[0] for c in columns if "_" in _snake(c)]
        frame = _frame_name(ctx, other)
        stems += [_stem(frame)] if frame else []
        identifiers = identifiers if identifiers is not None else _file_identifiers(ctx)
        key = _evident_key([s for s in stems if s], identifiers)
        if key is not None:
            shown = ", ".join(dict.fromkeys(columns))
            yield ctx.hit(call, f"join on `{shown}` (not unique) while `{key}` is in this file; join on the key")


# -- DBA204 -----------------------------------------------------------------------------------------------
_NONDETERMINISTIC = frozenset(
    {"rand", "randn", "random", "uuid", "shuffle", "now", "current_timestamp", "current_date", "localtimestamp",
     "monotonically_increasing_id", "curdate", "unix_timestamp"}
)  # fmt: skip
_NONDETERMINISTIC_SQL = re.compile(
    r"(?<![\w.`])(rand|randn|random|uuid|shuffle|now|current_timestamp|current_date|localtimestamp"
    r"|monotonically_increasing_id|curdate)\s*\(|(?<![\w.`])(unix_timestamp)\s*\(\s*\)"
    r"|(?<![\w.`])(current_timestamp|current_date)\b(?!\s*\()",
    re.IGNORECASE,
)
_MERGE_INTO = re.compile(r"\bMERGE\s+INTO\b", re.IGNORECASE)
_MERGE_TOKENS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[()]|\b(?:USING|ON|WHEN)\b", re.IGNORECASE)
_DELTA_BUILDERS = frozenset({"forName", "forPath", "alias", "convertToDelta"})


def _literal_text(ctx: FileContext, node: ast.AST | None, bindings: Bindings) -> str | None:
    """The text of a string constant or f-string (interpolations as ``?``), through one name binding."""
    if isinstance(node, ast.Name):
        node = bindings.value(node)
    if isinstance(node, ast.JoinedStr):
        return "".join(ctx.string(v) or "?" for v in node.values)
    return ctx.string(node)


def _merge_on_clause(sql: str) -> str | None:
    """The ``ON`` condition of a ``MERGE INTO`` statement (at parenthesis depth 0, after ``USING``)."""
    start = _MERGE_INTO.search(sql)
    if start is None:
        return None
    depth, seen_using, begin = 0, False, -1
    for token in _MERGE_TOKENS.finditer(sql, start.end()):
        word = token.group().upper()
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
        elif depth == 0 and word == "USING":
            seen_using = True
        elif depth == 0 and word == "ON" and seen_using and begin < 0:
            begin = token.end()
        elif depth == 0 and word == "WHEN" and begin >= 0:
            return sql[begin : token.start()]
    return sql[begin:] if begin >= 0 else None


def _nondeterministic_in(ctx: FileContext, node: ast.AST, bindings: Bindings) -> str | None:
    """The name of a nondeterministic function in a condition (SQL text or Column expression)."""
    if isinstance(node, ast.Name):
        node = bindings.value(node) or node
    text = _literal_text(ctx, node, bindings)
    if text is not None:
        match = _NONDETERMINISTIC_SQL.search(text)
        return next(g for g in match.groups() if g).lower() if match else None
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and _is_functions_call(ctx, child):
            name = (ctx.call_qualified(child) or "").rsplit(".", 1)[-1]
            if name in _NONDETERMINISTIC and not (name == "unix_timestamp" and child.args):
                return name  # unix_timestamp(col) converts a column; unix_timestamp() is the current time
        text = ctx.string(child)
        if text is not None and (match := _NONDETERMINISTIC_SQL.search(text)):
            return next(g for g in match.groups() if g).lower()
    return None


@rule(
    RuleSpec(
        id="DBA204",
        name="nondeterministic-merge-key",
        severity=Severity.ERROR,
        category=Category.CORRECTNESS,
        summary="A MERGE condition uses rand(), uuid(), current_timestamp() or another nondeterministic function",
        rationale=(
            "The MERGE condition decides which target row each source row updates. With `rand()`, `uuid()` or "
            "`monotonically_increasing_id()` in it, the match can change even between Spark's retries of a "
            "task; with the current date or time, it changes from one run to the next. A re-run (a retried "
            "job, a backfill) then inserts duplicates instead of updating, or updates the wrong rows: the "
            "merge is no longer idempotent."
        ),
        fix=(
            "Match on stable business keys only (`t.order_id = s.order_id`); compute any generated id or load "
            "timestamp once in the source frame, outside the condition."
        ),
        flagged=(
            "from delta.tables import DeltaTable\n\n"
            "target = DeltaTable.forName(spark, table)\n"
            "target.alias('t').merge(updates.alias('s'), 't.id = s.id AND t.load_date = current_date()')\n"
        ),
        clean=(
            "from delta.tables import DeltaTable\n\n"
            "target = DeltaTable.forName(spark, table)\n"
            "target.alias('t').merge(updates.alias('s'), 't.id = s.id AND t.load_date = s.load_date')\n"
        ),
    )
)
def nondeterministic_merge_key(ctx: FileContext) -> Iterator[Hit]:
    """Delta ``.merge(source, condition)`` and ``MERGE INTO ... ON`` in ``.sql()`` with a nondeterministic call."""
    if not ctx.uses_spark:
        return
    bindings: Bindings | None = None
    uses_delta = any(name.split(".")[0] == "delta" for name in ctx.imports.values())
    for call in ctx.nodes(ast.Call):
        method = ctx.method(call)
        if method == "merge":
            condition = ctx.argument(call, 1, "condition")
            if condition is None or not (uses_delta or set(ctx.chain_methods(call)) & _DELTA_BUILDERS):
                continue
            bindings = bindings or bindings_of(ctx)
            found = _nondeterministic_in(ctx, condition, bindings)
            if found:
                yield ctx.hit(condition, f"MERGE condition calls {found}(): re-runs match different rows")
        elif method == "sql":
            query = ctx.argument(call, 0, "sqlQuery")
            bindings = bindings or bindings_of(ctx)
            text = _literal_text(ctx, query, bindings)
            on_clause = _merge_on_clause(text) if text else None
            match = _NONDETERMINISTIC_SQL.search(on_clause) if on_clause else None
            if match and query is not None:
                found = next(g for g in match.groups() if g).lower()
                yield ctx.hit(query, f"MERGE INTO ... ON calls {found}(): re-runs match different rows")


# -- DBA205 -----------------------------------------------------------------------------------------------
_Piece = str | ast.expr
_HOLE = "\x00"
_NUMERIC_SPEC = re.compile(r"[dfFeEgGn%xXob]$")
_PERCENT_FIELD = re.compile(r"%(?:\((?P<name>\w+)\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<kind>[diouxXeEfFgGcrsa%])")
_VALUE_CONTEXT = re.compile(
    r"(?:=|<>|!=|(?<!ARRAY)(?<!MAP)(?<!STRUCT)<|>|\bLIKE|\bILIKE|\bRLIKE|\bBETWEEN"
    r"|\b(?:IN|VALUES)\s*\((?:[^()]*,)?)\s*$",
    re.IGNORECASE,
)
# String literals that parameter markers cannot replace: paths, comments, table options, time travel.
_NOT_A_VALUE_LITERAL = re.compile(r"\b(?:LOCATION|COMMENT|IS|FROM|OF)\s*$", re.IGNORECASE)
_PROPERTIES = re.compile(
    r"\b(?:TBLPROPERTIES|OPTIONS|SERDEPROPERTIES|FORMAT_OPTIONS|COPY_OPTIONS)\s*\([^()]*$", re.IGNORECASE
)
_SET_STATEMENT = re.compile(r"^\s*(?:SET|RESET)\b", re.IGNORECASE)
_SANITISERS = ("int", "float", "bool", "len", "round", "abs")
_SANITISER_WORDS = ("quote", "escape", "literal")
_HOW = {ast.JoinedStr: "an f-string", ast.Call: "str.format()"}


def _is_safe_hole(node: ast.expr, bindings: Bindings) -> bool:
    """Values that cannot carry SQL: constants, UPPER_CASE constants, int()/float() results, quoting helpers."""
    if isinstance(node, ast.Name) and not node.id.isupper():
        bound = bindings.value(node)  # `literal = quote(value)` one line up
        return isinstance(bound, ast.Constant | ast.Call) and _is_safe_hole(bound, bindings)
    if isinstance(node, ast.Name | ast.Attribute):
        return (node.id if isinstance(node, ast.Name) else node.attr).isupper()
    if isinstance(node, ast.Call):
        last = (FileContext.dotted(node.func) or "").rsplit(".", 1)[-1].lower()
        return last in _SANITISERS or any(word in last for word in _SANITISER_WORDS)
    return isinstance(node, ast.Constant)


def _format_pieces(template: str, call: ast.Call) -> list[_Piece] | None:
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    pieces: list[_Piece] = []
    auto = 0
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    for literal, name, spec, _ in fields:
        pieces.append(literal)
        if name is None:
            continue
        head = re.split(r"[.\[]", name, maxsplit=1)[0]
        if head == "":
            head, auto = str(auto), auto + 1
        value: ast.expr | None = keywords.get(head)
        if head.isdigit() and int(head) < len(call.args):
            value = call.args[int(head)]
        if spec and _NUMERIC_SPEC.search(spec):
            value = ast.Constant(0)
        pieces.append(value if value is not None else ast.Name(id=head))
    return pieces


def _percent_pieces(template: str, values: ast.expr) -> list[_Piece]:
    items = values.elts if isinstance(values, ast.Tuple) else [values]
    named: dict[object, ast.expr] = {}
    if isinstance(values, ast.Dict):
        named = {k.value: v for k, v in zip(values.keys, values.values, strict=True) if isinstance(k, ast.Constant)}
    pieces: list[_Piece] = []
    position, index = 0, 0
    for match in _PERCENT_FIELD.finditer(template):
        pieces.append(template[position : match.start()])
        position = match.end()
        if match["kind"] == "%":
            pieces.append("%")
            continue
        if match["name"]:
            value: ast.expr = named.get(match["name"], ast.Name(id=match["name"]))
        else:
            value = items[index] if index < len(items) else ast.Name(id="value")
            index += 1
        pieces.append(ast.Constant(0) if match["kind"] in "diouxXeEfFgG" else value)
    pieces.append(template[position:])
    return pieces


def _query_pieces(ctx: FileContext, node: ast.AST | None, bindings: Bindings, depth: int = 0) -> list[_Piece] | None:
    """The query as literal text and interpolated expressions, None when it is not built from a string."""
    if node is None or depth > _MAX_HOPS:
        return None
    if isinstance(node, ast.Name):
        return _query_pieces(ctx, bindings.value(node), bindings, depth + 1)
    text = ctx.string(node)
    if text is not None:
        return [text]
    if isinstance(node, ast.JoinedStr):
        return _fstring_pieces(ctx, node)
    if isinstance(node, ast.BinOp):
        return _operator_pieces(ctx, node, bindings, depth)
    return _format_call_pieces(ctx, node) if isinstance(node, ast.Call) else None


def _fstring_pieces(ctx: FileContext, node: ast.JoinedStr) -> list[_Piece]:
    pieces: list[_Piece] = []
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            spec = value.format_spec  # `{x:d}` is a number; `{x:}` has an empty spec
            last = spec.values[-1] if isinstance(spec, ast.JoinedStr) and spec.values else None
            numeric = _NUMERIC_SPEC.search(ctx.string(last) or "")
            pieces.append(ast.Constant(0) if numeric else value.value)
        else:
            pieces.append(ctx.string(value) or "")
    return pieces


def _operator_pieces(ctx: FileContext, node: ast.BinOp, bindings: Bindings, depth: int) -> list[_Piece] | None:
    """``"..." + x`` and ``"..." % x``."""
    if isinstance(node.op, ast.Mod):
        template = ctx.string(node.left)
        return _percent_pieces(template, node.right) if template is not None else None
    if not isinstance(node.op, ast.Add):
        return None
    left = _query_pieces(ctx, node.left, bindings, depth)
    right = _query_pieces(ctx, node.right, bindings, depth)
    if left is None and right is None:
        return None
    pieces: list[_Piece] = []
    pieces += left if left is not None else [node.left]
    pieces += right if right is not None else [node.right]
    return pieces


def _format_call_pieces(ctx: FileContext, call: ast.Call) -> list[_Piece] | None:
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "format"):
        return None
    template = ctx.string(call.func.value)
    return _format_pieces(template, call) if template is not None else None


def _quote_state(text: str) -> tuple[str, int]:
    """The quote open at the end of ``text`` ('', "'", '"' or '`') and where it opened."""
    quote, opened, index = "", -1, 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote != "`":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote, opened = char, index
        index += 1
    return quote, opened


def _injected_value(pieces: list[_Piece], bindings: Bindings) -> ast.expr | None:
    """The first interpolated expression that lands in a SQL value position (a string literal, ``= x``...)."""
    before = ""
    for piece in pieces:
        if isinstance(piece, str):
            before += piece
            continue
        quote, opened = _quote_state(before)
        if quote in {"'", '"'}:
            risky = not _NOT_A_VALUE_LITERAL.search(before[:opened])
        else:
            risky = not quote and bool(_VALUE_CONTEXT.search(before))
        if _PROPERTIES.search(before) or _SET_STATEMENT.match(before):
            risky = False
        if risky and not _is_safe_hole(piece, bindings):
            return piece
        before += _HOLE
    return None


@rule(
    RuleSpec(
        id="DBA205",
        name="sql-injection",
        severity=Severity.ERROR,
        category=Category.CORRECTNESS,
        summary="spark.sql() with a value formatted into the query text",
        rationale=(
            "A value put into SQL text with an f-string, `str.format`, `%` or `+` becomes SQL: a quote in a "
            "customer name breaks the query, and a crafted job parameter or widget value can read or drop "
            "other tables with the job's permissions. Parameter markers send the value separately, so it is "
            "always data. The rule looks at values only (inside quotes, after `=`, `<`, `LIKE`, `IN (`...): "
            "interpolated table and column names, paths in LOCATION and table properties are left alone."
        ),
        fix=(
            'Pass values as parameter markers: `spark.sql("SELECT * FROM t WHERE id = :id", args={"id": v})` '
            "(Spark 3.4+, Databricks Runtime 12.1+); for a table name use `IDENTIFIER(:table)`."
        ),
        flagged="rows = spark.sql(f\"SELECT * FROM sales WHERE region = '{region}'\")\n",
        clean='rows = spark.sql("SELECT * FROM sales WHERE region = :region", args={"region": region})\n',
    )
)
def sql_injection(ctx: FileContext) -> Iterator[Hit]:
    """``<x>.sql(query)`` where ``query`` formats a non-constant value into a value position."""
    if not ctx.uses_spark:
        return
    bindings: Bindings | None = None
    for call in ctx.calls_named("sql"):
        if ctx.method(call) != "sql":
            continue
        query = ctx.argument(call, 0, "sqlQuery")
        bindings = bindings or bindings_of(ctx)
        pieces = _query_pieces(ctx, query, bindings)
        if query is None or pieces is None or all(isinstance(p, str) for p in pieces):
            continue
        value = _injected_value(pieces, bindings)
        if value is not None:
            built = query if not isinstance(query, ast.Name) else bindings.value(query)
            how = _HOW.get(type(built), "string formatting")
            if isinstance(built, ast.BinOp):
                how = "`+`" if isinstance(built.op, ast.Add) else "`%` formatting"
            yield ctx.hit(query, f"{how} puts `{_snippet(value)}` into SQL text as a value; use a parameter marker")


# -- DBA206 -----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA206",
        name="self-comparing-join",
        severity=Severity.ERROR,
        category=Category.CORRECTNESS,
        summary="A join condition compares a column with itself (`a.id == a.id`)",
        rationale=(
            "`orders.join(customers, orders.customer_id == orders.customer_id)` compares one frame's column with "
            "itself: the condition is true for every row with a non-NULL key and never looks at the other "
            "frame, so the join turns into a cartesian product (or, with `F.col('x') == F.col('x')`, fails as "
            "ambiguous). It is almost always a typo for the other frame's column."
        ),
        fix="Compare with the joined frame's column: `orders.customer_id == customers.customer_id`.",
        flagged=(
            "orders, customers = spark.table('orders'), spark.table('customers')\n"
            "enriched = orders.join(customers, orders.customer_id == orders.customer_id)\n"
        ),
        clean=(
            "orders, customers = spark.table('orders'), spark.table('customers')\n"
            "enriched = orders.join(customers, orders.customer_id == customers.customer_id)\n"
        ),
    )
)
def self_comparing_join(ctx: FileContext) -> Iterator[Hit]:
    """``a.join(b, a.x == a.x)`` (any column reference equal on both sides), except self-joins ``a.join(a, ...)``."""
    if not ctx.uses_spark:
        return
    for call in ctx.calls_named("join"):
        if not isinstance(call.func, ast.Attribute) or call.func.attr != "join":
            continue
        other, on = ctx.argument(call, 0, "other"), ctx.argument(call, 1, "on")
        if other is None or on is None or isinstance(on, ast.Constant | ast.List | ast.Tuple):
            continue
        if ast.dump(other) == ast.dump(call.func.value):
            continue  # df.join(df, df.x == df.x): Spark resolves a self-join's trivially true condition
        for compare in ast.walk(on):
            if not (isinstance(compare, ast.Compare) and len(compare.ops) == 1 and isinstance(compare.ops[0], ast.Eq)):
                continue
            left, right = compare.left, compare.comparators[0]
            if _reference_name(ctx, left) is not None and ast.dump(left) == ast.dump(right):
                yield ctx.hit(compare, f"join condition compares `{_snippet(left)}` with itself")


RULES: tuple[Rule, ...] = (
    none_comparison,
    union_by_position,
    join_on_non_key,
    nondeterministic_merge_key,
    sql_injection,
    self_comparing_join,
)
