"""Performance rules (DBA1xx): work Spark did not need to do, or did on one machine."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from databricks_ai_agents.lint.context import FileContext, Hit
from databricks_ai_agents.lint.model import Category, RuleSpec, Severity
from databricks_ai_agents.lint.rule import Rule, rule

_EMPTINESS_BOUNDS = {(ast.Eq, 0), (ast.NotEq, 0), (ast.Gt, 0), (ast.GtE, 1), (ast.Lt, 1), (ast.LtE, 0)}

# Import roots whose objects may be Spark frames; any other imported root (gc, polars, streamlit...) is foreign.
_SPARK_ROOTS = frozenset({"pyspark", "delta", "dlt", "databricks_utils", "databricks"})
# Names along a chain that only a Spark DataFrame (or its session/reader) has: camelCase PySpark API.
_FRAME_MARKERS = frozenset(
    {"read", "readStream", "sparkSession", "spark", "createDataFrame", "select", "selectExpr", "withColumn",
     "withColumns", "withColumnRenamed", "withColumnsRenamed", "groupBy", "crossJoin", "unionByName",
     "dropDuplicates", "orderBy", "toDF", "repartition", "sortWithinPartitions"}
)  # fmt: skip
_GROUPING = frozenset({"groupBy", "groupby", "rollup", "cube", "groupingSets", "pivot"})
_GROUPED_RESULTS = frozenset({"agg", "count", "sum", "avg", "mean", "min", "max", "applyInPandas", "apply"})
_MULTIPLYING = frozenset({"join", "crossJoin", "union", "unionAll", "unionByName"})
_WRITES = frozenset({"write", "writeStream", "writeTo"})
# pyspark.sql.functions aggregates: a select of only these is a global aggregate (one row).
_AGGREGATES = frozenset(
    {"count", "countDistinct", "count_distinct", "approx_count_distinct", "approxCountDistinct", "sum",
     "sum_distinct", "sumDistinct", "avg", "mean", "min", "max", "first", "last", "collect_list", "collect_set",
     "array_agg", "stddev", "stddev_samp", "stddev_pop", "std", "variance", "var_samp", "var_pop", "median",
     "mode", "percentile", "percentile_approx", "min_by", "max_by", "any_value", "bool_and", "bool_or",
     "every", "some", "count_if", "kurtosis", "skewness", "corr", "covar_pop", "covar_samp", "product",
     "count_min_sketch", "hll_sketch_agg"}
)  # fmt: skip
_SQL_BOUNDED = re.compile(r"\blimit\s+\d+\s*;?\s*$|^\s*(?:show|describe|desc|explain)\b", re.IGNORECASE)
_SQL_GLOBAL_AGGREGATE = re.compile(r"^\s*select\s+(?:count|max|min|sum|avg)\s*\(", re.IGNORECASE)
_SQL_GROUP_BY = re.compile(r"\bgroup\s+by\b", re.IGNORECASE)
_FUNCTIONS_MODULE = "pyspark.sql.functions"
# Other frame libraries with Spark-like method names (collect, persist, repartition, join, sort).
_OTHER_FRAMES = frozenset({"polars", "dask", "ibis", "modin"})
# Calls that leave Spark: what follows them is pandas, Python rows or numbers.
_LEAVES_SPARK = frozenset(
    {"toPandas", "pandas_api", "to_pandas_on_spark", "collect", "toLocalIterator", "take", "head", "first", "tail",
     "count", "rdd", "toJSON"}
)  # fmt: skip
_MAX_DEPTH = 2  # how many assignments deep a name is followed
_LITERALS = (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
             ast.Constant, ast.JoinedStr)  # fmt: skip

Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None


class _Index:
    """Per-file facts several rules share (assignments, loads, functions), built on first use."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.udfs: list[_Udf] | None = None  # DBA104 and DBA105 share one search

    @cached_property
    def assigned(self) -> dict[tuple[Scope, str], list[tuple[int, ast.expr]]]:
        found: dict[tuple[Scope, str], list[tuple[int, ast.expr]]] = defaultdict(list)
        ctx = self.ctx
        pairs: list[tuple[ast.AST, ast.expr, ast.expr]] = []
        for assign in ctx.nodes(ast.Assign):
            pairs.extend((assign, target, assign.value) for target in assign.targets)
        for ann in ctx.nodes(ast.AnnAssign):
            if ann.value is not None:
                pairs.append((ann, ann.target, ann.value))
        for walrus in ctx.nodes(ast.NamedExpr):
            pairs.append((walrus, walrus.target, walrus.value))
        for node, target, value in pairs:
            name = ctx.dotted(target)
            if name is not None:
                found[(ctx.enclosing_function(node), name)].append((getattr(node, "lineno", 0), value))
        return found

    @cached_property
    def loads(self) -> dict[str, list[ast.Name]]:
        found: dict[str, list[ast.Name]] = defaultdict(list)
        for name in self.ctx.nodes(ast.Name):
            if isinstance(name.ctx, ast.Load):
                found[name.id].append(name)
        return found

    @cached_property
    def functions(self) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for node in self.ctx.functions():
            found[node.name] = node
        return found

    @cached_property
    def star_functions(self) -> bool:
        """``from pyspark.sql.functions import *``: bare ``udf`` is PySpark's."""
        return any(
            node.module == _FUNCTIONS_MODULE and any(alias.name == "*" for alias in node.names)
            for node in self.ctx.nodes(ast.ImportFrom)
        )

    def values(self, name: ast.Name | str, scope: Scope) -> list[tuple[int, ast.expr]]:
        """What ``name`` is assigned in ``scope``, else at module level."""
        key = name if isinstance(name, str) else name.id
        return self.assigned.get((scope, key)) or self.assigned.get((None, key), [])


def _index(ctx: FileContext) -> _Index:
    return ctx.memo("performance.index", _Index)


# -- chains ----------------------------------------------------------------------------------------------
def _chain_names(node: ast.AST) -> tuple[list[str], ast.AST]:
    """Attribute and method names along a chain, innermost first, and the chain's root expression."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return list(reversed(names)), node


def _following(ctx: FileContext, node: ast.AST) -> tuple[list[str], ast.AST]:
    """The attribute and method names applied to ``node`` further out in its chain, and the outermost node."""
    names: list[str] = []
    current = node
    while True:
        parent = ctx.parent(current)
        if isinstance(parent, ast.Attribute) and parent.value is current:
            names.append(parent.attr)
            grand = ctx.parent(parent)
            current = grand if isinstance(grand, ast.Call) and grand.func is parent else parent
        elif isinstance(parent, ast.Subscript) and parent.value is current:
            current = parent
        else:
            return names, current


def _is_import(ctx: FileContext, node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ctx.imports


def _foreign(ctx: FileContext, node: ast.AST) -> bool:
    """The chain starts at an imported name that is not Spark's (``gc``, ``pl``, ``st``, ``functools``...)."""
    _, root = _chain_names(node)
    if not isinstance(root, ast.Name) or root.id not in ctx.imports:
        return False
    return ctx.imports[root.id].split(".")[0] not in _SPARK_ROOTS


def _imports_any(ctx: FileContext, roots: frozenset[str]) -> bool:
    return any(name.split(".")[0] in roots for name in ctx.imports.values())


def _method_hit(call: ast.Call, message: str) -> Hit:
    """A hit on ``.method(...)`` of a chain rather than on the chain's first line."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.end_lineno is None or func.end_col_offset is None:
        return FileContext.hit(call, message)
    column = func.end_col_offset - len(func.attr) + 1
    end_line = call.end_lineno or func.end_lineno
    end_column = (call.end_col_offset or func.end_col_offset) + 1
    return Hit(func.end_lineno, column, end_line, end_column, message)


def _receiver(call: ast.Call) -> ast.expr | None:
    return call.func.value if isinstance(call.func, ast.Attribute) else None


def _is_int(node: ast.AST | None, value: int) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == value


def _literal_text(node: ast.AST | None) -> str | None:
    """A string constant's text, or an f-string's with ``0`` for each placeholder."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "0"
            for part in node.values
        )
    return None


