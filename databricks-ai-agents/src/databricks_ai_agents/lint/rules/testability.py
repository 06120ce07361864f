"""Testability rules (DBA5xx): transforms that take DataFrames in and give DataFrames out, and tests that test.

A transform that fetches its own session or reads its own tables can only be tested against real tables;
one that takes a DataFrame is tested with ``spark_session.createDataFrame(rows)`` in milliseconds.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from databricks_ai_agents.lint.context import SPARK_ACTIONS, FileContext, Hit
from databricks_ai_agents.lint.model import Category, RuleSpec, Severity
from databricks_ai_agents.lint.rule import ProjectFile, Rule, project_rule, rule
from databricks_ai_agents.lint.rules.conventions import (
    ENTRY_POINT_NAMES,
    builder_call,
    decorator_names,
    is_command,
    is_get_spark,
    session_getter,
)

_Function = ast.FunctionDef | ast.AsyncFunctionDef

# DataFrame methods that change the data. Reading-shaping methods (select, filter, where, limit, drop) are
# what a reader does to push a projection or a predicate down; they alone do not make a function a transform.
_SHAPING = frozenset({"select", "filter", "where", "limit", "drop", "selectExpr"})
_DERIVING = frozenset(
    {"withColumn", "withColumns", "withColumnRenamed", "withColumnsRenamed", "groupBy", "groupby", "agg",
     "dropDuplicates", "dropDuplicatesWithinWatermark", "unionByName", "union", "crossJoin", "orderBy", "sort",
     "sortWithinPartitions", "withWatermark", "fillna", "dropna", "replace", "pivot", "rollup", "cube",
     "exceptAll", "intersectAll", "distinct", "join", "unpivot", "melt"}
)  # fmt: skip
# Also Python methods (str.join, list.sort, str.replace...): counted only with DataFrame-like arguments.
_PYTHON_LOOKALIKES = frozenset({"sort", "replace", "join"})
_READ_METHODS = frozenset({"table", "load", "csv", "json", "parquet", "orc", "text", "jdbc", "delta", "xml"})
_WRITE_METHODS = frozenset({"save", "saveAsTable", "insertInto", "toTable", "start", "merge", "execute"})
_QUERY = re.compile(r"^\s*(?:\(\s*)?(?:SELECT|WITH|FROM|TABLE|VALUES)\b", re.IGNORECASE)
_SESSION_NAMES = frozenset({"spark", "session", "spark_session", "sparkSession"})
_READER_PREFIXES = ("read_", "load_", "extract_", "ingest", "fetch_")
_LAKEFLOW_ROOTS = ("dlt.", "pyspark.pipelines.", "dp.")
_DATAFRAME = re.compile(r"\bDataFrame\b")


def _transform_calls(ctx: FileContext, function: _Function) -> tuple[list[ast.Call], list[ast.Call]]:
    """The function's own (not nested functions') DataFrame method calls: (deriving, shaping).

    Three rules ask this of every function, so the answers are kept per file.
    """
    known: dict[_Function, tuple[list[ast.Call], list[ast.Call]]] = ctx.memo("testability.transforms", _empty)
    if function not in known:
        known[function] = _find_transform_calls(ctx, function)
    return known[function]


def _empty(ctx: FileContext) -> dict[_Function, tuple[list[ast.Call], list[ast.Call]]]:
    return {}


def _find_transform_calls(ctx: FileContext, function: _Function) -> tuple[list[ast.Call], list[ast.Call]]:
    deriving: list[ast.Call] = []
    shaping: list[ast.Call] = []
    for call in _own_calls(ctx, function):
        method = ctx.method(call)
        if method is None or not isinstance(call.func, ast.Attribute):
            continue
        receiver = call.func.value
        if isinstance(receiver, ast.Constant | ast.JoinedStr | ast.List | ast.Dict | ast.Set | ast.Tuple):
            continue
        dotted = ctx.dotted(receiver)
        if dotted is not None and dotted.split(".", 1)[0] in ctx.imports:  # os.path.join(...), a module's function
            continue
        if method in _PYTHON_LOOKALIKES and not _spark_like(call, method):
            continue
        if method in _DERIVING:
            deriving.append(call)
        elif method in _SHAPING and call.args:
            shaping.append(call)
    return deriving, shaping


def _spark_like(call: ast.Call, method: str) -> bool:
    """``df.join(other, on=...)`` and friends, not ``sep.join(items)`` or ``names.sort()``."""
    keywords = {k.arg for k in call.keywords}
    if method == "join":
        return len(call.args) > 1 or bool(keywords & {"on", "how"})
    if method == "sort":
        return bool(call.args) and not keywords & {"key", "reverse"}
    return bool(keywords & {"subset", "to_replace"}) or isinstance(call.args[0] if call.args else None, ast.Dict)


def _own_calls(ctx: FileContext, function: ast.AST | None) -> list[ast.Call]:
    """The calls whose innermost enclosing function is ``function`` (None: module level), grouped once per file."""
    return ctx.memo("testability.calls", _calls_by_function).get(function, [])


def _calls_by_function(ctx: FileContext) -> dict[ast.AST | None, list[ast.Call]]:
    grouped: dict[ast.AST | None, list[ast.Call]] = {}
    for call in ctx.nodes(ast.Call):
        grouped.setdefault(ctx.enclosing_function(call), []).append(call)
    return grouped


def _is_entry_point(ctx: FileContext, function: _Function, *, readers: bool) -> bool:
    name = function.name
    if name in ENTRY_POINT_NAMES or name.startswith("run_") or name.endswith(("_job", "_main")):
        return True
    if readers and name.lstrip("_").startswith(_READER_PREFIXES):
        return True
    if is_command(ctx, function):
        return True
    return any(d.startswith(_LAKEFLOW_ROOTS) for d in decorator_names(ctx, function))


def _session_fetch(ctx: FileContext, call: ast.Call) -> str | None:
    if is_get_spark(ctx, call):
        return "get_spark()"
    built = builder_call(ctx, call)
    if built:
        return f"{built}.builder...{ctx.method(call)}()"
    got = session_getter(ctx, call)
    if got and isinstance(call.func, ast.Attribute):
        return f"{got}.{call.func.attr}()"
    return None


def _is_session(ctx: FileContext, node: ast.AST) -> bool:
    """``spark``, ``run.spark``, ``df.sparkSession``, ``get_spark()``, ``SparkSession.getActiveSession()``..."""
    if isinstance(node, ast.Name):
        return node.id in _SESSION_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in {"spark", "sparkSession", "spark_session"}
    return isinstance(node, ast.Call) and _session_fetch(ctx, node) is not None


def _table_read(ctx: FileContext, call: ast.Call) -> str | None:
    """``spark.table(..)``, ``spark.read....load(..)``, ``spark.readStream...``, ``spark.sql("SELECT ...")``."""
    method = ctx.method(call)
    if method is None or not isinstance(call.func, ast.Attribute):
        return None
    receiver = call.func.value
    if method == "table" and _is_session(ctx, receiver):
        return "spark.table()"
    if method == "sql" and _is_session(ctx, receiver) and call.args:
        query = call.args[0]
        text = ctx.string(query)
        if text is None and isinstance(query, ast.JoinedStr) and query.values:
            text = ctx.string(query.values[0])
        return "spark.sql(SELECT ...)" if text is not None and _QUERY.match(text) else None
    if method in _READ_METHODS:
        current: ast.AST = receiver
        while isinstance(current, ast.Call | ast.Attribute):
            if isinstance(current, ast.Attribute) and current.attr in {"read", "readStream"}:
                return f"spark.{current.attr}...{method}()" if _is_session(ctx, current.value) else None
            current = current.func if isinstance(current, ast.Call) else current.value
    return None


def _takes_dataframe(function: _Function) -> bool:
    arguments = function.args
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if argument.arg in {"df", "frame"} or argument.arg.endswith("_df"):
            return True
        if argument.annotation is not None and _DATAFRAME.search(ast.unparse(argument.annotation)):
            return True
    return False


def _writes(ctx: FileContext, function: _Function) -> bool:
    """The function writes a table: ``saveAsTable``/``insertInto``/``toTable``, ``.write...save()``, a MERGE."""
    for call in _own_calls(ctx, function):
        method = ctx.method(call)
        if method in {"saveAsTable", "insertInto", "toTable"}:
            return True
        if method in {"save", "start"} and any(a.attr in {"write", "writeStream"} for a in _attributes(call.func)):
            return True
        if method == "execute" and "merge" in ctx.chain_methods(call):
            return True
    return False


def _library_spark(ctx: FileContext) -> bool:
    return ctx.is_library and ctx.uses_spark


# -- DBA501 ----------------------------------------------------------------------------------------------


@rule(
    RuleSpec(
        id="DBA501",
        name="transform-creates-session",
        severity=Severity.WARNING,
        category=Category.TESTABILITY,
        summary="Transform function fetches its own Spark session",
        rationale=(
            "A function that derives columns, joins or aggregates and also calls `get_spark()` (or the builder, "
            "or `getActiveSession()`) hides its dependency: a test cannot hand it a small local DataFrame, the "
            "function decides which session and config it runs on, and reusing it in another job or a notebook "
            "drags the session setup along. Taking the DataFrame as a parameter (and `df.sparkSession` when a "
            "session is needed) keeps it a pure DataFrame-in, DataFrame-out step. Entry points (`main`, `run`, "
            "`run_*`, `*_job`, `cli`, click commands) and Lakeflow/DLT table functions are not flagged."
        ),
        fix=(
            "Take the input as a parameter: `def enrich(orders: DataFrame) -> DataFrame`, call `get_spark()` "
            "once in the entry point, and use `orders.sparkSession` when the transform needs a session."
        ),
        flagged=(
            "from databricks_utils import get_spark\n\n"
            "def enrich(rows):\n    spark = get_spark()\n"
            "    return spark.createDataFrame(rows).withColumn('n', F.lit(1))\n"
        ),
        clean="def enrich(orders):\n    return orders.withColumn('n', F.lit(1))\n",
    )
)
def transform_creates_session(ctx: FileContext) -> Iterator[Hit]:
    """A library function with DataFrame transformations that gets a session itself."""
    if not _library_spark(ctx):
        return
    for function in ctx.functions():
        deriving, _ = _transform_calls(ctx, function)
        if not deriving or _is_entry_point(ctx, function, readers=False):
            continue
        for call in _own_calls(ctx, function):
            fetched = _session_fetch(ctx, call)
            if fetched:
                yield ctx.hit(
                    call,
                    f"{function.name}() transforms DataFrames but fetches its own session with {fetched}: "
                    "take the DataFrame as a parameter",
                )
                break


# -- DBA502 ----------------------------------------------------------------------------------------------


@rule(
    RuleSpec(
        id="DBA502",
        name="transform-reads-tables",
        severity=Severity.WARNING,
        category=Category.TESTABILITY,
        summary="Transform function reads its own input tables",
        rationale=(
            "A function that reads `spark.table('bronze')` and then derives, joins or aggregates can only be "
            "tested against that table, with its data, in a catalog the test can reach; the logic worth testing "
            "is welded to I/O. Split it: a reader (or the entry point) reads, and a transform takes the "
            "DataFrame and returns one, testable with `spark_session.createDataFrame(rows)`. Readers by name "
            "(`read_*`, `load_*`, `extract_*`, `ingest*`, `fetch_*`), entry points, Lakeflow/DLT functions and "
            "functions that already take a DataFrame (a lookup read beside it is allowed) are not flagged, nor "
            "reads that are only filtered or projected."
        ),
        fix=(
            "Move the read to the caller: `def to_silver(bronze: DataFrame) -> DataFrame`, and in the entry point "
            "`to_silver(spark.table(bronze_table))`."
        ),
        flagged=(
            "def daily_totals(spark):\n    orders = spark.table('main.sales.orders')\n"
            "    return orders.groupBy('day').agg(F.sum('amount'))\n"
        ),
        clean=(
            "def daily_totals(orders):\n    return orders.groupBy('day').agg(F.sum('amount'))\n\n"
            "def run(spark):\n    return daily_totals(spark.table('main.sales.orders'))\n"
        ),
    )
)
def transform_reads_tables(ctx: FileContext) -> Iterator[Hit]:
    """A library function with DataFrame transformations that reads a table or files itself."""
    if not _library_spark(ctx):
        return
    for function in ctx.functions():
        deriving, _ = _transform_calls(ctx, function)
        if not deriving or _is_entry_point(ctx, function, readers=True) or _takes_dataframe(function):
            continue
        for call in _own_calls(ctx, function):
            read = _table_read(ctx, call)
            if read:
                yield ctx.hit(
                    call,
                    f"{function.name}() transforms DataFrames but reads its own input with {read}: "
                    "take the DataFrame as a parameter",
                )
                break


# -- DBA503 ----------------------------------------------------------------------------------------------

_ARGUMENT_FREE = frozenset({"count", "collect", "toPandas", "isEmpty", "first", "describe"})


@rule(
    RuleSpec(
        id="DBA503",
        name="action-at-import",
        severity=Severity.ERROR,
        category=Category.TESTABILITY,
        summary="Spark session or job started when the module is imported",
        rationale=(
            "Top-level code runs on every `import`: a library module that starts a session, reads a table or "
            "runs `collect()`/`count()`/`saveAsTable()` at import makes every importer (tests, other jobs, "
            "the docs build, a wheel's entry point) need a cluster and the data, run that job again, and fail "
            "at import time with a confusing traceback. Notebooks, tests and code under "
            '`if __name__ == "__main__":` are not checked.'
        ),
        fix=(
            "Move the work into a function (`def main(): spark = get_spark(); ...`) called by the entry point or "
            "the job task; keep module level to constants, imports and definitions."
        ),
        flagged=(
            "from databricks_utils import get_spark\n\nspark = get_spark()\n"
            "COUNTRIES = [r.code for r in spark.table('ref.countries').collect()]\n"
        ),
        clean=(
            "from databricks_utils import get_spark\n\n"
            "def countries(spark):\n    return [r.code for r in spark.table('ref.countries').collect()]\n"
        ),
    )
)
def action_at_import(ctx: FileContext) -> Iterator[Hit]:
    """Session creation, table reads, SQL and actions in top-level code of library modules."""
    if not _library_spark(ctx):
        return
    spark_names = set(_SESSION_NAMES)
    frame_names: set[str] = set()
    for assign in ctx.nodes(ast.Assign):
        if ctx.enclosing_function(assign) is None and len(assign.targets) == 1:
            target = assign.targets[0]
            if isinstance(target, ast.Name):
                if isinstance(assign.value, ast.Call) and _session_fetch(ctx, assign.value):
                    spark_names.add(target.id)
                elif _spark_rooted(ctx, assign.value, spark_names | frame_names):
                    frame_names.add(target.id)
    for outer in ctx.nodes(ast.Call):
        if ctx.outer_call(outer) is not outer or not ctx.runs_at_import(outer):
            continue
        for call in reversed(ctx.chain(outer)):  # one finding per fluent chain, the outermost work wins
            message = _import_time_work(ctx, call, spark_names, frame_names)
            if message:
                yield ctx.hit(call, f"{message} runs when the module is imported")
                break


def _import_time_work(ctx: FileContext, call: ast.Call, spark_names: set[str], frame_names: set[str]) -> str | None:
    fetched = _session_fetch(ctx, call)
    if fetched:
        return None if fetched.endswith(("getActiveSession()", "active()")) else f"{fetched} (starts a Spark session)"
    method = ctx.method(call)
    if method is None or not isinstance(call.func, ast.Attribute):
        return None
    receiver = call.func.value
    if (method in {"sql", "table"} and _is_session(ctx, receiver) and call.args) or _table_read(ctx, call):
        return f"spark.{method}()" if method in {"sql", "table"} else f"spark.read...{method}()"
    if method not in SPARK_ACTIONS or (method in _ARGUMENT_FREE and (call.args or call.keywords)):
        return None
    spark_rooted = _spark_rooted(ctx, receiver, spark_names | frame_names)
    writes = method in _WRITE_METHODS and any(a.attr in {"write", "writeStream"} for a in _attributes(receiver))
    return f".{method}()" if writes or spark_rooted else None


def _spark_rooted(ctx: FileContext, node: ast.AST, names: set[str]) -> bool:
    """The chain starts at a session or a module-level DataFrame: ``spark...``, ``get_spark()...``, ``orders...``."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Call) and _session_fetch(ctx, node):
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id in names


