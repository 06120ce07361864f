"""What a rule sees of one file: its syntax tree indexed by node type, and questions rules share.

The tree is walked once; rules then read ``ctx.nodes(ast.Call)`` and friends instead of walking again,
which keeps thirty-odd rules at the cost of about one walk.
"""

from __future__ import annotations

import ast
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath
from typing import TypeVar

from databricks_ai_agents.lint.sources import LintSource

NodeT = TypeVar("NodeT", bound=ast.AST)
MemoT = TypeVar("MemoT")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# Calls that make Spark run a job (or write); used by the action and import-time rules.
SPARK_ACTIONS = frozenset(
    {"collect", "count", "show", "toPandas", "take", "first", "head", "foreach", "foreachPartition",
     "toLocalIterator", "save", "saveAsTable", "insertInto", "toTable", "start", "isEmpty", "describe"}
)  # fmt: skip


@dataclass(frozen=True)
class Hit:
    """A rule's report before the engine adds the rule's name, severity and the file's position map."""

    line: int
    column: int
    end_line: int
    end_column: int
    message: str


class FileContext:
    r"""One parsed file and the shared questions about it (imports, call chains, scopes, tests).

    Example:
        >>> import ast
        >>> from pathlib import Path
        >>> from databricks_ai_agents.lint.sources import LintSource
        >>> source = LintSource(Path("job.py"), "python", "import pyspark.sql.functions as F\\n", ())
        >>> FileContext(source, ast.parse(source.text)).imports["F"]
        'pyspark.sql.functions'
    """

    def __init__(self, source: LintSource, tree: ast.Module) -> None:
        self.source = source
        self.tree = tree
        self.path = source.path
        self._memo: dict[str, object] = {}
        self._qualified: dict[ast.AST, str | None] = {}  # rules ask about the same call again and again
        self._by_type: dict[type[ast.AST], list[ast.AST]] = defaultdict(list)
        self._parents: dict[ast.AST, ast.AST] = {}
        _index_tree(tree, self._by_type, self._parents)

    # -- the file -------------------------------------------------------------------------------------
    @cached_property
    def lines(self) -> list[str]:
        """The Python text's lines (for a notebook, its Python with magics blanked)."""
        return self.source.text.splitlines()

    @cached_property
    def is_test(self) -> bool:
        """A pytest file or anything under a ``tests``/``test`` folder (conftest included)."""
        name = self.path.name
        return (
            name.startswith("test_")
            or name.endswith("_test.py")
            or name == "conftest.py"
            or any(part in {"tests", "test"} for part in PurePath(self.path).parts[:-1])
        )

    @property
    def is_notebook(self) -> bool:
        """Databricks source notebook or ``.ipynb``: top-level code and ``display()`` are expected there."""
        return self.source.is_notebook

    @cached_property
    def is_library(self) -> bool:
        """Code other code imports: not a test, not a notebook, not a script's ``__main__``."""
        return not (self.is_test or self.is_notebook or self.path.name == "__main__.py")

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name -> qualified name for every import (``F`` -> ``pyspark.sql.functions``)."""
        names: dict[str, str] = {}
        for node in self.nodes(ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
        for imported in self.nodes(ast.ImportFrom):
            if imported.module is None or imported.level:
                continue
            for alias in imported.names:
                names[alias.asname or alias.name] = f"{imported.module}.{alias.name}"
        return names

    @cached_property
    def uses_spark(self) -> bool:
        """The file imports pyspark, delta, dlt or databricks_utils, or uses a ``spark`` session name."""
        roots = {name.split(".")[0] for name in self.imports.values()}
        if roots & {"pyspark", "delta", "dlt", "databricks_utils", "databricks"}:
            return True
        return any(node.id == "spark" for node in self.nodes(ast.Name)) or self.is_notebook

    def memo(self, key: str, build: Callable[[FileContext], MemoT]) -> MemoT:
        """``build(self)``, computed once per file and shared by the rules that ask with the same ``key``.

        Rules keep per-file indexes here rather than in module-level caches, so nothing outlives the review.
        """
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]  # type: ignore[return-value]

    def release(self) -> None:
        """Drop the per-file memos once the file's review is over.

        Rule indexes point back at this context, and the engine reviews with the cyclic garbage collector
        off, so without this every file's tree would stay alive to the end of the review.
        """
        self._memo.clear()
        self._qualified.clear()

    @cached_property
    def _calls_by_name(self) -> dict[str, list[ast.Call]]:
        calls: dict[str, list[ast.Call]] = defaultdict(list)
        for call in self.nodes(ast.Call):
            func = call.func
            if isinstance(func, ast.Attribute):
                calls[func.attr].append(call)
            elif isinstance(func, ast.Name):
                calls[func.id].append(call)
        return calls

    def calls_named(self, *names: str) -> list[ast.Call]:
        """The calls of ``x.name(...)`` or ``name(...)`` for any of ``names``, in walk order.

        Most rules look for a handful of methods; asking for them by name skips the file's other calls.
        """
        if len(names) == 1:
            return self._calls_by_name.get(names[0], [])
        found = [call for name in dict.fromkeys(names) for call in self._calls_by_name.get(name, [])]
        if len(found) > 1:
            order = self._call_order
            found.sort(key=order.__getitem__)
        return found

    @cached_property
    def _call_order(self) -> dict[ast.Call, int]:
        return {call: index for index, call in enumerate(self.nodes(ast.Call))}

    @cached_property
    def statements(self) -> int:
        """How many statements the file has (the score's denominator)."""
        return sum(len(nodes) for kind, nodes in self._by_type.items() if issubclass(kind, ast.stmt))

    # -- the tree -------------------------------------------------------------------------------------
    def nodes(self, kind: type[NodeT]) -> list[NodeT]:
        """Every node of this exact type, in walk order."""
        return self._by_type.get(kind, [])  # type: ignore[return-value]

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The node's parent, None for the module."""
        return self._parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """Parents from the nearest up to the module."""
        current = self._parents.get(node)
        while current is not None:
            yield current
            current = self._parents.get(current)

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None:
        """The innermost function or lambda around the node, None at module level."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, _FUNCTIONS):
                return ancestor
        return None

    def in_loop(self, node: ast.AST) -> bool:
        """True when the node runs in the body of a ``for``/``while`` loop or a comprehension of its function."""
        child = node
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, _FUNCTIONS):
                return False
            if isinstance(ancestor, ast.For | ast.AsyncFor | ast.While) and child not in (
                getattr(ancestor, "iter", None),
                getattr(ancestor, "test", None),
            ):
                return True
            if isinstance(ancestor, ast.comprehension | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
                return True
            child = ancestor
        return False

    def under_main_guard(self, node: ast.AST) -> bool:
        """True when ``node`` is inside an ``if __name__ == "__main__":`` block."""
        return any(isinstance(a, ast.If) and _is_main_guard(a.test) for a in self.ancestors(node))

    def functions(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Every ``def`` and ``async def`` of the file (nested ones and methods included)."""
        return [*self.nodes(ast.FunctionDef), *self.nodes(ast.AsyncFunctionDef)]

    def runs_at_import(self, node: ast.AST) -> bool:
        """True when the node runs on ``import`` of the module: not in a function, not under a main guard."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, _FUNCTIONS):
                return False
            if isinstance(ancestor, ast.If) and _is_main_guard(ancestor.test):
                return False
        return True

    # -- names and calls ------------------------------------------------------------------------------
    @staticmethod
    def dotted(node: ast.AST) -> str | None:
        """``a.b.c`` for a Name/Attribute chain, None for anything else (calls, subscripts...)."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return ".".join(reversed(parts))

    def qualified(self, node: ast.AST) -> str | None:
        """The dotted name, its first part resolved through the imports: ``F.col`` -> ``pyspark.sql.functions.col``."""
        if node in self._qualified:
            return self._qualified[node]
        name = self.dotted(node)
        if name is None:
            resolved = None
        else:
            head, _, rest = name.partition(".")
            resolved = self.imports.get(head, head)
            resolved = f"{resolved}.{rest}" if rest else resolved
        self._qualified[node] = resolved
        return resolved

    def call_qualified(self, call: ast.Call) -> str | None:
        """The qualified name of what a call calls, when it is a plain (dotted) name."""
        return self.qualified(call.func)

    @staticmethod
    def method(call: ast.Call) -> str | None:
        """The method name of ``x.method(...)``, None for a plain function call."""
        return call.func.attr if isinstance(call.func, ast.Attribute) else None

    @staticmethod
    def chain(node: ast.AST) -> list[ast.Call]:
        """The method calls of a fluent chain ending at ``node``, innermost first.

        ``spark.read.csv(p).filter(c).limit(5).collect()`` gives the csv, filter, limit and collect calls.
        """
        calls: list[ast.Call] = []
        current: ast.AST = node
        while True:
            if isinstance(current, ast.Call):
                calls.append(current)
                current = current.func
            elif isinstance(current, ast.Attribute | ast.Subscript):
                current = current.value
            else:
                break
        return list(reversed(calls))

    def chain_methods(self, node: ast.AST) -> list[str]:
        """The method names of :meth:`chain`, innermost first."""
        return [name for name in (self.method(call) for call in self.chain(node)) if name]

    def outer_call(self, call: ast.Call) -> ast.Call:
        """The outermost call of the fluent chain ``call`` belongs to (``a.f().g()`` for ``a.f()``)."""
        current: ast.AST = call
        while True:
            parent = self._parents.get(current)
            if isinstance(parent, ast.Attribute) and parent.value is current:
                grand = self._parents.get(parent)
                if isinstance(grand, ast.Call) and grand.func is parent:
                    current = grand
                    continue
            return current  # type: ignore[return-value]

    @staticmethod
    def keyword(call: ast.Call, name: str) -> ast.expr | None:
        """The value of keyword argument ``name``, None when absent."""
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        return None

    @staticmethod
    def argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
        """Argument ``index`` by position, or by keyword ``name``."""
        if len(call.args) > index and not isinstance(call.args[index], ast.Starred):
            return call.args[index]
        return FileContext.keyword(call, name)

    @staticmethod
    def string(node: ast.AST | None) -> str | None:
        """The value of a string constant, None for anything else."""
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    # -- reporting ------------------------------------------------------------------------------------
    @staticmethod
    def hit(node: ast.AST, message: str) -> Hit:
        """A hit spanning ``node`` (columns become 1-based)."""
        line = getattr(node, "lineno", 1)
        column = getattr(node, "col_offset", 0) + 1
        end_line = getattr(node, "end_lineno", None) or line
        end_column = (getattr(node, "end_col_offset", None) or column - 1) + 1
        return Hit(line, column, end_line, max(end_column, column) if end_line == line else end_column, message)

    @staticmethod
    def hit_at(line: int, message: str, *, column: int = 1, width: int = 1) -> Hit:
        """A hit on one line (for findings in comments, strings or notebook magics)."""
        return Hit(line, column, line, column + width, message)


def _index_tree(tree: ast.AST, by_type: dict[type[ast.AST], list[ast.AST]], parents: dict[ast.AST, ast.AST]) -> None:
    """One breadth-first pass (ast.walk's order) indexing node types and parents together.

    This is most of a file's review time, so it avoids what ast.walk pays for: a generator per node, and
    looking at fields that never hold nodes. Each node type's fields are sorted once, from the first node
    of that type: lists, nodes (or None), and plain values (names, constants) that are skipped. Load/Store
    contexts and operators are shared singletons: indexing them would give each one thousands of
    "parents"; rules read them from their node (``compare.ops``).
    """
    todo: deque[ast.AST] = deque([tree])
    pop, push, ast_type = todo.popleft, todo.append, ast.AST
    layout: dict[type[ast.AST], tuple[tuple[str, ...], tuple[str, ...]]] = {}
    while todo:
        node = pop()
        kind = type(node)
        by_type[kind].append(node)
        fields = layout.get(kind)
        if fields is None:
            fields = layout[kind] = _layout(node)
        single, many = fields
        for name in single:
            value = getattr(node, name, None)
            if isinstance(value, ast_type):
                parents[value] = node
                push(value)
        for name in many:
            for item in getattr(node, name, None) or ():
                if isinstance(item, ast_type):
                    parents[item] = node
                    push(item)


def _layout(node: ast.AST) -> tuple[tuple[str, ...], tuple[str, ...]]:
    single: list[str] = []
    many: list[str] = []
    for name in node._fields:
        if name in {"ctx", "op", "ops"}:
            continue
        value = getattr(node, name, None)
        if isinstance(value, list):
            many.append(name)
        elif value is None or isinstance(value, ast.AST):
            single.append(name)  # None: a node or a plain value, checked per node
    return tuple(single), tuple(many)


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and FileContext.string(test.comparators[0]) == "__main__"
    )
