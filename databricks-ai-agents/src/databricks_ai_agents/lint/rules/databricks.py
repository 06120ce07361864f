"""Databricks and Unity Catalog rules (DBA3xx): code tied to one workspace, one cluster type or legacy APIs."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from databricks_ai_agents.lint.bindings import Bindings, bindings_of
from databricks_ai_agents.lint.context import FileContext, Hit
from databricks_ai_agents.lint.model import Category, RuleSpec, Severity
from databricks_ai_agents.lint.rule import Rule, rule

_HOLE = "\x00"


def _is_docstring(ctx: FileContext, constant: ast.Constant) -> bool:
    """A bare string statement (module, class or function docstring, or a comment-like string)."""
    parent = ctx.parent(constant)
    if isinstance(parent, ast.JoinedStr):
        parent = ctx.parent(parent)
    return isinstance(parent, ast.Expr)


def _bound_names(ctx: FileContext) -> set[str]:
    """Every name the file binds itself: imports, assignments, parameters, functions and classes."""
    names = set(ctx.imports)
    names.update(n.id for n in ctx.nodes(ast.Name) if not isinstance(n.ctx, ast.Load))
    names.update(a.arg for a in ctx.nodes(ast.arg))
    for kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        names.update(node.name for node in ctx.nodes(kind))  # type: ignore[attr-defined]
    return names


def _string_constants(ctx: FileContext) -> list[tuple[ast.Constant, str]]:
    """String constants that are code, not documentation (docstrings left out), with their text."""
    return ctx.memo("databricks.strings", _code_strings)


def _code_strings(ctx: FileContext) -> list[tuple[ast.Constant, str]]:
    return [
        (constant, constant.value)
        for constant in ctx.nodes(ast.Constant)
        if isinstance(constant.value, str) and not _is_docstring(ctx, constant)
    ]


def _expression_strings(ctx: FileContext, methods: frozenset[str]) -> Iterator[tuple[ast.AST, str]]:
    """String constants passed (directly or in an f-string) to calls of ``methods``: SQL text and SQL expressions."""
    for constant, text, name in ctx.memo("databricks.call_strings", _call_strings):
        if name in methods:
            yield constant, text


def _call_strings(ctx: FileContext) -> list[tuple[ast.AST, str, str | None]]:
    """Each code string passed to a call, with the called method or function name (once per file)."""
    found: list[tuple[ast.AST, str, str | None]] = []
    for constant, text in _string_constants(ctx):
        node: ast.AST = constant
        parent = ctx.parent(node)
        while isinstance(parent, ast.JoinedStr | ast.BinOp | ast.List | ast.Tuple | ast.keyword):
            node, parent = parent, ctx.parent(parent)
        if isinstance(parent, ast.Call) and node is not parent.func:
            name = FileContext.method(parent) or (parent.func.id if isinstance(parent.func, ast.Name) else None)
            found.append((constant, text, name))
    return found


def _template(ctx: FileContext, node: ast.AST | None, bindings: Bindings) -> str | None:
    """A string constant's text, or an f-string's with each interpolation a NUL character; one name hop."""
    if isinstance(node, ast.Name):
        node = bindings.value(node)
    if isinstance(node, ast.JoinedStr):
        return "".join(ctx.string(v) or "" if isinstance(v, ast.Constant) else _HOLE for v in node.values)
    return ctx.string(node)


# -- DBA301 -----------------------------------------------------------------------------------------------
_STORAGE_PREFIXES = (
    "dbfs:/", "/dbfs/", "/mnt/", "s3://", "s3a://", "s3n://", "abfss://", "abfs://", "wasbs://", "wasb://", "gs://"
)  # fmt: skip
_MOUNT = re.compile(r"^(?:dbfs:|/dbfs)?/mnt/")
_FINE_AFTER_PREFIX = ("Volumes/", "databricks-datasets")  # dbfs:/Volumes/... is a UC volume; samples are read-only


def _storage_prefix(text: str) -> str | None:
    for prefix in _STORAGE_PREFIXES:
        if text.startswith(prefix):
            rest = text[len(prefix) :].lstrip("/")
            if rest[:1].isalnum() and not rest.startswith(_FINE_AFTER_PREFIX) and not any(c.isspace() for c in text):
                return prefix
            return None
    return None


@rule(
    RuleSpec(
        id="DBA301",
        name="hardcoded-storage-path",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="A cloud storage, DBFS or mount path written into the code",
        rationale=(
            "A literal `s3://`, `abfss://`, `gs://`, `dbfs:/` or `/mnt/` path ties the code to one workspace "
            "and one environment: dev and prod read the same bucket, and moving storage means editing code. "
            "DBFS mounts and the DBFS root are not governed by Unity Catalog, so such paths bypass its "
            "permissions and lineage, and serverless compute limits DBFS access and reaches cloud storage only "
            "through Unity Catalog external locations. `/Volumes/...` paths and table names are the Unity "
            "Catalog way and are not flagged."
        ),
        fix=(
            "Read the location from configuration (job parameters, a config file per environment), and prefer "
            "Unity Catalog tables (`spark.table(name)`) or volumes (`/Volumes/<catalog>/<schema>/<volume>/...`)."
        ),
        flagged="raw = spark.read.json('s3://acme-raw/orders/')\n",
        clean="raw = spark.read.json(settings.source_path)\n",
    )
)
def hardcoded_storage_path(ctx: FileContext) -> Iterator[Hit]:
    """String literals (and f-strings' leading literal) that start with a storage scheme or a mount."""
    if ctx.is_test:
        return
    for constant, text in _string_constants(ctx):
        parent = ctx.parent(constant)
        if isinstance(parent, ast.JoinedStr) and parent.values[0] is not constant:
            continue  # only the start of an f-string says what kind of path it is
        prefix = _storage_prefix(text)
        if prefix is None:
            continue
        node = parent if isinstance(parent, ast.JoinedStr) else constant
        if _MOUNT.match(text):
            yield ctx.hit(node, "hard-coded DBFS mount path: mounts bypass Unity Catalog; use a volume or a table")
        else:
            yield ctx.hit(node, f"hard-coded `{prefix}` storage path; take it from config or use a UC volume/table")


# -- DBA302 -----------------------------------------------------------------------------------------------
_CONTEXT_CLASSES = frozenset(
    {"pyspark.SparkContext", "pyspark.context.SparkContext", "pyspark.sql.SQLContext",
     "pyspark.sql.context.SQLContext", "pyspark.sql.HiveContext", "pyspark.sql.context.HiveContext",
     "pyspark.HiveContext", "pyspark.SQLContext"}
)  # fmt: skip
_CONTEXT_ATTRIBUTES = frozenset({"sparkContext", "sqlContext", "_jsc", "_jvm", "_jsparkSession"})
_NOTEBOOK_GLOBALS = frozenset({"sc", "sqlContext"})


def _accessed_through_context(node: ast.AST) -> bool:
    """``spark.sparkContext._jsc``: the inner ``sparkContext`` is already reported."""
    current = node.value if isinstance(node, ast.Attribute) else node
    while isinstance(current, ast.Attribute | ast.Call):
        if isinstance(current, ast.Attribute) and current.attr in _CONTEXT_ATTRIBUTES:
            return True
        current = current.value if isinstance(current, ast.Attribute) else current.func
    return isinstance(current, ast.Name) and current.id in _NOTEBOOK_GLOBALS


@rule(
    RuleSpec(
        id="DBA302",
        name="spark-context",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="SparkContext, SQLContext or the JVM gateway used directly",
        rationale=(
            "Unity Catalog shared access mode clusters and serverless compute run Spark Connect: there is no "
            "SparkContext on the driver, so `spark.sparkContext`, `sc.parallelize`, `SparkContext.getOrCreate()`, "
            "`sqlContext` and the JVM handles (`spark._jsc`, `spark._jvm`) raise there. Code that uses them "
            "only runs on single-user classic clusters, and the RDD-era APIs they lead to bypass the optimizer."
        ),
        fix=(
            "Use the SparkSession: `spark.createDataFrame(rows)` instead of `sc.parallelize`, `spark.read.text` "
            "instead of `sc.textFile`, `spark.conf` for settings, `F.broadcast(df)` or a join instead of "
            "`sc.broadcast`."
        ),
        flagged="rows = spark.sparkContext.parallelize([(1, 'a')]).toDF(['id', 'name'])\n",
        clean="rows = spark.createDataFrame([(1, 'a')], ['id', 'name'])\n",
    )
)
def spark_context(ctx: FileContext) -> Iterator[Hit]:
    """``x.sparkContext``/``_jsc``/``_jvm``..., ``SparkContext(...)`` calls, a notebook's ``sc``/``sqlContext``."""
    if not ctx.uses_spark or ctx.is_test:
        return
    for attribute in ctx.nodes(ast.Attribute):
        if attribute.attr not in _CONTEXT_ATTRIBUTES or not isinstance(attribute.ctx, ast.Load):
            continue
        if not _accessed_through_context(attribute):
            shown = ctx.dotted(attribute) or f"...{attribute.attr}"
            what = " (the JVM gateway)" if attribute.attr.startswith("_") else ""
            yield ctx.hit(attribute, f"`{shown}`{what} is unavailable on shared access mode and serverless")
    for call in ctx.nodes(ast.Call):
        target = call.func.value if isinstance(call.func, ast.Attribute) else call.func
        qualified = ctx.qualified(target)
        if qualified in _CONTEXT_CLASSES:
            short = qualified.rsplit(".", 1)[-1]
            yield ctx.hit(call, f"{short} is unavailable on shared access mode and serverless; use the SparkSession")
    if ctx.is_notebook:
        bound = _bound_names(ctx)
        for name in ctx.nodes(ast.Name):
            if name.id in _NOTEBOOK_GLOBALS and name.id not in bound and isinstance(ctx.parent(name), ast.Attribute):
                yield ctx.hit(name, f"the notebook's `{name.id}` is unavailable on shared access mode and serverless")


# -- DBA303 / DBA304 --------------------------------------------------------------------------------------
_RUNTIME_DBUTILS = "databricks.sdk.runtime.dbutils"


def _outer_attribute(ctx: FileContext, node: ast.AST) -> ast.AST:
    parent = ctx.parent(node)
    while isinstance(parent, ast.Attribute):
        node, parent = parent, ctx.parent(parent)
    return node


@rule(
    RuleSpec(
        id="DBA303",
        name="dbutils-in-library",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="dbutils used in a library module",
        rationale=(
            "`dbutils` is a global that only Databricks notebooks and notebook jobs define. A module that uses "
            "it cannot be imported by a unit test, a wheel task, a local run or Databricks Connect without "
            "failing with NameError, and it hides its inputs (widgets, secrets) from its callers."
        ),
        fix=(
            "Read widgets and secrets in the notebook or entry point and pass the values in as parameters; in "
            "library code that must reach the workspace, use `databricks.sdk.WorkspaceClient()` "
            "(`w.dbutils`, `w.secrets`)."
        ),
        flagged="def source_path() -> str:\n    return dbutils.widgets.get('source_path')\n",
        clean="def source_path(params: dict[str, str]) -> str:\n    return params['source_path']\n",
    )
)
def dbutils_in_library(ctx: FileContext) -> Iterator[Hit]:
    """Uses of the notebook global ``dbutils`` in library modules (not when the module binds it itself)."""
    if not ctx.is_library:
        return
    bound = _bound_names(ctx) - ({"dbutils"} if ctx.imports.get("dbutils") == _RUNTIME_DBUTILS else set())
    if "dbutils" in bound:
        return  # a parameter, or WorkspaceClient().dbutils / DBUtils(spark) assigned in the module
    for name in ctx.nodes(ast.Name):
        if name.id == "dbutils" and isinstance(name.ctx, ast.Load):
            used = ctx.dotted(_outer_attribute(ctx, name)) or "dbutils"
            yield ctx.hit(name, f"`{used}` only exists in notebooks and notebook jobs; pass the value in")


@rule(
    RuleSpec(
        id="DBA304",
        name="display-in-library",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="display() or displayHTML() called in a library module",
        rationale=(
            "`display` and `displayHTML` are notebook globals: in a module they raise NameError outside a "
            "notebook (tests, wheel tasks, local runs), and inside one they run a Spark job to render rows "
            "nobody looks at when the code runs as a scheduled job."
        ),
        fix="Return the DataFrame and display it in the notebook; log a summary (row counts) in library code.",
        flagged="def report(df):\n    display(df)\n    return df\n",
        clean="def report(df):\n    logger.info('report has %d columns', len(df.columns))\n    return df\n",
    )
)
def display_in_library(ctx: FileContext) -> Iterator[Hit]:
    """``display(...)``/``displayHTML(...)`` calls to the notebook globals in library modules."""
    if not ctx.is_library:
        return
    bound: set[str] | None = None
    for call in ctx.calls_named("display", "displayHTML"):
        if isinstance(call.func, ast.Name) and call.func.id in {"display", "displayHTML"}:
            bound = bound if bound is not None else _bound_names(ctx)
            if call.func.id not in bound:
                yield ctx.hit(call, f"{call.func.id}() is a notebook global; return the DataFrame instead")


# -- DBA305 -----------------------------------------------------------------------------------------------
@rule(
    RuleSpec(
        id="DBA305",
        name="magic-run",
        severity=Severity.INFO,
        category=Category.DATABRICKS,
        summary="%run includes another notebook",
        rationale=(
            "`%run ./helpers` pastes another notebook's globals into this one: what it defines is invisible to "
            "readers and linters, nothing can be unit-tested or versioned apart, and a rename in the helper "
            "breaks the caller only at run time. Files in Databricks Git folders are importable modules."
        ),
        fix=(
            "Move the shared code into a Python module (or a wheel) and `import` it; pass notebook-to-notebook "
            "parameters through job task values or `dbutils.notebook.run` when a separate run is intended."
        ),
        flagged="# Databricks notebook source\n# MAGIC %run ./helpers\n\n# COMMAND ----------\n\nclean(df)\n",
        clean="# Databricks notebook source\nfrom project.helpers import clean\n\n# COMMAND ----------\n\nclean(df)\n",
        example_path="notebooks/etl.py",
    )
)
def magic_run(ctx: FileContext) -> Iterator[Hit]:
    """``%run`` magics in Databricks source notebooks and ``.ipynb`` notebooks."""
    for magic in ctx.source.magics:
        if magic.command != "run":
            continue
        line = ctx.lines[magic.line - 1] if magic.line <= len(ctx.lines) else ""
        column = line.find("%run") + 1 or 1
        target = magic.text.split(maxsplit=1)[1] if len(magic.text.split()) > 1 else "a notebook"
        yield ctx.hit_at(
            magic.line, f"%run {target} inlines a notebook; import a module instead", column=column, width=4
        )


# -- DBA306 -----------------------------------------------------------------------------------------------
_WORKSPACE_HOST = re.compile(
    r"(?<![\w.-])(?P<host>[a-z0-9][\w-]*(?:\.[\w-]+)*)\.(?P<domain>azuredatabricks\.net|cloud\.databricks\.com"
    r"|gcp\.databricks\.com|databricks\.azure\.cn|databricks\.azure\.us|cloud\.databricks\.us|cloud\.databricks\.mil)"
    r"(?![\w-])",
    re.IGNORECASE,
)
_SHARED_HOSTS = frozenset({"accounts", "accounts-dod", "login", "docs"})  # the same for every customer


@rule(
    RuleSpec(
        id="DBA306",
        name="hardcoded-workspace-url",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="A Databricks workspace URL written into the code",
        rationale=(
            "A literal `https://adb-....azuredatabricks.net` (or `*.cloud.databricks.com`, `*.gcp.databricks.com`) "
            "points every environment at one workspace: a dev run calls prod, and moving workspaces means "
            "editing code. The Databricks SDK and CLI already resolve the host from the environment or a "
            "config profile."
        ),
        fix=(
            "Let `WorkspaceClient()` find the host (`DATABRICKS_HOST`, `~/.databrickscfg` profiles, the notebook "
            "context), or read it from configuration."
        ),
        flagged="client = WorkspaceClient(host='https://adb-1234567890123456.7.azuredatabricks.net')\n",
        clean="client = WorkspaceClient(profile=settings.profile)\n",
    )
)
def hardcoded_workspace_url(ctx: FileContext) -> Iterator[Hit]:
    """String literals naming a workspace host (account consoles and docs left out); not in tests."""
    if ctx.is_test:
        return
    for constant, text in _string_constants(ctx):
        if any(c.isspace() for c in text):
            continue  # a message, an example or an embedded config file, not a setting
        for match in _WORKSPACE_HOST.finditer(text):
            if match["host"].split(".")[0].lower() not in _SHARED_HOSTS:
                domain = match["domain"].lower()
                yield ctx.hit(constant, f"hard-coded workspace host (*.{domain}); use DATABRICKS_HOST or a profile")
                break


# -- DBA307 -----------------------------------------------------------------------------------------------
_IDENT = r"(?:`[^`\x00]+`|[A-Za-z_][\w-]*)"
_PART = r"(?:`[^`]*`|[\w\x00-]+)"
_THREE_PART_NAME = re.compile(rf"^\s*(?P<catalog>{_IDENT})\.{_PART}\.{_PART}\s*$")
_SQL_THREE_PART = re.compile(
    rf"\b(?:FROM|JOIN|INTO|TABLE|USING|UPDATE|EXISTS|HISTORY|OPTIMIZE|VACUUM|DESCRIBE|VIEW)\s+"
    rf"(?P<catalog>{_IDENT})\.{_PART}\.{_PART}",
    re.IGNORECASE,
)
_SQL_USE_CATALOG = re.compile(
    rf"\b(?:USE|SET)\s+CATALOG\s+(?P<catalog>{_IDENT})(?![\w\x00])|^\s*USE\s+(?:SCHEMA\s+|DATABASE\s+)?"
    rf"(?P<catalog2>{_IDENT})\.{_PART}",
    re.IGNORECASE,
)
_BUILTIN_CATALOGS = frozenset({"system", "samples"})
_TABLE_ARGUMENTS = {
    "table": 0, "saveAsTable": 0, "insertInto": 0, "toTable": 0, "writeTo": 0, "tableExists": 0,
    "refreshTable": 0, "cacheTable": 0, "uncacheTable": 0, "getTable": 0, "forName": 1,
}  # fmt: skip
_TABLE_KEYWORDS = ("tableName", "name", "table", "tableOrViewName")


def _table_argument(ctx: FileContext, call: ast.Call, method: str) -> ast.expr | None:
    index = _TABLE_ARGUMENTS[method]
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg in _TABLE_KEYWORDS), None)