def _attributes(node: ast.AST) -> Iterator[ast.Attribute]:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Attribute):
            yield node
        node = node.func if isinstance(node, ast.Call) else node.value


# -- DBA504 ----------------------------------------------------------------------------------------------

_NOT_MODULES = frozenset({"__init__.py", "__main__.py", "conftest.py"})  # and private modules (_x.py)
_SHOWN = 3  # transform names listed in the message


def _module_facts(ctx: FileContext) -> tuple[str, ...] | None:
    """DBA504's facts: the modules a test imports, or a library module's public transforms; None otherwise."""
    if ctx.is_test:
        return tuple(sorted(_imported_modules(ctx)))
    if not _library_spark(ctx) or ctx.path.name in _NOT_MODULES or ctx.path.name.startswith("_"):
        return None
    return tuple(_public_transforms(ctx)) or None


@project_rule(
    collect=_module_facts,
    spec=RuleSpec(
        id="DBA504",
        name="module-without-test",
        severity=Severity.WARNING,
        category=Category.TESTABILITY,
        summary="Module of DataFrame transforms that no test imports",
        rationale=(
            "Transform logic is where pipelines go wrong (a join that duplicates rows, a filter that drops "
            "NULLs) and where tests are cheapest: a few rows in `spark_session.createDataFrame`, one call, one "
            "assertion. A module of public transform functions that no test imports has none of that safety net. "
            "Checked only when the project has tests (a reviewed test file, or a `tests/` folder beside "
            "`pyproject.toml`); private functions and functions that write tables (covered by integration tests) "
            "do not count as transforms."
        ),
        fix=(
            "Add `tests/test_<module>.py` that imports the module's transforms and checks them on a small "
            "DataFrame built with the `spark_session` fixture, e.g. `assertDataFrameEqual(to_silver(df), expected)`."
        ),
        # A project rule: the finding depends on the tests beside the module, not on the module alone.
        flagged=(
            "# src/project/transforms.py (tests/ has no test importing project.transforms)\n"
            "def add_total(orders):\n    return orders.withColumn('total', F.col('qty') * F.col('price'))\n"
        ),
        clean=(
            "# src/project/transforms.py (tests/test_transforms.py: from project.transforms import add_total)\n"
            "def add_total(orders):\n    return orders.withColumn('total', F.col('qty') * F.col('price'))\n"
        ),
    ),
)
def module_without_test(files: Sequence[ProjectFile]) -> Iterator[tuple[ProjectFile, Hit]]:
    """Library modules with public transform functions that no test (reviewed or on disk) imports."""
    reviewed_tests = [file for file in files if file.is_test]
    imported: set[str] = set()
    for test in reviewed_tests:
        imported.update(_strings(test.facts.get("DBA504")))
    tails = _dotted_tails(imported)
    disk_tests: dict[Path, str | None] = {}
    for file in files:
        transforms = file.facts.get("DBA504")
        if file.is_test or not transforms:
            continue
        root = _project_root(file.path)
        if root is not None and root not in disk_tests:
            disk_tests[root] = _tests_text(root)
        on_disk = disk_tests.get(root) if root is not None else None
        if not reviewed_tests and on_disk is None:
            continue
        module = _module_name(file.path, root)
        if _is_imported(module, imported, tails) or (on_disk is not None and _mentioned(module, on_disk)):
            continue
        names = _strings(transforms)
        shown = ", ".join(f"{name}()" for name in names[:_SHOWN]) + (", ..." if len(names) > _SHOWN else "")
        yield file, FileContext.hit_at(1, f"no test imports {module} (transforms {shown})")