def _assigned_name(ctx: FileContext, outer: ast.AST) -> ast.Assign | None:
    """The ``name = <outer>`` statement when ``outer`` is the whole value of a one-name assignment."""
    parent = ctx.parent(outer)
    if (
        isinstance(parent, ast.Assign)
        and parent.value is outer
        and len(parent.targets) == 1
        and isinstance(parent.targets[0], ast.Name)
    ):
        return parent
    return None


def _later_uses(ctx: FileContext, outer: ast.AST) -> Iterator[list[str]]:
    """For ``name = <outer>``: what each later use of ``name`` in the same scope applies to it, until rebound."""
    assign = _assigned_name(ctx, outer)
    if assign is None:
        return
    target = assign.targets[0]
    assert isinstance(target, ast.Name)  # noqa: S101 - _assigned_name checked it
    index = _index(ctx)
    scope = ctx.enclosing_function(assign)
    after = assign.end_lineno or assign.lineno
    rebound = min(
        (line for line, _ in index.assigned.get((scope, target.id), []) if line > after),
        default=None,
    )
    for use in index.loads.get(target.id, []):
        if use.lineno <= after or (rebound is not None and use.lineno > rebound):
            continue
        if ctx.enclosing_function(use) is scope:
            yield _following(ctx, use)[0]


# -- what a frame is -------------------------------------------------------------------------------------
def _annotated_frame(ctx: FileContext, name: ast.Name) -> bool:
    function = ctx.enclosing_function(name)
    if function is None or isinstance(function, ast.Lambda):
        return False
    arguments = function.args
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if argument.arg == name.id and argument.annotation is not None:
            text = ast.unparse(argument.annotation)
            return "DataFrame" in text and not any(other in text for other in ("pd.", "pandas", "pl.", "polars"))
    return False


def _frame_like(ctx: FileContext, node: ast.AST, depth: int = 0) -> bool:
    """Positively a Spark DataFrame: built by the session or a reader, or by a Spark-only method."""
    if isinstance(node, ast.Name):
        if node.id == "spark" or _annotated_frame(ctx, node):
            return True
        if depth > _MAX_DEPTH or node.id in ctx.imports:
            return False
        scope = ctx.enclosing_function(node)
        return any(_frame_like(ctx, value, depth + 1) for _, value in _index(ctx).values(node, scope))
    names, root = _chain_names(node)
    if not names or _foreign(ctx, node) or _LEAVES_SPARK.intersection(names):
        return False
    if _FRAME_MARKERS.intersection(names):
        return True
    return isinstance(root, ast.Name) and _frame_like(ctx, root, depth + 1)


def _maybe_other_frame(ctx: FileContext, node: ast.AST, libraries: frozenset[str] = _OTHER_FRAMES) -> bool:
    """The file also uses polars/dask/...: only a frame that is positively Spark's counts."""
    return _imports_any(ctx, libraries) and not _frame_like(ctx, node)


def _not_a_frame(ctx: FileContext, node: ast.AST, depth: int = 0) -> bool:
    """Obviously not a DataFrame: a literal, a comprehension, or a name only ever bound to those."""
    if isinstance(node, _LITERALS):
        return True
    if isinstance(node, ast.Name) and depth < _MAX_DEPTH:
        values = _index(ctx).values(node, ctx.enclosing_function(node))
        return bool(values) and all(_not_a_frame(ctx, value, depth + 1) for _, value in values)
    return False


def _is_aggregate(ctx: FileContext, node: ast.AST) -> bool:
    """A column expression that aggregates the whole frame (``F.max("x").alias("m")``, ``F.sum(a) / F.count(b)``)."""
    if isinstance(node, ast.Call):
        method = ctx.method(node)
        if method in {"alias", "cast", "astype", "name"} and isinstance(node.func, ast.Attribute):
            return _is_aggregate(ctx, node.func.value)
        qualified = ctx.call_qualified(node) or ""
        module, _, function = qualified.rpartition(".")
        return module == _FUNCTIONS_MODULE and function in _AGGREGATES
    if isinstance(node, ast.BinOp):
        sides = (node.left, node.right)
        return any(_is_aggregate(ctx, side) for side in sides) and all(
            _is_aggregate(ctx, side) or isinstance(side, ast.Constant) for side in sides
        )
    return False


def _ends_grouped(ctx: FileContext, node: ast.AST) -> bool:
    methods = ctx.chain_methods(node)
    return bool(methods) and methods[-1] in _GROUPING


def _bounded(ctx: FileContext, node: ast.AST, depth: int = 0) -> bool:
    """The frame has a small, known bound on its rows: a limit, a global aggregate, local or metadata rows."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(node, ast.Name):
        scope = ctx.enclosing_function(node)
        return any(_bounded(ctx, value, depth + 1) for _, value in _index(ctx).values(node, scope))
    calls = ctx.chain(node)
    _, root = _chain_names(node)
    scope = ctx.enclosing_function(node)
    grouped = isinstance(root, ast.Name) and any(
        _ends_grouped(ctx, value) for _, value in _index(ctx).values(root, scope)
    )
    bounded = isinstance(root, ast.Name) and root is not node and _bounded(ctx, root, depth + 1)
    for call in calls:
        method = ctx.method(call)
        if method in _GROUPING:
            grouped = grouped or method == "pivot" or bool(call.args or call.keywords)
            if not grouped:  # groupBy() with no keys: a global aggregate follows
                continue
        elif grouped and method in _GROUPED_RESULTS:
            grouped = False  # one row per key: bounded only when the grouped frame was
        elif (
            method == "limit"
            or (method in {"agg", "summary", "describe"} and not grouped)
            or (method == "select" and call.args and all(_is_aggregate(ctx, arg) for arg in call.args))
        ):
            bounded = True
        elif method == "sql":  # SQL text that is not a literal gets the benefit of the doubt
            query = ctx.argument(call, 0, "sqlQuery")
            bounded = _literal_text(query) is None or _bounded_sql(query)
        elif method in {"createDataFrame", "parallelize"} or (
            method == "range" and all(isinstance(arg, ast.Constant) for arg in call.args)
        ):
            bounded = True
        elif method in _MULTIPLYING and bounded:
            other = ctx.argument(call, 0, "other")
            bounded = other is not None and _bounded(ctx, other, depth + 1)
    return bounded


def _bounded_sql(node: ast.AST | None) -> bool:
    text = _literal_text(node)
    if text is None:
        return False
    text = text.strip()
    if _SQL_BOUNDED.search(text):
        return True
    return bool(_SQL_GLOBAL_AGGREGATE.search(text)) and not _SQL_GROUP_BY.search(text)


# -- DBA101 ----------------------------------------------------------------------------------------------
_COLLECTS = frozenset({"collect", "toPandas", "toLocalIterator"})
_SOURCES = frozenset({"read", "readStream", "table", "sql", "createDataFrame", "range", "spark", "sparkSession"})


@rule(
    RuleSpec(
        id="DBA101",
        name="collect-unbounded",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="collect()/toPandas() of a frame with no bound on its rows",
        rationale=(
            "`collect()`, `toPandas()` and `toLocalIterator()` copy rows from the executors into the driver's "
            "memory. On a frame with no `limit` and no global aggregate the row count is whatever the table "
            "holds today: the job works on a sample and fails with a driver out-of-memory error (or "
            "`spark.driver.maxResultSize`) once the table grows, and the work stops being distributed."
        ),
        fix=(
            "Keep the work in Spark and write the result to a table; when the driver really needs rows, bound "
            "them: `df.limit(n).collect()`, `df.take(n)`, or aggregate first (`df.agg(...)`, "
            "`df.select(F.max('x'))`)."
        ),
        flagged="rows = spark.table('sales').collect()",
        clean="rows = spark.table('sales').limit(100).collect()",
    )
)
def collect_unbounded(ctx: FileContext) -> Iterator[Hit]:
    """``collect()``/``toPandas()``/``toLocalIterator()`` on a chain with no limit or global aggregate."""
    if not ctx.uses_spark or ctx.is_test:
        return
    for call in ctx.calls_named(*_COLLECTS):
        method = ctx.method(call)
        receiver = _receiver(call)
        if method not in _COLLECTS or receiver is None:
            continue
        if method != "toLocalIterator" and (call.args or call.keywords):
            continue  # DataFrame.collect() and toPandas() take no arguments
        if _is_import(ctx, receiver) or _foreign(ctx, receiver) or _not_a_frame(ctx, receiver):
            continue
        if _maybe_other_frame(ctx, receiver):
            continue  # polars' LazyFrame.collect() and friends
        if "rdd" in _chain_names(receiver)[0] or _feeds_create_dataframe(ctx, call):
            continue  # DBA106 and DBA112 report those round trips
        if _bounded(ctx, receiver) or _from_function(ctx, receiver):
            continue
        yield _method_hit(call, f"{method}() copies every row of a frame with no limit or aggregate to the driver")


def _from_function(ctx: FileContext, node: ast.AST, depth: int = 0) -> bool:
    """The frame comes from a function of the project (``top_rows(df).collect()``): its size is that function's."""
    if isinstance(node, ast.Name):
        values = _index(ctx).values(node, ctx.enclosing_function(node))
        return depth < _MAX_DEPTH and bool(values) and all(_from_function(ctx, v, depth + 1) for _, v in values)
    calls = ctx.chain(node)
    if not calls or not isinstance(calls[0].func, ast.Name) or calls[0].func.id == "spark":
        return False
    return not _SOURCES.intersection(_chain_names(node)[0])