def _literal_catalog(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    catalog = next(g for g in (match.groupdict().get("catalog"), match.groupdict().get("catalog2")) if g)
    return None if catalog.strip("`").lower() in _BUILTIN_CATALOGS else catalog.strip("`")


def _sql_catalog(text: str) -> str | None:
    for match in (*_SQL_THREE_PART.finditer(text), *_SQL_USE_CATALOG.finditer(text)):
        catalog = _literal_catalog(match)
        if catalog:
            return catalog
    return None


@rule(
    RuleSpec(
        id="DBA307",
        name="hardcoded-catalog",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="A Unity Catalog catalog name written into a table name or SQL",
        rationale=(
            "Unity Catalog separates environments by catalog (`dev`, `staging`, `prod`). A literal "
            "`prod.sales.orders` in `spark.table`, `saveAsTable` or SQL makes every environment read and "
            "write the same catalog - a test run that writes to prod, or a prod job that reads dev data. The "
            "built-in `system` and `samples` catalogs are fine, and so is an f-string that interpolates the "
            "catalog."
        ),
        fix=(
            'Take the catalog from configuration or a job parameter: `spark.table(f"{catalog}.sales.orders")`, '
            "or set it once with `spark.catalog.setCurrentCatalog(catalog)` and use `schema.table` names."
        ),
        flagged="orders = spark.table('prod.sales.orders')\n",
        clean="orders = spark.table(f'{catalog}.sales.orders')\n",
    )
)
def hardcoded_catalog(ctx: FileContext) -> Iterator[Hit]:
    """Three-part names with a literal catalog in table APIs and ``.sql()`` text; ``USE CATALOG x``."""
    if ctx.is_test or not ctx.uses_spark:
        return
    bindings: Bindings | None = None
    for call in ctx.nodes(ast.Call):
        method = ctx.method(call)
        if method in _TABLE_ARGUMENTS:
            argument = _table_argument(ctx, call, method)
            bindings = bindings or bindings_of(ctx)
            text = _template(ctx, argument, bindings)
            catalog = _literal_catalog(_THREE_PART_NAME.match(text)) if text else None
        elif method == "sql":
            argument = ctx.argument(call, 0, "sqlQuery")
            bindings = bindings or bindings_of(ctx)
            text = _template(ctx, argument, bindings)
            catalog = _sql_catalog(text) if text else None
        elif method == "setCurrentCatalog":
            argument = ctx.argument(call, 0, "catalogName")
            catalog = ctx.string(argument)
        else:
            continue
        if catalog and argument is not None:
            yield ctx.hit(argument, f"hard-coded catalog `{catalog}`; take the catalog from config per environment")


# -- DBA308 -----------------------------------------------------------------------------------------------
_INPUT_FILE_NAME_SQL = re.compile(r"(?<![\w.`])input_file_(?:name|block_start|block_length)\s*\(", re.IGNORECASE)
_INPUT_FILE_FUNCTIONS = frozenset({"input_file_name", "input_file_block_start", "input_file_block_length"})
_SQL_EXPRESSION_CALLS = frozenset({"sql", "expr", "selectExpr", "filter", "where"})


@rule(
    RuleSpec(
        id="DBA308",
        name="input-file-name",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="input_file_name() used to find a row's source file",
        rationale=(
            "`input_file_name()` is not available on Unity Catalog, is deprecated since Databricks Runtime 13.3 "
            "LTS and no longer supported in Databricks SQL and Runtime 17.3 LTS; where it runs, it is "
            "nondeterministic and returns an empty string when the information is lost. The hidden `_metadata` "
            "column of file sources gives the file's path, name, size and modification time reliably."
        ),
        fix="Select `F.col('_metadata.file_path')` (or `_metadata.file_name`) from the file source instead.",
        flagged=(
            "from pyspark.sql import functions as F\n\n"
            "raw = spark.read.json(path).withColumn('source_file', F.input_file_name())\n"
        ),
        clean=(
            "from pyspark.sql import functions as F\n\n"
            "raw = spark.read.json(path).withColumn('source_file', F.col('_metadata.file_path'))\n"
        ),
    )
)
def input_file_name(ctx: FileContext) -> Iterator[Hit]:
    """``F.input_file_name()`` (however imported) and ``input_file_name(`` in SQL expression strings."""
    if not ctx.uses_spark:
        return
    aliases = {local for local, name in ctx.imports.items() if name.rpartition(".")[2] in _INPUT_FILE_FUNCTIONS}
    for call in ctx.calls_named(*_INPUT_FILE_FUNCTIONS, *aliases):
        qualified = ctx.call_qualified(call) or ""
        module, _, name = qualified.rpartition(".")
        if name in _INPUT_FILE_FUNCTIONS and module.startswith("pyspark."):
            yield ctx.hit(call, f"{name}() is unsupported on Unity Catalog; use the _metadata.file_path column")
    for constant, text in _expression_strings(ctx, _SQL_EXPRESSION_CALLS):
        if _INPUT_FILE_NAME_SQL.search(text):
            yield ctx.hit(constant, "input_file_name() in SQL is unsupported on Unity Catalog; use _metadata.file_path")


# -- DBA309 -----------------------------------------------------------------------------------------------
_DEFAULT_RETENTION_HOURS = 168
_VACUUM_RETAIN = re.compile(r"\bVACUUM\b[^;]*?\bRETAIN\s+(\d+(?:\.\d+)?)\s+HOURS\b", re.IGNORECASE)
_RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled"
_RETENTION_CHECK_SQL = re.compile(
    r"\bSET\s+spark\.databricks\.delta\.retentionDurationCheck\.enabled\s*=\s*false\b", re.IGNORECASE
)


def _is_false(node: ast.AST | None) -> bool:
    value = node.value if isinstance(node, ast.Constant) else None
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


@rule(
    RuleSpec(
        id="DBA309",
        name="vacuum-short-retention",
        severity=Severity.WARNING,
        category=Category.DATABRICKS,
        summary="VACUUM with less than the default 7-day retention, or the retention check turned off",
        rationale=(
            "VACUUM deletes data files that the current table version no longer references. Below the default "
            "retention of 7 days (168 hours) it can delete files that a running query, a streaming reader or a "
            "concurrent writer still needs - they then fail or read a corrupt snapshot - and time travel to "
            "recent versions stops working. Delta refuses such a VACUUM unless "
            "`spark.databricks.delta.retentionDurationCheck.enabled` is turned off, which is why that setting "
            "is flagged too."
        ),
        fix=(
            "Keep the default: `DeltaTable.forName(spark, name).vacuum()` / `VACUUM t` (or RETAIN 168 HOURS and "
            "more); shorten `delta.deletedFileRetentionDuration` on the table only with a reason."
        ),
        flagged="DeltaTable.forName(spark, table).vacuum(0)\n",
        clean="DeltaTable.forName(spark, table).vacuum()\n",
    )
)
def vacuum_short_retention(ctx: FileContext) -> Iterator[Hit]:
    """``.vacuum(n)`` and ``VACUUM ... RETAIN n HOURS`` with n < 168; the retention check set to false."""
    if not ctx.uses_spark:
        return
    bindings: Bindings | None = None
    for call in ctx.nodes(ast.Call):
        method = ctx.method(call)
        hours = ctx.argument(call, 0, "retentionHours")
        if method == "vacuum" and isinstance(hours, ast.Constant) and isinstance(hours.value, int | float):
            if not isinstance(hours.value, bool) and hours.value < _DEFAULT_RETENTION_HOURS:
                yield ctx.hit(call, f"vacuum({hours.value}) keeps less than 7 days of history; use the default")
        elif (
            method in {"set", "config"}
            and ctx.string(ctx.argument(call, 0, "key")) == _RETENTION_CHECK
            and _is_false(ctx.argument(call, 1, "value"))
        ):
            yield ctx.hit(call, "turning off Delta's retention check lets VACUUM delete files readers still need")
        elif method == "sql":
            query = ctx.argument(call, 0, "sqlQuery")
            bindings = bindings or bindings_of(ctx)
            text = _template(ctx, query, bindings) or ""
            match = _VACUUM_RETAIN.search(text)
            if query is not None and match and float(match.group(1)) < _DEFAULT_RETENTION_HOURS:
                yield ctx.hit(query, f"VACUUM RETAIN {match.group(1)} HOURS keeps less than 7 days of history")
            elif query is not None and _RETENTION_CHECK_SQL.search(text):
                yield ctx.hit(query, "turning off Delta's retention check lets VACUUM delete files readers still need")


RULES: tuple[Rule, ...] = (
    hardcoded_storage_path,
    spark_context,
    dbutils_in_library,
    display_in_library,
    magic_run,
    hardcoded_workspace_url,
    hardcoded_catalog,
    input_file_name,
    vacuum_short_retention,
)