def _strings(facts: object) -> list[str]:
    return [str(item) for item in facts] if isinstance(facts, tuple) else []


def _public_transforms(ctx: FileContext) -> list[str]:
    names: list[str] = []
    for function in ctx.functions():
        if function.name.startswith("_") or not isinstance(ctx.parent(function), ast.Module):
            continue
        arguments = function.args
        if not (arguments.posonlyargs or arguments.args or arguments.kwonlyargs):
            continue
        deriving, shaping = _transform_calls(ctx, function)
        if (deriving or len(shaping) > 1) and not _writes(ctx, function):
            names.append(function.name)
    return names


def _project_root(path: Path) -> Path | None:
    for folder in path.resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def _tests_text(root: Path) -> str | None:
    """The text of every ``tests/**/*.py`` under the project root, None when there is no tests folder."""
    folder = root / "tests"
    if not folder.is_dir():
        return None
    texts: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return "\n".join(texts)


def _module_name(path: Path, root: Path | None) -> str:
    absolute = path.resolve()
    parts = list(absolute.relative_to(root).parts) if root is not None else list(path.parts)
    if "src" in parts[:-1]:
        parts = parts[len(parts) - parts[::-1].index("src") :]
    elif root is None:
        parts = parts[-2:]
    parts[-1] = parts[-1].removesuffix(".py")
    return ".".join(part for part in parts if part not in {"", ".", "..", "/"})


