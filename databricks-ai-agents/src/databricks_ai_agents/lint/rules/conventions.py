"""Project-convention rules (DBA4xx): use the project's session factory, logger and retries; no secrets in code.

The conventions are those of ``databricks_utils``: ``get_spark()`` builds the session (local, Spark Connect or
Databricks from config), ``get_logger(__name__)`` logs structured JSON, ``@with_retry`` retries transient
failures, and secrets come from ``dbutils.secrets`` or the environment.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import PurePath

from databricks_ai_agents.lint.context import FileContext, Hit
from databricks_ai_agents.lint.model import Category, RuleSpec, Severity
from databricks_ai_agents.lint.rule import Rule, rule

# -- shared helpers (testability.py uses them too) ----------------------------------------------------------

_SESSION_CLASSES = frozenset(
    {"pyspark.sql.SparkSession", "pyspark.sql.session.SparkSession", "SparkSession",
     "databricks.connect.DatabricksSession", "databricks.connect.session.DatabricksSession", "DatabricksSession"}
)  # fmt: skip
_SESSION_GETTERS = frozenset({"getActiveSession", "active"})
ENTRY_POINT_NAMES = frozenset({"main", "run", "entrypoint", "entry_point", "cli"})
# Folders of runnable scripts, not library code: their stdout is their interface.
_SCRIPT_FOLDERS = frozenset({"examples", "scripts", "benchmarks", "tools", "bin", "docs"})


def session_class(ctx: FileContext, node: ast.AST) -> str | None:
    """``SparkSession`` or ``DatabricksSession`` when ``node`` names one of them (through the imports)."""
    name = ctx.qualified(node)
    return name.rsplit(".", 1)[-1] if name in _SESSION_CLASSES else None


def builder_call(ctx: FileContext, call: ast.Call) -> str | None:
    """For ``SparkSession.builder....getOrCreate()`` (or ``.create()``), the class name; else None."""
    if ctx.method(call) not in {"getOrCreate", "create"}:
        return None
    current: ast.AST = call.func
    while isinstance(current, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(current, ast.Attribute) and current.attr == "builder":
            return session_class(ctx, current.value)
        current = current.func if isinstance(current, ast.Call) else current.value
    return None


def session_getter(ctx: FileContext, call: ast.Call) -> str | None:
    """``SparkSession.getActiveSession()``/``SparkSession.active()``: the class name; else None."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in _SESSION_GETTERS:
        return session_class(ctx, call.func.value)
    return None


def is_get_spark(ctx: FileContext, call: ast.Call) -> bool:
    """A call of ``get_spark`` (``databricks_utils.get_spark`` or a project's own factory of that name)."""
    name = ctx.qualified(call.func)
    return name is not None and name.rsplit(".", 1)[-1] == "get_spark"