def _feeds_create_dataframe(ctx: FileContext, node: ast.AST) -> bool:
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.stmt):
            return False
        if isinstance(ancestor, ast.Call) and ctx.method(ancestor) == "createDataFrame":
            return True
    return False


# -- DBA102 ----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA102",
        name="count-for-emptiness",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="count() used to test whether a DataFrame is empty",
        rationale=(
            "`df.count()` scans every partition to produce an exact number, only to compare it with zero. "
            "`df.isEmpty()` stops at the first row it finds, which on a large table is the difference "
            "between reading one file and reading them all."
        ),
        fix="Use `df.isEmpty()` (or `not df.isEmpty()`).",
        flagged="if df.count() == 0:\n    raise ValueError('no rows')",
        clean="if df.isEmpty():\n    raise ValueError('no rows')",
    )
)
def count_for_emptiness(ctx: FileContext) -> Iterator[Hit]:
    """``x.count() == 0`` and friends, ``if x.count():`` and ``not x.count()``."""
    if not ctx.uses_spark:
        return
    for compare in ctx.nodes(ast.Compare):
        if len(compare.ops) != 1:
            continue
        if ctx.is_test and isinstance(ctx.parent(compare), ast.Assert):
            continue  # a test asserting an exact row count (of a small frame) is not an emptiness check
        left, right, op = compare.left, compare.comparators[0], type(compare.ops[0])
        if _is_count(left) and isinstance(right, ast.Constant) and (op, right.value) in _EMPTINESS_BOUNDS:
            yield ctx.hit(compare, "count() compared with zero scans the whole frame to test emptiness")
    tests: list[ast.If | ast.While | ast.IfExp] = [*ctx.nodes(ast.If), *ctx.nodes(ast.While), *ctx.nodes(ast.IfExp)]
    for node in tests:
        if _is_count(node.test):
            yield ctx.hit(node.test, "count() used as a truth value scans the whole frame to test emptiness")
    for unary in ctx.nodes(ast.UnaryOp):
        if isinstance(unary.op, ast.Not) and _is_count(unary.operand):
            yield ctx.hit(unary, "`not x.count()` scans the whole frame to test emptiness")


def _is_count(node: ast.AST) -> bool:
    # count() with arguments is list.count(x) or str.count(s), not DataFrame.count().
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "count"
        and not node.args
        and not node.keywords
    )


# -- DBA103 ----------------------------------------------------------------------------------------------
_WITH_COLUMN = frozenset({"withColumn", "withColumnRenamed"})


@rule(
    RuleSpec(
        id="DBA103",
        name="withcolumn-in-loop",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="withColumn()/withColumnRenamed() applied to the same frame in a loop",
        rationale=(
            "Each `withColumn` call adds a projection to the logical plan and re-runs analysis on the whole "
            "plan. Reassigned in a loop (`df = df.withColumn(...)`), the plan grows by one node per iteration "
            "and analysis time grows quadratically: a few hundred columns can take minutes on the driver "
            "before any job starts, or end in a `StackOverflowError`. Spark's documentation warns against it."
        ),
        fix=(
            "Build the columns first and add them in one step: `df.withColumns({name: expr for ...})`, "
            "`df.withColumnsRenamed({old: new})` (Spark 3.4+), or a single `df.select('*', *exprs)`."
        ),
        flagged="for name in names:\n    df = df.withColumn(name, F.trim(F.col(name)))",
        clean="df = df.withColumns({name: F.trim(F.col(name)) for name in names})",
    )
)
def withcolumn_in_loop(ctx: FileContext) -> Iterator[Hit]:
    """``df = df.withColumn(...)`` in a loop body, and ``reduce(lambda acc, c: acc.withColumn(...), ...)``.

    A loop that derives a different frame each time (``out = spark.table(t).withColumn(...)``) is not
    flagged: its plans do not grow.
    """
    if not ctx.uses_spark or ctx.is_test:
        return
    reported: set[ast.AST] = set()
    for call in ctx.calls_named(*_WITH_COLUMN):
        method = ctx.method(call)
        if method not in _WITH_COLUMN:
            continue
        base = _chain_base(ctx, call)
        if base is None:
            continue
        statement = _statement(ctx, call)
        if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign) and ctx.in_loop(call):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if statement not in reported and any(ctx.dotted(target) == base for target in targets):
                reported.add(statement)
                yield _method_hit(call, f"{method}() on the same frame in a loop adds one projection per iteration")
        elif _reduce_accumulator(ctx, call) == base and call not in reported:
            reported.add(call)
            yield _method_hit(call, f"{method}() in a reduce() adds one projection per element")


def _chain_base(ctx: FileContext, call: ast.Call) -> str | None:
    """``df`` (or ``self.df``) for ``df.select(...).withColumn(...)``: what the chain starts from."""
    innermost = ctx.chain(call)[0]
    return ctx.dotted(innermost.func.value) if isinstance(innermost.func, ast.Attribute) else None


def _statement(ctx: FileContext, node: ast.AST) -> ast.stmt | None:
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.stmt):
            return ancestor
    return None


def _reduce_accumulator(ctx: FileContext, node: ast.AST) -> str | None:
    """The accumulator name when ``node`` is in the lambda given to ``functools.reduce``."""
    function = ctx.enclosing_function(node)
    if not isinstance(function, ast.Lambda) or not function.args.args:
        return None
    call = ctx.parent(function)
    if not (isinstance(call, ast.Call) and call.args and call.args[0] is function):
        return None
    if ctx.call_qualified(call) not in {"functools.reduce", "reduce"}:
        return None
    return function.args.args[0].arg