def _imported_modules(ctx: FileContext) -> set[str]:
    modules: set[str] = set()
    for plain in ctx.nodes(ast.Import):
        modules.update(alias.name for alias in plain.names)
    for node in ctx.nodes(ast.ImportFrom):
        if node.module is None:
            continue
        modules.add(node.module)
        modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _is_imported(module: str, imported: set[str], tails: set[str]) -> bool:
    """``module`` is imported, or one is imported that names it by a dotted tail (``pkg.jobs`` ~ ``jobs.x``...)."""
    if module in imported:
        return True
    parts = module.split(".")
    # module ends with ".name" for a dotted imported name: one of its dotted tails is imported.
    if any(".".join(parts[i:]) in imported for i in range(1, len(parts) - 1)):
        return True
    # an imported name ends with ".module" for a dotted module.
    return "." in module and module in tails


def _dotted_tails(imported: set[str]) -> set[str]:
    tails: set[str] = set()
    for name in imported:
        parts = name.split(".")
        tails.update(".".join(parts[i:]) for i in range(1, len(parts) - 1))
    return tails


def _mentioned(module: str, text: str) -> bool:
    if re.search(rf"\b{re.escape(module)}\b", text):
        return True
    parent, _, stem = module.rpartition(".")
    if not parent:
        return bool(re.search(rf"^\s*(?:import|from)\s+{re.escape(stem)}\b", text, re.MULTILINE))
    pattern = rf"from\s+{re.escape(parent)}\s+import\s+(?:\([^)]*|[^\n]*)\b{re.escape(stem)}\b"
    return bool(re.search(pattern, text))