def decorator_names(ctx: FileContext, function: ast.AST) -> list[str]:
    """The qualified names of a function's decorators, calls unwrapped (``@with_retry(attempts=3)``)."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    names: list[str] = []
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = ctx.qualified(target)
        if name:
            names.append(name)
    return names


def is_command(ctx: FileContext, function: ast.AST) -> bool:
    """Decorated as a click/typer command or group (``@click.command()``, ``@app.command()``, ``@cli.group()``)."""
    return any(name.rsplit(".", 1)[-1] in {"command", "group"} for name in decorator_names(ctx, function))


def _is_script(ctx: FileContext) -> bool:
    return ctx.path.name == "cli.py" or bool(_SCRIPT_FOLDERS.intersection(PurePath(ctx.path).parts[:-1]))


def _function_name(function: ast.AST | None) -> str | None:
    return function.name if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) else None


# -- DBA401 ----------------------------------------------------------------------------------------------


@rule(
    RuleSpec(
        id="DBA401",
        name="own-spark-session",
        severity=Severity.WARNING,
        category=Category.CONVENTIONS,
        summary="Spark session built by hand instead of with get_spark()",
        rationale=(
            "A hand-built `SparkSession.builder...getOrCreate()` hard-codes one way to run: it ignores the "
            "environment's config (local Delta jars, Spark Connect URL, Databricks cluster), silently reuses "
            "whatever session exists with different settings, and differs from file to file. "
            "`databricks_utils.get_spark()` builds the right session for local, Connect and Databricks from the "
            "project config and caches it; notebooks already have `spark`, and tests get the `spark_session` "
            "fixture. Test `conftest.py` files and the `databricks_utils` package itself (the factory) are not "
            "flagged."
        ),
        fix=(
            "Use `from databricks_utils import get_spark` and `spark = get_spark()` (or `get_spark(config)`); in a "
            "notebook use the given `spark`; in a test take the `spark_session` fixture."
        ),
        flagged=(
            "from pyspark.sql import SparkSession\n\n"
            "def build():\n    spark = SparkSession.builder.appName('orders').getOrCreate()\n    return spark\n"
        ),
        clean="from databricks_utils import get_spark\n\ndef build():\n    return get_spark()\n",
    )
)
def own_spark_session(ctx: FileContext) -> Iterator[Hit]:
    """``SparkSession.builder...getOrCreate()`` and ``SparkSession(...)`` outside the factory and conftest."""
    if "databricks_utils" in PurePath(ctx.path).parts[:-1] or ctx.path.name == "conftest.py":
        return
    if ctx.is_notebook:
        advice = "notebooks already have `spark`"
    elif ctx.is_test:
        advice = "take the `spark_session` fixture"
    else:
        advice = "use databricks_utils.get_spark()"
    for call in ctx.nodes(ast.Call):
        built = builder_call(ctx, call)
        if built:
            yield ctx.hit(call, f"{built}.builder...{ctx.method(call)}() builds its own session: {advice}")
        elif session_class(ctx, call.func) == "SparkSession":
            yield ctx.hit(call, f"SparkSession(...) constructed directly: {advice}")


# -- DBA402 ----------------------------------------------------------------------------------------------


@rule(
    RuleSpec(
        id="DBA402",
        name="print-not-logger",
        severity=Severity.WARNING,
        category=Category.CONVENTIONS,
        summary="print() in a library module instead of the project logger",
        rationale=(
            "On a Databricks job, `print` output lands in the driver's stdout without a level, a timestamp, the "
            "pipeline's context or any structure, so it cannot be filtered, alerted on or shipped to the log "
            "store, and secrets in it are not redacted. `databricks_utils.get_logger(__name__)` writes structured "
            "JSON with the log context (pipeline, layer, run) and redacts secrets. Prints under "
            '`if __name__ == "__main__":`, in `main`/`cli` functions and click commands, and prints with an '
            "explicit `file=` are command-line output and are not flagged."
        ),
        fix=(
            "Use `logger = get_logger(__name__)` (from `databricks_utils`) at module level and "
            '`logger.info("Loaded %d rows", n, extra={"table": name})` instead of print.'
        ),
        flagged="def load(path):\n    print('loading', path)\n",
        clean=(
            "from databricks_utils import get_logger\n\nlogger = get_logger(__name__)\n\n"
            "def load(path):\n    logger.info('loading %s', path)\n"
        ),
    )
)
def print_not_logger(ctx: FileContext) -> Iterator[Hit]:
    """``print(...)`` in library modules, except command-line output."""
    if not ctx.is_library or _is_script(ctx):
        return
    for call in ctx.calls_named("print"):
        if not (isinstance(call.func, ast.Name) and call.func.id == "print") or ctx.keyword(call, "file"):
            continue
        function = ctx.enclosing_function(call)
        if ctx.under_main_guard(call) or _is_cli_function(ctx, function):
            continue
        yield ctx.hit(call, "print() in a library module: log with get_logger(__name__) instead")


def _is_cli_function(ctx: FileContext, function: ast.AST | None) -> bool:
    for scope in (function, *(ctx.ancestors(function) if function else ())):
        name = _function_name(scope)
        if name is not None and (name in ENTRY_POINT_NAMES or name.endswith("_main") or is_command(ctx, scope)):
            return True
    return False


# -- DBA403 ----------------------------------------------------------------------------------------------

_HTTP_VERBS = frozenset({"get", "post", "put", "delete", "patch", "head", "options", "request"})
_HTTP_MODULES = frozenset({"requests", "httpx"})
_RETRY_DECORATOR = re.compile(r"(?:^|[._])(?:with_retry|retry|on_exception|on_predicate|retry_call)$", re.IGNORECASE)
_RETRY_LOOPS = frozenset({"Retrying", "AsyncRetrying"})


@rule(
    RuleSpec(
        id="DBA403",
        name="call-without-retry",
        severity=Severity.WARNING,
        category=Category.CONVENTIONS,
        summary="HTTP call without a retry",
        rationale=(
            "APIs throttle (429), restart (503) and drop connections; a pipeline that calls one without a retry "
            "fails the whole job run on the first blip, and the rerun repeats all the work before it. "
            "`databricks_utils.with_retry` retries only transient errors with exponential backoff and jitter. "
            "Only module-level `requests`/`httpx` calls and `urllib.request.urlopen` are checked: the Databricks "
            "SDK (`WorkspaceClient`) and boto3 retry transient errors themselves, and a `requests.Session` may "
            "carry its own retrying adapter. Test files are not checked."
        ),
        fix=(
            "Decorate the function with `@with_retry` (or `@with_retry(attempts=5)`, from `databricks_utils`), "
            "or call it as `retry_call(requests.get, url, timeout=30)`."
        ),
        flagged="import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=30).json()\n",
        clean=(
            "import requests\nfrom databricks_utils import with_retry\n\n@with_retry(attempts=5)\n"
            "def fetch(url):\n    return requests.get(url, timeout=30).json()\n"
        ),
    )
)
def call_without_retry(ctx: FileContext) -> Iterator[Hit]:
    """``requests.get(...)``, ``httpx.post(...)``, ``urlopen(...)`` outside any retry."""
    if ctx.is_test:
        return
    retried = _retried_function_names(ctx)
    for call in ctx.nodes(ast.Call):
        name = ctx.qualified(call.func)
        if name is None or not _is_http_call(name):
            continue
        if _is_retried(ctx, call, retried):
            continue
        short = ".".join(name.split(".")[-2:])
        yield ctx.hit(call, f"{short}() has no retry: a throttled or dropped request fails the run")


def _is_http_call(name: str) -> bool:
    module, _, verb = name.rpartition(".")
    if module in _HTTP_MODULES and verb in _HTTP_VERBS:
        return True
    return name in {"urllib.request.urlopen", "urllib2.urlopen"}


def _is_retry_name(name: str | None) -> bool:
    return name is not None and bool(_RETRY_DECORATOR.search(name))


def _retried_function_names(ctx: FileContext) -> set[str]:
    """Functions passed to a retry helper anywhere in the file: ``retry_call(fetch, ...)``, ``with_retry(fetch)``."""
    names: set[str] = set()
    for call in ctx.nodes(ast.Call):
        if _is_retry_name(ctx.qualified(call.func)) or (
            isinstance(call.func, ast.Call) and _is_retry_name(ctx.qualified(call.func.func))
        ):
            for argument in call.args:
                target = ctx.dotted(argument)
                if target:
                    names.add(target.rsplit(".", 1)[-1])
    return names


def _is_retried(ctx: FileContext, call: ast.Call, retried: set[str]) -> bool:
    for ancestor in ctx.ancestors(call):
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef):
            if ancestor.name in retried or any(_is_retry_name(n) for n in decorator_names(ctx, ancestor)):
                return True
        elif isinstance(ancestor, ast.Lambda):
            parent = ctx.parent(ancestor)
            if isinstance(parent, ast.Call) and _is_retry_name(ctx.qualified(parent.func)):
                return True
        elif isinstance(ancestor, ast.For | ast.AsyncFor) and isinstance(ancestor.iter, ast.Call):
            loop = ctx.qualified(ancestor.iter.func)
            if loop is not None and loop.rsplit(".", 1)[-1] in _RETRY_LOOPS:
                return True
    return False


# -- DBA404 ----------------------------------------------------------------------------------------------

_TOKEN_SHAPES: tuple[tuple[str, str], ...] = (
    ("databricks", r"\b(?:dapi|dose|dkea)[0-9a-f]{32}(?:-\d+)?\b"),
    ("aws", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("github", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    ("slack", r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    ("anthropic", r"\bsk-ant-[A-Za-z0-9_-]{40,}"),
    ("key", r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
)
_TOKEN = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _TOKEN_SHAPES))
_TOKEN_KINDS = {
    "databricks": ("Databricks token", 4),
    "aws": ("AWS access key id", 4),
    "github": ("GitHub token", 4),
    "slack": ("Slack token", 5),
    "anthropic": ("Anthropic API key", 7),
    "key": ("private key block", 0),
}
# One cheap scan decides whether the full token pattern runs at all ("gh" alone is in "high", "length"...).
_TRIGGER = re.compile(r"dapi|dose|dkea|AKIA|ASIA|gh[pousr]_|xox|sk-ant-|PRIVATE KEY")
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:password|passwd|secret|token|api_?key|access_?key|secret_?key|private_?key|client_?secret"
    r"|auth_?token|access_?token|refresh_?token)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^\s*$|<[^>]*>|\$\{|\{\{|%\(|^\*+$|^(?:x+|\.+|-+|_+)$|^[A-Z][A-Z0-9_]*$"
    r"|(?i:^(?:your|my)[_-]|example|placeholder|changeme|change[_-]me|redacted|dummy|fake|sample|replace|"
    r"^none$|^null$|^todo)",
)
_DUMMY = re.compile(
    r"0123456|123456|abcdef0|ABCDEFG|(.)\1{5}"
    r"|(?i:example|fake|dummy|test|sample|placeholder|loopback|bench|mock|stub|not-?a-?secret|x{6})"
)
# A secret mixes in digits or symbols, or is long; "id_token" or "my-scope" is a name, not a secret.
_SECRET_VALUE = re.compile(r"[0-9]|[^A-Za-z_. -]|^.{20,}$")
_PATH_VALUE = re.compile(r"://|^[/~]|^\.\.?/|\.(?:json|ya?ml|txt|pem|key|cfg|ini|env|p12|crt)$", re.IGNORECASE)
_MIN_SECRET = 4  # shorter literals are flags or test values, not credentials
_BEARER = re.compile(r"^(?:Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{12,}$")


@rule(
    RuleSpec(
        id="DBA404",
        name="hardcoded-secret",
        severity=Severity.ERROR,
        category=Category.CONVENTIONS,
        summary="Secret written in the source",
        rationale=(
            "A token in the code is in every clone, every fork, the Git history and the job's logs; rotating it "
            "means a code change, and anyone with read access to the repository can act as its owner. "
            "Token shapes (Databricks `dapi...`, AWS `AKIA...`, GitHub `ghp_...`, Slack `xox.-`, Anthropic "
            "`sk-ant-...`, private key blocks) are flagged anywhere, tests included, unless they are obvious "
            "dummies (`dapi0123456789abcdef...`, `...EXAMPLE`). Passwords and tokens assigned to a secret-named "
            'variable, keyword, dict key or `.option("password", ...)` are flagged outside tests, unless the '
            'value is a placeholder (`""`, `"<token>"`, `"${TOKEN}"`, `"changeme"`, an env var name).'
        ),
        fix=(
            'Read it at run time: `dbutils.secrets.get(scope="etl", key="api-token")` on Databricks, or '
            '`os.environ["API_TOKEN"]` read by the project config; then rotate the leaked secret.'
        ),
        flagged='API_TOKEN = "dapi' + '5f3c9a1e7b2d4f6a8c0e1b3d5f7a9c2e"\n',  # split: this file holds no token
        clean='import os\n\nAPI_TOKEN = os.environ["DATABRICKS_TOKEN"]\n',
    )
)
def hardcoded_secret(ctx: FileContext) -> Iterator[Hit]:
    """Known token shapes anywhere in the text; literal values of secret-named variables, keywords and keys."""
    seen: set[int] = set()
    for hit in _token_hits(ctx):
        seen.add(hit.line)
        yield hit
    if ctx.is_test:
        return
    for name, value in _named_values(ctx):
        text = ctx.string(value)
        if text is None or value.lineno in seen or not _looks_secret(name, text):
            continue
        seen.add(value.lineno)
        yield ctx.hit(value, f"`{name}` is set to a literal secret (value redacted): read it from a secret scope")


def _token_hits(ctx: FileContext) -> Iterator[Hit]:
    # Databricks source notebooks keep their magics as comments in the text; .ipynb magics are only in `magics`.
    texts = [(ctx.source.text, 1)] + [(magic.text, magic.line) for magic in ctx.source.magics]
    lines: set[int] = set()
    for text, first_line in texts:
        if not _TRIGGER.search(text):
            continue
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup or "key"
            token = match.group()
            if kind != "key" and _DUMMY.search(token[4:]):
                continue
            line = first_line + text.count("\n", 0, match.start())
            if line in lines:
                continue
            lines.add(line)
            label, shown = _TOKEN_KINDS[kind]
            redacted = f"{token[:shown]}…(redacted)" if shown else "(redacted)"
            column = match.start() - text.rfind("\n", 0, match.start())
            yield ctx.hit_at(line, f"{label} in the source: {redacted}", column=column, width=len(token))


def _named_values(ctx: FileContext) -> Iterator[tuple[str, ast.expr]]:
    yield from _assigned_values(ctx)
    for keyword in ctx.nodes(ast.keyword):
        if keyword.arg:
            yield keyword.arg, keyword.value
    for mapping in ctx.nodes(ast.Dict):
        for key, value in zip(mapping.keys, mapping.values, strict=True):
            name = ctx.string(key)
            if name:
                yield name, value
    for call in ctx.calls_named("option"):
        if ctx.method(call) == "option" and len(call.args) == len(("key", "value")):  # .option("password", "...")
            name = ctx.string(call.args[0])
            if name:
                yield name, call.args[1]


def _assigned_values(ctx: FileContext) -> Iterator[tuple[str, ast.expr]]:
    for assign in ctx.nodes(ast.Assign):
        for target in assign.targets:
            name = _target_name(ctx, target)
            if name:
                yield name, assign.value
    for annotated in ctx.nodes(ast.AnnAssign):
        name = _target_name(ctx, annotated.target)
        if name and annotated.value is not None:
            yield name, annotated.value


def _target_name(ctx: FileContext, target: ast.expr) -> str | None:
    if isinstance(target, ast.Subscript):
        return ctx.string(target.slice)
    dotted = ctx.dotted(target)
    return dotted.rsplit(".", 1)[-1] if dotted else None


def _looks_secret(name: str, value: str) -> bool:
    if name.lower() == "authorization":
        return bool(_BEARER.match(value)) and not _DUMMY.search(value)
    if not _SECRET_NAME.search(name.replace("-", "_")):
        return False
    value = value.strip()
    return (
        len(value) >= _MIN_SECRET
        and " " not in value
        and bool(_SECRET_VALUE.search(value))
        and not _PLACEHOLDER.search(value)
        and not _DUMMY.search(value)
        and not _PATH_VALUE.search(value)
    )


# -- DBA405 ----------------------------------------------------------------------------------------------

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


@rule(
    RuleSpec(
        id="DBA405",
        name="silent-except",
        severity=Severity.WARNING,
        category=Category.CONVENTIONS,
        summary="Broad exception swallowed without a trace",
        rationale=(
            "`except Exception: pass` turns every failure (a missing table, a schema mismatch, a bad credential, "
            "a bug) into silence: the job reports success and downstream tables quietly miss data. Spark "
            "errors are broad by nature, so only catching the specific, expected exception and handling it "
            "visibly keeps a pipeline honest. Test files are not checked."
        ),
        fix=(
            "Catch the specific exception you expect (`except AnalysisException:`), or "
            '`logger.exception("...")` and re-raise, or route the bad rows to a quarantine table.'
        ),
        flagged=(
            "def drop(spark, name):\n    try:\n        spark.sql(f'DROP TABLE {name}')\n"
            "    except Exception:\n        pass\n"
        ),
        clean=(
            "def drop(spark, name):\n    try:\n        spark.sql(f'DROP TABLE {name}')\n"
            "    except Exception:\n        logger.exception('could not drop %s', name)\n        raise\n"
        ),
    )
)
def silent_except(ctx: FileContext) -> Iterator[Hit]:
    """``except:``/``except Exception:``/``except BaseException:`` whose body is only pass, ``...`` or continue."""
    if ctx.is_test:
        return
    for handler in ctx.nodes(ast.ExceptHandler):
        caught = _broad_catch(ctx, handler.type)
        if caught and all(_is_silent(statement) for statement in handler.body):
            what = "bare except" if caught == "bare" else f"except {caught}"
            yield ctx.hit(handler, f"{what} with an empty body swallows every error silently")
    for with_node in ctx.nodes(ast.With):
        for item in with_node.items:
            call = item.context_expr
            if isinstance(call, ast.Call) and ctx.qualified(call.func) in {"contextlib.suppress", "suppress"}:
                broad = [_broad_catch(ctx, argument) for argument in call.args]
                if any(b and b != "bare" for b in broad):
                    yield ctx.hit(call, "suppress(Exception) swallows every error silently")


def _broad_catch(ctx: FileContext, caught: ast.expr | None) -> str | None:
    if caught is None:
        return "bare"
    candidates = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    for candidate in candidates:
        name = ctx.qualified(candidate)
        if name in _BROAD:
            return name.rsplit(".", 1)[-1]
    return None


def _is_silent(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass | ast.Continue):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


# -- DBA406 ----------------------------------------------------------------------------------------------


@rule(
    RuleSpec(
        id="DBA406",
        name="logging-config-in-library",
        severity=Severity.WARNING,
        category=Category.CONVENTIONS,
        summary="logging.basicConfig() called in a library module",
        rationale=(
            "Logging is configured once, by the program that runs: a library module that calls "
            "`logging.basicConfig` (at import or in a helper) installs its own root handler and format, so the "
            "job's structured JSON output, levels and secret redaction depend on which module happened to be "
            "imported first, and on Databricks the driver log fills with duplicated lines. Entry points "
            '(`main`, `cli`, click commands, `if __name__ == "__main__":`) are not flagged.'
        ),
        fix=(
            "Call `databricks_utils.configure_logging(config.observability)` once in the entry point, and use "
            "`logger = get_logger(__name__)` in library modules."
        ),
        flagged="import logging\n\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n",
        clean="from databricks_utils import get_logger\n\nlogger = get_logger(__name__)\n",
    )
)
def logging_config_in_library(ctx: FileContext) -> Iterator[Hit]:
    """``logging.basicConfig(...)``/``logging.config.dictConfig(...)`` outside entry points of library modules."""
    if not ctx.is_library or _is_script(ctx):
        return
    for call in ctx.nodes(ast.Call):
        name = ctx.qualified(call.func)
        if name not in {"logging.basicConfig", "logging.config.dictConfig", "logging.config.fileConfig"}:
            continue
        if ctx.under_main_guard(call) or _is_cli_function(ctx, ctx.enclosing_function(call)):
            continue
        short = name.rsplit(".", 1)[-1]
        yield ctx.hit(call, f"{short}() in a library module reconfigures the whole program's logging")


RULES: tuple[Rule, ...] = (
    own_spark_session,
    print_not_logger,
    call_without_retry,
    hardcoded_secret,
    silent_except,
    logging_config_in_library,
)