# -- DBA104 / DBA105 -------------------------------------------------------------------------------------
_STR_METHODS = {
    "upper": "F.upper",
    "lower": "F.lower",
    "title": "F.initcap",
    "replace": "F.replace (or F.regexp_replace)",
    "startswith": "Column.startswith",
    "endswith": "Column.endswith",
    "split": "F.split",
    "zfill": "F.lpad",
    "rjust": "F.lpad",
    "ljust": "F.rpad",
}
_TRIMS = {"strip": "F.trim", "lstrip": "F.ltrim", "rstrip": "F.rtrim"}
_BUILTIN_CALLS = {
    "len": "F.length (F.size for arrays)",
    "abs": "F.abs",
    "round": "F.round",
    "int": "Column.cast",
    "float": "Column.cast",
    "str": "Column.cast",
    "bool": "Column.cast",
    "min": "F.least",
    "max": "F.greatest",
}
_RE_CALLS = {"re.sub": "F.regexp_replace", "re.search": "Column.rlike", "re.match": "Column.rlike"}
_ARITHMETIC = {ast.Sub: "column arithmetic", ast.Mult: "column arithmetic", ast.Div: "column arithmetic",
               ast.Mod: "column arithmetic", ast.FloorDiv: "F.floor", ast.Pow: "F.pow"}  # fmt: skip
_UDF_NAMES = frozenset({f"{_FUNCTIONS_MODULE}.udf", "pyspark.sql.udf.udf"})
_PANDAS_UDF_NAMES = frozenset({f"{_FUNCTIONS_MODULE}.pandas_udf", "pyspark.sql.pandas.functions.pandas_udf"})
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
_AddUdf = Callable[[ast.AST, str, "FunctionNode | None", bool, tuple[str, ...]], None]


@dataclass(frozen=True)
class _Udf:
    """A row-at-a-time Python UDF: where it is declared, its name and its Python function when known."""

    site: ast.AST
    name: str
    function: FunctionNode | None
    arrow: bool
    builtins: tuple[str, ...]


class _SimpleBody:
    """Whether an expression only does what Spark built-ins do, and which ones (innermost first)."""

    def __init__(self, ctx: FileContext, params: set[str]) -> None:
        self.ctx = ctx
        self.params = params
        self.found: list[str] = []

    def builtins(self, expr: ast.expr) -> tuple[str, ...]:
        if not self.ok(expr):
            return ()
        if not self.found:
            if isinstance(expr, ast.Name):
                self.found.append("the column itself")
            elif isinstance(expr, ast.Constant):
                self.found.append("F.lit")
        return tuple(dict.fromkeys(self.found))

    def ok(self, node: ast.expr) -> bool:  # noqa: PLR0911 - one case per expression kind
        if isinstance(node, ast.Name):
            return node.id in self.params
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return self._all(
                [part.value for part in node.values if isinstance(part, ast.FormattedValue)],
                "F.concat (or F.format_string)",
                valid=all(
                    isinstance(part, ast.Constant)
                    or (isinstance(part, ast.FormattedValue) and part.format_spec is None)
                    for part in node.values
                ),
            )
        if isinstance(node, ast.BinOp):
            return self._all([node.left, node.right], _binop_builtin(node))
        if isinstance(node, ast.UnaryOp):
            return self._all([node.operand], "~ (not)" if isinstance(node.op, ast.Not) else "column arithmetic")
        if isinstance(node, ast.BoolOp):
            return self._all(list(node.values), "& / |")
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.IfExp):
            return self._if(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        return False

    def _all(self, children: list[ast.expr], builtin: str | None, *, valid: bool = True) -> bool:
        """Children first, then the built-in for this node, so suggestions read innermost first."""
        if builtin is None or not valid or not all(self.ok(child) for child in children):
            return False
        self.found.append(builtin)
        return True

    def _compare(self, node: ast.Compare) -> bool:
        if not self.ok(node.left):
            return False
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.Is | ast.IsNot):
                if not (isinstance(right, ast.Constant) and right.value is None):
                    return False
                self.found.append("Column.isNull" if isinstance(op, ast.Is) else "Column.isNotNull")
            elif isinstance(op, ast.In | ast.NotIn):
                if not (
                    isinstance(right, ast.Tuple | ast.List | ast.Set)
                    and all(isinstance(item, ast.Constant) for item in right.elts)
                ):
                    return False
                self.found.append("Column.isin")
            elif not self._all([right], "column comparisons"):
                return False
        return True

    def _if(self, node: ast.IfExp) -> bool:
        guarded = _null_guarded(node, self.params)
        if guarded is not None:  # `f(x) if x else None`: built-ins already return NULL for NULL
            return self.ok(guarded)
        if _is_coalesce(node):
            return self._all([node.body, node.orelse], "F.coalesce")
        return self._all([node.test, node.body, node.orelse], "F.when(...).otherwise(...)")

    def _call(self, node: ast.Call) -> bool:
        func = node.func
        if any(isinstance(arg, ast.Starred) for arg in node.args) or any(k.arg is None for k in node.keywords):
            return False
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(func, ast.Attribute) and not _is_import(self.ctx, func.value):
            if func.attr == "strip" and arguments:
                builtin: str | None = "F.btrim"
            elif func.attr in _TRIMS:
                builtin = None if arguments else _TRIMS[func.attr]
            else:
                builtin = _STR_METHODS.get(func.attr)
            return self._all([func.value, *arguments], builtin)
        if isinstance(func, ast.Name) and func.id in _BUILTIN_CALLS and not self._shadowed(func.id):
            pair = func.id not in {"min", "max"} or len(node.args) > 1  # min(a, b), not min(iterable)
            return self._all(arguments, _BUILTIN_CALLS[func.id], valid=pair)
        qualified = self.ctx.call_qualified(node)
        if qualified in _RE_CALLS:
            constant_pattern = bool(node.args) and isinstance(node.args[0], ast.Constant)
            return self._all(arguments, _RE_CALLS[qualified], valid=constant_pattern)
        return False

    def _subscript(self, node: ast.Subscript) -> bool:
        index = node.slice
        if isinstance(index, ast.Slice):
            parts = [part for part in (index.lower, index.upper, index.step) if part is not None]
            return self._all([node.value], "F.substring", valid=all(isinstance(p, ast.Constant) for p in parts))
        valid = isinstance(index, ast.Constant) and isinstance(index.value, int | str)
        return self._all([node.value], "Column.getItem (or F.element_at)", valid=valid)

    def _shadowed(self, name: str) -> bool:
        return name in self.params or name in self.ctx.imports or name in _index(self.ctx).functions


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_text(node.left) or _is_text(node.right)
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _binop_builtin(node: ast.BinOp) -> str | None:
    if isinstance(node.op, ast.Add):
        if _is_text(node):
            return "F.concat"
        if any(isinstance(side, ast.Constant) for side in (node.left, node.right)):
            return "column arithmetic"
        return "+ on columns (F.concat for strings)"
    return _ARITHMETIC.get(type(node.op))


def _null_guarded(node: ast.IfExp, params: set[str]) -> ast.expr | None:
    """The guarded part of `e if x else None`, `e if x is not None else None` and `None if x is None else e`."""
    test = node.test
    if isinstance(test, ast.Name) and test.id in params:
        return node.body if _is_none(node.orelse) else None
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.left, ast.Name)
        and test.left.id in params
        and _is_none(test.comparators[0])
    ):
        return None
    if isinstance(test.ops[0], ast.IsNot) and _is_none(node.orelse):
        return node.body
    if isinstance(test.ops[0], ast.Is) and _is_none(node.body):
        return node.orelse
    return None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_coalesce(node: ast.IfExp) -> bool:
    """``a if a is not None else b`` or ``b if a is None else a``."""
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    right = test.comparators[0]
    if not (isinstance(right, ast.Constant) and right.value is None and isinstance(test.left, ast.Name)):
        return False
    kept = node.body if isinstance(test.ops[0], ast.IsNot) else node.orelse
    return isinstance(kept, ast.Name) and kept.id == test.left.id