# -- DBA505 / DBA506 -------------------------------------------------------------------------------------

_CHECKING_CALLS = frozenset({"raises", "warns", "fail", "deprecated_call"})
# Methods that raise on a mismatch: pytester's line matchers.
_MATCHERS = frozenset({"fnmatch_lines", "re_match_lines", "no_fnmatch_line", "no_re_match_line"})
_SKIPPING_CALLS = frozenset({"skip", "xfail", "importorskip"})


def _test_functions(ctx: FileContext) -> Iterator[_Function]:
    for function in ctx.functions():
        if not (function.name.startswith("test_") or function.name == "test"):
            continue
        parent = ctx.parent(function)
        if isinstance(parent, ast.ClassDef) and not (
            parent.name.startswith("Test") or any((ctx.dotted(b) or "").endswith("TestCase") for b in parent.bases)
        ):
            continue
        if not isinstance(parent, ast.Module | ast.ClassDef):
            continue
        if any(d.rsplit(".", 1)[-1] in {"fixture", "skip", "xfail"} for d in decorator_names(ctx, function)):
            continue
        yield function


def _checks(ctx: FileContext, function: _Function, helpers: dict[str, _Function], depth: int) -> bool:
    """True when the function asserts, expects an exception, skips, or calls a local helper that does."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert) or (isinstance(node, ast.Raise) and node.exc is not None):
            return True
        if not isinstance(node, ast.Call):
            continue
        if _is_check_call(ctx, node):
            return True
        helper = helpers.get(_called_name(node)) if depth else None
        if helper is not None and helper is not function and _checks(ctx, helper, helpers, depth - 1):
            return True
    return False


def _called_name(call: ast.Call) -> str:
    """``f`` of ``f(...)``, ``m`` of ``anything.m(...)``."""
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else ""


def _is_check_call(ctx: FileContext, call: ast.Call) -> bool:
    """``assert*``/``check_*``/``verify*``/``expect*`` calls, pytest.raises/warns/fail/skip, matchers, check=True."""
    last = _called_name(call)
    if last.lower().startswith(("assert", "check_", "verify", "expect")) or last in _MATCHERS:
        return True
    if last in _CHECKING_CALLS | _SKIPPING_CALLS and (ctx.dotted(call.func) or "").startswith(("pytest.", "self.")):
        return True
    return _is_true(FileContext.keyword(call, "check"))  # subprocess.run(..., check=True)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _local_helpers(ctx: FileContext) -> dict[str, _Function]:
    helpers: dict[str, _Function] = {}
    for function in ctx.functions():
        parent = ctx.parent(function)
        if isinstance(parent, ast.Module | ast.ClassDef):
            helpers.setdefault(function.name, function)
    return helpers


@rule(
    RuleSpec(
        id="DBA505",
        name="test-without-assertion",
        severity=Severity.WARNING,
        category=Category.TESTABILITY,
        summary="Test function that checks nothing",
        rationale=(
            "A test without an assertion passes as long as the code does not raise: a transform that returns "
            "the wrong rows, drops every row or computes nonsense stays green, and the coverage number says it "
            "is tested. Asserts, `pytest.raises`/`pytest.warns`, `assert*` calls (`assertDataFrameEqual`, "
            "`assert_df_equality`, `mock.assert_called_once_with`) and local helpers that assert all count."
        ),
        fix=(
            "Assert on the result: `assertDataFrameEqual(actual, expected)` (pyspark.testing) or "
            "`assert [r.asDict() for r in result.collect()] == [...]`; use `pytest.raises` for expected errors."
        ),
        flagged="def test_to_silver(spark_session):\n    to_silver(spark_session.createDataFrame([(1,)], 'id int'))\n",
        clean=(
            "def test_to_silver(spark_session):\n"
            "    result = to_silver(spark_session.createDataFrame([(1,)], 'id int'))\n"
            "    assert result.collect() == [(1,)]\n"
        ),
        example_path="tests/test_silver.py",
    )
)
def test_without_assertion(ctx: FileContext) -> Iterator[Hit]:
    """``test_*`` functions with no assert, no pytest.raises, no ``assert*`` call and no asserting helper."""
    if not ctx.is_test or ctx.path.name == "conftest.py":
        return
    helpers = _local_helpers(ctx)
    for function in _test_functions(ctx):
        if not _checks(ctx, function, helpers, depth=1):
            yield ctx.hit_at(
                function.lineno,
                f"{function.name}() asserts nothing: it passes whatever the code returns",
                column=function.col_offset + 1,
                width=len(function.name) + 4,
            )


@rule(
    RuleSpec(
        id="DBA506",
        name="weak-test-assertion",
        severity=Severity.INFO,
        category=Category.TESTABILITY,
        summary="Test only checks that a result exists or is non-empty",
        rationale=(
            "`assert result is not None` or `assert df.count() > 0` passes for almost any output: wrong "
            "columns, wrong values, duplicated rows. A DataFrame test earns its keep by comparing rows and "
            "schema with what is expected."
        ),
        fix=(
            "Compare with the expected rows: `assertDataFrameEqual(actual, expected)` (pyspark.testing) or "
            "`assert sorted(r.asDict().items() for r in actual.collect()) == ...`."
        ),
        flagged="def test_to_silver(spark_session):\n    result = to_silver(spark_session.range(3))\n"
        "    assert result.count() > 0\n",
        clean="def test_to_silver(spark_session):\n    result = to_silver(spark_session.range(3))\n"
        "    assert result.count() == 3\n",
        example_path="tests/test_silver.py",
    )
)
def weak_test_assertion(ctx: FileContext) -> Iterator[Hit]:
    """Tests whose every assertion is ``is not None``, truthiness or a count/len above zero."""
    if not ctx.is_test or ctx.path.name == "conftest.py":
        return
    helpers = _local_helpers(ctx)
    for function in _test_functions(ctx):
        asserts: list[ast.Assert] = []
        other_checks = False
        for node in ast.walk(function):
            if isinstance(node, ast.Assert):
                asserts.append(node)
            elif isinstance(node, ast.Call | ast.Raise | ast.With | ast.AsyncWith):
                other_checks = other_checks or _is_other_check(ctx, node, helpers)
        if asserts and not other_checks and _is_spark_test(function) and all(_is_weak(a.test) for a in asserts):
            yield ctx.hit(asserts[0], f"{function.name}() only checks that a result exists or is non-empty")


def _is_spark_test(function: _Function) -> bool:
    """The test takes a Spark fixture (``spark_session``, ``spark``...): its results are DataFrames."""
    arguments = function.args
    return any("spark" in argument.arg for argument in (*arguments.posonlyargs, *arguments.args))


def _is_other_check(ctx: FileContext, node: ast.AST, helpers: dict[str, _Function]) -> bool:
    if isinstance(node, ast.Raise):
        return True
    return isinstance(node, ast.Call) and (_is_check_call(ctx, node) or _called_name(node) in helpers)


def _is_weak(test: ast.expr) -> bool:
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, right = test.ops[0], test.comparators[0]
        if isinstance(op, ast.IsNot) and isinstance(right, ast.Constant) and right.value is None:
            return True
        if _is_size(test.left) and isinstance(right, ast.Constant) and isinstance(right.value, int):
            return (type(op), right.value) in {(ast.Gt, 0), (ast.GtE, 1), (ast.NotEq, 0)}
        return False
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance":
        return True
    return _is_size(test)


def _is_size(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    if isinstance(node.func, ast.Attribute) and node.func.attr == "count" and not node.args:
        return True
    return isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1


RULES: tuple[Rule, ...] = (
    transform_creates_session,
    transform_reads_tables,
    action_at_import,
    module_without_test,
    test_without_assertion,
    weak_test_assertion,
)