def _body_expression(function: FunctionNode) -> tuple[set[str], ast.expr] | None:
    """The parameters and the returned expression of a one-expression function (null guards allowed)."""
    arguments = function.args
    params = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    if isinstance(function, ast.Lambda):
        return params, function.body
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and FileContext.string(body[0].value) is not None:
        body = body[1:]  # the docstring
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    if not all(_is_null_guard(statement, params) for statement in body[:-1]):
        return None
    return params, body[-1].value


def _is_null_guard(statement: ast.stmt, params: set[str]) -> bool:
    """``if x is None: return None`` (or ``if not x: return x``): built-ins already pass NULL through."""
    if not (isinstance(statement, ast.If) and not statement.orelse and len(statement.body) == 1):
        return False
    returned = statement.body[0]
    if not isinstance(returned, ast.Return):
        return False
    value = returned.value
    if not (value is None or isinstance(value, ast.Constant) or (isinstance(value, ast.Name) and value.id in params)):
        return False
    test = statement.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id in params
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id in params
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def _function_builtins(ctx: FileContext, function: FunctionNode | None) -> tuple[str, ...]:
    if function is None:
        return ()
    body = _body_expression(function)
    if body is None:
        return ()
    params, expr = body
    return _SimpleBody(ctx, params).builtins(expr)


def _reference_builtins(node: ast.AST) -> tuple[str, ...]:
    """``udf(str.upper)`` or ``udf(len)``: a built-in function passed as the UDF."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "str":
        found = _STR_METHODS.get(node.attr) or _TRIMS.get(node.attr)
        return (found,) if found else ()
    if isinstance(node, ast.Name) and node.id in _BUILTIN_CALLS and node.id not in {"min", "max"}:
        return (_BUILTIN_CALLS[node.id],)
    return ()


def _is_udf_ref(ctx: FileContext, node: ast.AST, names: frozenset[str]) -> bool:
    qualified = ctx.qualified(node)
    if qualified in names:
        return True
    bare = isinstance(node, ast.Name) and node.id not in ctx.imports and _index(ctx).star_functions
    return bare and f"{_FUNCTIONS_MODULE}.{node.id}" in names  # type: ignore[attr-defined]


def _decorator_kind(ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _is_udf_ref(ctx, target, _UDF_NAMES):
            return "udf"
        if _is_udf_ref(ctx, target, _PANDAS_UDF_NAMES):
            return "pandas_udf"
    return None


def _arrow(ctx: FileContext, call: ast.AST) -> bool:
    value = ctx.keyword(call, "useArrow") if isinstance(call, ast.Call) else None
    return isinstance(value, ast.Constant) and value.value is True


def _udfs(ctx: FileContext) -> list[_Udf]:
    """Every row-at-a-time Python UDF of the file, once per Python function (pandas UDFs excluded)."""
    index = _index(ctx)
    if index.udfs is None:
        index.udfs = _find_udfs(ctx, index)
    return index.udfs


def _find_udfs(ctx: FileContext, index: _Index) -> list[_Udf]:
    found: list[_Udf] = []
    seen: set[ast.AST] = set()

    def add(site: ast.AST, name: str, function: FunctionNode | None, arrow: bool, builtins: tuple[str, ...]) -> None:
        if function is not None and function in seen:
            return
        if function is not None:
            seen.add(function)
        found.append(_Udf(site, name, function, arrow, builtins or _function_builtins(ctx, function)))

    for definition in ctx.functions():
        for decorator in definition.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if _is_udf_ref(ctx, target, _UDF_NAMES):
                add(decorator, definition.name, definition, _arrow(ctx, decorator), ())
    # Only calls named udf (or an import alias of it) or register can declare one.
    aliases = [local for local, name in ctx.imports.items() if name in _UDF_NAMES]
    for call in ctx.calls_named("udf", "register", *aliases):
        parent = ctx.parent(call)
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and call in parent.decorator_list:
            continue
        if _is_udf_ref(ctx, call.func, _UDF_NAMES):
            given = ctx.argument(call, 0, "f")
            assign = _assigned_name(ctx, call)
            label = assign.targets[0].id if assign is not None else "lambda"  # type: ignore[attr-defined]
            if isinstance(given, ast.Lambda):
                add(call, label, given, _arrow(ctx, call), ())
            elif isinstance(given, ast.Name) and given.id in index.functions:
                definition = index.functions[given.id]
                if _decorator_kind(ctx, definition) is None:
                    add(call, given.id, definition, _arrow(ctx, call), ())
            elif given is not None and _reference_builtins(given):
                add(call, label, None, _arrow(ctx, call), _reference_builtins(given))
        elif _is_register(call):
            _registered(ctx, call, add)
    return found


def _is_register(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "register"
        and (isinstance(func.value, ast.Attribute) and func.value.attr == "udf")
    )


def _registered(ctx: FileContext, call: ast.Call, add: _AddUdf) -> None:
    """``spark.udf.register(name, f[, returnType])`` with a lambda or a plain Python function."""
    index = _index(ctx)
    label = ctx.string(ctx.argument(call, 0, "name")) or "registered"
    given = ctx.argument(call, 1, "f")
    if isinstance(given, ast.Lambda):
        add(call, label, given, False, ())
    elif isinstance(given, ast.Name) and given.id in index.functions:
        definition = index.functions[given.id]
        if _decorator_kind(ctx, definition) is None:
            add(call, label, definition, False, ())
    elif given is not None and _reference_builtins(given):
        add(call, label, None, False, _reference_builtins(given))
    elif isinstance(given, ast.Name) and ctx.argument(call, 2, "returnType") is not None:
        add(call, label, None, False, ())  # a UDF object takes no returnType: this is a plain function


@rule(
    RuleSpec(
        id="DBA104",
        name="udf-has-builtin",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="A Python UDF does what a Spark built-in function does",
        rationale=(
            "A Python UDF ships every row from the JVM to a Python worker and back, and Catalyst cannot look "
            "inside it: no predicate pushdown, no code generation, no constant folding. A UDF that only "
            "upper-cases, trims, casts, concatenates or does arithmetic pays that price for something a "
            "built-in of `pyspark.sql.functions` (or a Column operator) does in the JVM, typically several "
            "times faster, with NULL handling built in."
        ),
        fix=(
            "Replace the UDF with the built-in the message names, e.g. `F.upper(F.col('name'))` for "
            "`udf(lambda s: s.upper())`, `F.col('a') + F.col('b')` for arithmetic, `F.coalesce` / "
            "`F.when(...).otherwise(...)` for conditionals, `Column.cast` for int()/str()."
        ),
        flagged=(
            "from pyspark.sql import functions as F\n\nto_upper = F.udf(lambda s: s.upper(), 'string')\n"
            "df = df.withColumn('name', to_upper('name'))"
        ),
        clean="from pyspark.sql import functions as F\n\ndf = df.withColumn('name', F.upper('name'))",
    )
)
def udf_has_builtin(ctx: FileContext) -> Iterator[Hit]:
    """Python UDFs (lambda, decorated or registered) whose body is one expression built-ins cover."""
    if not ctx.uses_spark or ctx.is_test:
        return
    for udf in _udfs(ctx):
        if udf.builtins:
            yield ctx.hit(
                udf.site, f"UDF {udf.name} can be replaced by {', '.join(udf.builtins)}, which run in the JVM"
            )


@rule(
    RuleSpec(
        id="DBA105",
        name="python-udf",
        severity=Severity.INFO,
        category=Category.PERFORMANCE,
        summary="A row-at-a-time Python UDF",
        rationale=(
            "A plain Python UDF runs once per row in a Python worker: each row is pickled out of the JVM and "
            "back, and the optimiser treats the call as a black box. A `pandas_udf` exchanges Arrow batches and "
            "runs vectorised pandas/NumPy code, usually an order of magnitude faster; built-in functions and "
            "SQL expressions avoid Python altogether."
        ),
        fix=(
            "Prefer built-ins from `pyspark.sql.functions` (`F.when`, `F.regexp_extract`, `F.transform`, "
            "`F.from_json`...); when Python is needed, write a `@pandas_udf('double')` over `pd.Series`, or at "
            "least pass `useArrow=True` (Spark 3.5+)."
        ),
        flagged=(
            "from pyspark.sql import functions as F\n\n\n@F.udf('double')\ndef score(amount, rate):\n"
            "    total = amount * rate\n    return min(total, 100.0)"
        ),
        clean=(
            "import pandas as pd\nfrom pyspark.sql import functions as F\n\n\n@F.pandas_udf('double')\n"
            "def score(amount: pd.Series, rate: pd.Series) -> pd.Series:\n"
            "    return (amount * rate).clip(upper=100.0)"
        ),
    )
)
def python_udf(ctx: FileContext) -> Iterator[Hit]:
    """Python UDFs that DBA104 does not report, unless already Arrow-optimised (``useArrow=True``)."""
    if not ctx.uses_spark or ctx.is_test:
        return
    for udf in _udfs(ctx):
        if not udf.builtins and not udf.arrow:
            yield ctx.hit(udf.site, f"Python UDF {udf.name} runs row by row in a Python worker")


# -- DBA106 ----------------------------------------------------------------------------------------------
# RDD calls that do not convert or run anything.
_RDD_METADATA = frozenset(
    {"getNumPartitions", "id", "name", "setName", "getStorageLevel", "toDebugString", "context", "partitioner"}
)


@rule(
    RuleSpec(
        id="DBA106",
        name="rdd-round-trip",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="A DataFrame converted to an RDD for row-by-row Python work",
        rationale=(
            "`df.rdd` turns every row into a Python `Row` object: rows are serialised out of Tungsten's binary "
            "format, pickled to Python workers, and (with `toDF`/`createDataFrame`) pickled back, and the "
            "optimiser sees nothing of the work in between. RDD APIs are also not supported on Unity Catalog "
            "shared-access clusters and serverless compute, so the code fails there."
        ),
        fix=(
            "Express the logic with DataFrame operations: `select`/`withColumns` with built-ins instead of "
            "`rdd.map`, `filter`/`where` instead of `rdd.filter`, `explode` instead of `flatMap`, `df.isEmpty()` "
            "instead of `df.rdd.isEmpty()`, `mapInPandas`/`applyInPandas` when Python is really needed."
        ),
        flagged="names = df.rdd.map(lambda row: row.name.upper()).toDF(['name'])",
        clean="names = df.select(F.upper('name').alias('name'))",
    )
)
def rdd_round_trip(ctx: FileContext) -> Iterator[Hit]:
    """``df.rdd.<op>(...)``, ``createDataFrame(df.rdd...)``, and ``rdd = df.rdd`` later used for work.

    ``df.rdd.getNumPartitions()`` and other metadata reads are not flagged, nor ``self.rdd``.
    """
    if not ctx.uses_spark:
        return
    for attribute in ctx.nodes(ast.Attribute):
        if attribute.attr != "rdd" or not isinstance(attribute.ctx, ast.Load):
            continue
        base = attribute.value
        if isinstance(base, ast.Name) and base.id in {"self", "cls"}:
            continue
        if _is_import(ctx, base) or _foreign(ctx, base):
            continue
        following, outer = _following(ctx, attribute)
        used = following[0] if following else None
        if used is None:
            if outer is attribute and _feeds_create_dataframe(ctx, attribute):
                yield ctx.hit(attribute, "createDataFrame(df.rdd) pickles every row through Python and back")
                continue
            used = next((names[0] for names in _later_uses(ctx, outer) if names), None)
        if used is not None and used not in _RDD_METADATA:
            yield ctx.hit(attribute, f"df.rdd.{used}() moves every row through a Python worker")


# -- DBA107 ----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA107",
        name="single-partition-write",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="repartition(1)/coalesce(1) before a write",
        rationale=(
            "`coalesce(1)` and `repartition(1)` put the whole frame in one partition, so one task on one core "
            "does the write (and with `coalesce`, often the upstream work too, since it does not shuffle): the "
            "cluster sits idle, the task can run out of memory or disk, and the single output file is slow for "
            "readers. Delta and Parquet readers do not need one file."
        ),
        fix=(
            "Drop the `coalesce(1)`/`repartition(1)`; let Delta size files (`OPTIMIZE`, optimized writes / "
            "`delta.autoOptimize.optimizeWrite`), or use `repartition(n)` with a sensible n. If a single small "
            "export file is really required, keep it with a `# noqa: DBA107` comment saying why."
        ),
        flagged="df.coalesce(1).write.mode('overwrite').saveAsTable('sales.daily')",
        clean="df.write.mode('overwrite').saveAsTable('sales.daily')",
    )
)
def single_partition_write(ctx: FileContext) -> Iterator[Hit]:
    """``repartition(1)``/``coalesce(1)`` followed by ``.write``/``.writeTo``/``.writeStream`` (chain or name)."""
    if not ctx.uses_spark or ctx.is_test:
        return
    for call in ctx.calls_named("repartition", "coalesce"):
        method = ctx.method(call)
        receiver = _receiver(call)
        if receiver is None or _is_import(ctx, receiver) or _foreign(ctx, receiver):
            continue
        if method == "repartition":
            single = _is_int(ctx.argument(call, 0, "numPartitions"), 1)
        elif method == "coalesce":
            single = len(call.args) == 1 and not call.keywords and _is_int(call.args[0], 1)
        else:
            continue
        if not single:
            continue
        if _maybe_other_frame(ctx, receiver):
            continue
        following, outer = _following(ctx, call)
        if _reaches_write(following) or any(_reaches_write(names) for names in _later_uses(ctx, outer)):
            yield _method_hit(call, f"{method}(1) before a write makes one task write the whole frame")


def _reaches_write(names: list[str]) -> bool:
    for name in names:
        if name in {"repartition", "coalesce", "repartitionByRange"}:
            return False
        if name in _WRITES:
            return True
    return False


# -- DBA108 ----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA108",
        name="cache-not-released",
        severity=Severity.INFO,
        category=Category.PERFORMANCE,
        summary="cache()/persist() with no unpersist() in the module",
        rationale=(
            "A cached frame keeps its blocks in executor memory (and disk) until `unpersist()` or the end of "
            "the session. In a job that caches several frames, or a notebook on a shared cluster, forgotten "
            "caches crowd out execution memory and evict each other, so later stages spill or recompute. "
            "Reported as info: Spark evicts cached blocks under pressure and the session's end frees them, "
            "so a missing `unpersist()` costs memory and time, not correctness."
        ),
        fix=(
            "Release the cache once the frame's last action has run: `df = df.cache()` ... `try: ... finally: "
            "df.unpersist()`. Do not cache a frame that is used only once."
        ),
        flagged="orders = spark.table('orders').cache()\norders.write.saveAsTable('a')\norders.write.saveAsTable('b')",
        clean=(
            "orders = spark.table('orders').cache()\ntry:\n    orders.write.saveAsTable('a')\n"
            "    orders.write.saveAsTable('b')\nfinally:\n    orders.unpersist()"
        ),
    )
)
def cache_not_released(ctx: FileContext) -> Iterator[Hit]:
    """``.cache()``/``.persist()`` whose frame is never ``unpersist()``-ed in the module.

    Not flagged: a cache returned or passed to a call (the caller owns it), in a ``with`` item, in tests,
    or in a module that calls ``clearCache()``.
    """
    if not ctx.uses_spark or ctx.is_test:
        return
    caches = [call for call in ctx.calls_named("cache", "persist") if _is_cache(ctx, call)]
    if not caches:
        return
    released = _unpersisted(ctx)
    if "*" in released:
        return
    for call in caches:
        names = _cached_names(ctx, call)
        if names is None or names & released:
            continue
        shown = sorted(names)[0] if names else "the frame"
        where = " (in a loop: one more cached copy per iteration)" if ctx.in_loop(call) else ""
        yield _method_hit(call, f"{shown} is cached but never unpersisted{where}")


def _is_cache(ctx: FileContext, call: ast.Call) -> bool:
    method = ctx.method(call)
    receiver = _receiver(call)
    if receiver is None or _is_import(ctx, receiver) or _foreign(ctx, receiver):
        return False
    if isinstance(receiver, ast.Name) and receiver.id in {"self", "cls"}:
        return False  # a class's own cache() method
    if _maybe_other_frame(ctx, receiver):
        return False  # dask's persist()
    if method == "cache":
        return not call.args and not call.keywords
    return method == "persist" and len(call.args) + len(call.keywords) <= 1


def _cached_names(ctx: FileContext, call: ast.Call) -> set[str] | None:
    """Names that hold the cached frame; None when ownership leaves the code (returned, passed on, with)."""
    names: set[str] = set()
    receiver = _receiver(call)
    if isinstance(receiver, ast.Name | ast.Attribute) and ctx.dotted(receiver):
        names.add(ctx.dotted(receiver) or "")
    outer = ctx.outer_call(call)
    parent = ctx.parent(outer)
    if isinstance(parent, ast.Return | ast.Yield | ast.YieldFrom | ast.withitem | ast.Call | ast.keyword):
        return None
    if isinstance(parent, ast.Assign | ast.AnnAssign) and outer is call:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        names.update(name for name in (ctx.dotted(target) for target in targets) if name)
    scope = ctx.enclosing_function(call)
    returns: list[ast.Return | ast.Yield] = [*ctx.nodes(ast.Return), *ctx.nodes(ast.Yield)]
    for returned in returns:
        if (
            returned.value is not None
            and (ctx.dotted(returned.value) or "") in names
            and ctx.enclosing_function(returned) is scope
        ):
            return None
    return names


def _unpersisted(ctx: FileContext) -> set[str]:
    """Names ``unpersist()`` is called on (loop variables expanded); ``*`` when the module clears all caches."""
    names: set[str] = set()
    for call in ctx.nodes(ast.Call):
        method = ctx.method(call)
        if method == "clearCache":
            names.add("*")
        receiver = _receiver(call)
        if method != "unpersist" or receiver is None:
            continue
        name = ctx.dotted(receiver)
        if name is None:
            continue
        names.add(name)
        for ancestor in ctx.ancestors(call):
            loop = ancestor if isinstance(ancestor, ast.For | ast.comprehension) else None
            if loop is not None and ctx.dotted(loop.target) == name and isinstance(loop.iter, ast.Tuple | ast.List):
                names.update(item for item in (ctx.dotted(element) for element in loop.iter.elts) if item)
    return names


# -- DBA109 ----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA109",
        name="infer-schema",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="inferSchema enabled on a read",
        rationale=(
            "With `inferSchema`, Spark reads the input once just to guess the column types and again to load "
            "it, doubling the I/O of every run. The guess also depends on the data of the day: a column that "
            "was all integers becomes a string or a double when one odd value arrives, and downstream code "
            "breaks or silently changes meaning."
        ),
        fix=(
            "Pass an explicit schema: `spark.read.schema('id BIGINT, name STRING').csv(path)` or a "
            "`StructType`; for Auto Loader, `cloudFiles.schemaLocation` with `cloudFiles.schemaHints`."
        ),
        flagged="df = spark.read.option('header', 'true').option('inferSchema', 'true').csv(path)",
        clean="df = spark.read.option('header', 'true').schema('id BIGINT, name STRING').csv(path)",
    )
)
def infer_schema(ctx: FileContext) -> Iterator[Hit]:
    """``.option("inferSchema", "true")``, ``.options(inferSchema=True)``, ``csv(path, inferSchema=True)``."""
    if not ctx.uses_spark or ctx.is_test:
        return
    message = "inferSchema reads the input an extra time to guess column types"
    for call in ctx.nodes(ast.Call):
        if not isinstance(call.func, ast.Attribute) or _is_import(ctx, call.func.value):
            continue
        if call.func.attr == "option" and len(call.args) == 2:  # noqa: PLR2004 - option(key, value)
            key = ctx.string(call.args[0])
            if key is not None and key.lower() == "inferschema" and _is_true(call.args[1]):
                yield _method_hit(call, message)
            continue
        for keyword in call.keywords:
            if keyword.arg is not None and keyword.arg.lower() == "inferschema" and _is_true(keyword.value):
                yield _method_hit(call, message)
            elif keyword.arg is None and isinstance(keyword.value, ast.Dict):
                for key_node, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    key = ctx.string(key_node)
                    if key is not None and key.lower() == "inferschema" and _is_true(value):
                        yield _method_hit(call, message)


def _is_true(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is True or (isinstance(node.value, str) and node.value.strip().lower() == "true")
    return False


# -- DBA110 ----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA110",
        name="cartesian-join",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="A cartesian product of two frames with no known bound",
        rationale=(
            "A cross join returns every pair of rows: 1 million by 1 million rows is 10^12 rows. `join(other)` "
            "with no `on` (or `how='cross'`) does the same silently, usually because the condition was "
            "forgotten. Crossing with a frame known to be tiny (a global aggregate, a `limit`, local rows, a "
            "`broadcast` hint) is a legitimate way to attach a constant row and is not reported. Reported as a "
            "warning rather than an error: an explicit `crossJoin` of two small dimensions can be intended."
        ),
        fix=(
            "Give the join its condition: `left.join(right, on='key')`. When the product is intended and "
            "small, make one side visibly bounded (`F.broadcast(small)`, `.limit(n)`, a global `agg`) or keep "
            "the `crossJoin` with a `# noqa: DBA110` comment stating the sizes."
        ),
        flagged="pairs = customers.crossJoin(products)",
        clean="stats = orders.agg(F.max('order_date').alias('as_of'))\nfeatures = customers.crossJoin(stats)",
    )
)
def cartesian_join(ctx: FileContext) -> Iterator[Hit]:
    """``crossJoin``, ``join`` without ``on``, ``how="cross"``, unless one side is bounded or broadcast.

    ``sep.join(parts)`` and ``os.path.join`` are not joins: a one-argument ``join`` is only flagged when
    either side is positively a Spark DataFrame.
    """
    if not ctx.uses_spark or ctx.is_test:
        return
    for call in ctx.calls_named("join", "crossJoin"):
        method = ctx.method(call)
        receiver = _receiver(call)
        if method not in {"join", "crossJoin"} or receiver is None or not call.args:
            continue
        if _is_import(ctx, receiver) or _foreign(ctx, receiver) or _literal_text(receiver) is not None:
            continue
        other = call.args[0]
        if method == "crossJoin":
            message = "crossJoin of two frames with no known bound returns every pair of rows"
        else:
            on = ctx.argument(call, 1, "on")
            how = ctx.string(ctx.argument(call, 2, "how"))
            if on is not None and not (isinstance(on, ast.Constant) and on.value is None):
                continue
            one_argument = len(call.args) == 1 and not call.keywords
            if (one_argument or _imports_any(ctx, _JOINING_FRAMES)) and not (
                _frame_like(ctx, receiver) or _frame_like(ctx, other)
            ):
                continue  # str.join(parts) looks the same; pandas and polars join differently
            message = (
                "join(how='cross') returns every pair of rows"
                if how == "cross"
                else "join() without `on` is a cartesian product of the two frames"
            )
        if any(_small_side(ctx, side) for side in (receiver, other)):
            continue
        yield _method_hit(call, message)


_JOINING_FRAMES = _OTHER_FRAMES | {"pandas"}


def _small_side(ctx: FileContext, node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and (ctx.call_qualified(node) or "").rpartition(".")[2] == "broadcast":
        return True
    if "hint" in _chain_names(node)[0]:
        return True  # df.hint("broadcast")
    return _bounded(ctx, node)


# -- DBA111 ----------------------------------------------------------------------------------------------
_SORTS = frozenset({"orderBy", "sort"})
# After a sort, these use its order (top-N, ordered results on the driver, one ordered output file).
_ORDER_USERS = frozenset(
    {"limit", "take", "head", "first", "tail", "show", "collect", "toPandas", "toLocalIterator", "coalesce",
     "offset", "foreach", "foreachPartition", "toJSON", "rdd", "zipWithIndex", "transform"}
)  # fmt: skip
# These shuffle or aggregate, which throws a previous global order away.
_ORDER_DISCARDS = frozenset(
    {"groupBy", "groupby", "rollup", "cube", "agg", "join", "distinct", "dropDuplicates", "drop_duplicates",
     "repartition", "repartitionByRange", "intersect", "intersectAll", "subtract", "exceptAll", "count"}
)  # fmt: skip
_WINDOW_METHODS = frozenset({"partitionBy", "rowsBetween", "rangeBetween"})


@rule(
    RuleSpec(
        id="DBA111",
        name="sort-without-limit",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="A global sort whose order is discarded (by a shuffle or a table write)",
        rationale=(
            "`orderBy`/`sort` on a whole frame is a range-partitioning shuffle plus a sampling job: one of the "
            "most expensive things Spark does. The order survives only until the next shuffle (`groupBy`, "
            "`join`, `distinct`, `dropDuplicates`, `repartition`), and a table does not keep row order for its "
            "readers, so a sort before those (with no `limit` in between) is paid for and thrown away; "
            "`orderBy(...).dropDuplicates(...)` to keep the latest row is also not guaranteed to keep it."
        ),
        fix=(
            "Drop the sort, or sort only what is shown (`orderBy(...).limit(n)`); pick a row per key with a "
            "window (`F.row_number().over(Window.partitionBy(k).orderBy(...))`); to lay files out for data "
            "skipping use Delta liquid clustering / `OPTIMIZE ... ZORDER BY`, or `sortWithinPartitions`."
        ),
        flagged="latest = events.orderBy(F.desc('ts')).dropDuplicates(['id'])",
        clean="top = events.orderBy(F.desc('ts')).limit(10)",
    )
)
def sort_without_limit(ctx: FileContext) -> Iterator[Hit]:
    """``orderBy``/``sort`` followed, with no limit in between, by a shuffle or a write (in the chain or later).

    Window specs (``Window.orderBy``), ``sorted()``, ``list.sort()`` and ``sortWithinPartitions`` are not
    sorts of a frame; a sort feeding ``collect``/``show``/``limit``/``coalesce(1)`` uses its order.
    """
    if not ctx.uses_spark or ctx.is_test:
        return
    for call in ctx.calls_named(*_SORTS):
        method = ctx.method(call)
        receiver = _receiver(call)
        if method not in _SORTS or receiver is None or not call.args:
            continue  # list.sort(key=...) takes no positional arguments
        if all(isinstance(arg, ast.Constant) and not isinstance(arg.value, str) for arg in call.args):
            continue
        if _is_import(ctx, receiver) or _foreign(ctx, receiver) or _is_window(ctx, receiver):
            continue
        if _maybe_other_frame(ctx, receiver):
            continue
        following, outer = _following(ctx, call)
        lost = _order_lost(following)
        if lost is None and not following:
            lost = next((found for found in map(_order_lost, _later_uses(ctx, outer)) if found), None)
        if lost is not None:
            yield _method_hit(call, f"{method}() sorts the whole frame, then {lost} discards the order")


def _order_lost(names: list[str]) -> str | None:
    for name in names:
        if name in _ORDER_USERS:
            return None
        if name in _ORDER_DISCARDS:
            return f"{name}()"
        if name in _WRITES:
            return "the table write"
    return None


def _is_window(ctx: FileContext, node: ast.AST) -> bool:
    names, root = _chain_names(node)
    if _WINDOW_METHODS.intersection(names):
        return True
    if not isinstance(root, ast.Name):
        return False
    if (ctx.qualified(root) or "").rpartition(".")[2] == "Window":
        return True
    values = _index(ctx).values(root, ctx.enclosing_function(root))
    return any(value is not node and _is_window(ctx, value) for _, value in values)


# -- DBA112 ----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA112",
        name="driver-round-trip",
        severity=Severity.WARNING,
        category=Category.PERFORMANCE,
        summary="createDataFrame() of a toPandas()/collect() result",
        rationale=(
            "`spark.createDataFrame(df.toPandas())` (or of `df.collect()`) copies every row of a distributed "
            "frame into the driver's memory, converts it to Python objects, then ships it back to the "
            "executors: two serialisations, one machine doing the work, and a driver out-of-memory error "
            "once the data grows. Whatever happens in pandas in between usually has a Spark equivalent."
        ),
        fix=(
            "Stay in Spark: replace the pandas step with DataFrame operations, or with `df.mapInPandas(fn, "
            "schema)` / `groupBy(...).applyInPandas(fn, schema)` when pandas code must run (it runs on the "
            "executors, in Arrow batches)."
        ),
        flagged="pdf = df.toPandas()\npdf['total'] = pdf['a'] + pdf['b']\nout = spark.createDataFrame(pdf)",
        clean="out = df.withColumn('total', F.col('a') + F.col('b'))",
    )
)
def driver_round_trip(ctx: FileContext) -> Iterator[Hit]:
    """``createDataFrame`` whose data comes from ``toPandas()``/``collect()`` of a frame in the same scope."""
    if not ctx.uses_spark or ctx.is_test:
        return
    for call in ctx.calls_named("createDataFrame"):
        if ctx.method(call) != "createDataFrame":
            continue
        data = ctx.argument(call, 0, "data")
        source = _driver_source(ctx, data, 0) if data is not None else None
        if source is not None:
            yield _method_hit(call, f"createDataFrame of a {source} result sends every row to the driver and back")


def _driver_source(ctx: FileContext, node: ast.AST, depth: int) -> str | None:
    if isinstance(node, ast.ListComp | ast.GeneratorExp):
        for generator in node.generators:
            found = _driver_source(ctx, generator.iter, depth)
            if found:
                return found
        return None
    if isinstance(node, ast.Name):
        if depth > 1:
            return None
        values = _index(ctx).values(node, ctx.enclosing_function(node))
        return next((found for _, value in values if (found := _driver_source(ctx, value, depth + 1))), None)
    for chained in ctx.chain(node):
        method = ctx.method(chained)
        receiver = _receiver(chained)
        if (
            method in {"toPandas", "collect"}
            and not chained.args
            and not chained.keywords
            and receiver is not None
            and not (_is_import(ctx, receiver) or _foreign(ctx, receiver) or _not_a_frame(ctx, receiver))
        ):
            return f"{method}()"
    return None


RULES: tuple[Rule, ...] = (
    collect_unbounded,
    count_for_emptiness,
    withcolumn_in_loop,
    udf_has_builtin,
    python_udf,
    rdd_round_trip,
    single_partition_write,
    cache_not_released,
    infer_schema,
    cartesian_join,
    sort_without_limit,
    driver_round_trip,
)
