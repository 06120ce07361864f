"""Which value a name is bound to, per scope: lets rules follow ``query = f"..."; spark.sql(query)``."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from databricks_ai_agents.lint.context import FileContext


@dataclass
class Bindings:
    """Per scope (function or module), the values assigned to each name; None marks an unknown binding."""

    ctx: FileContext
    values: dict[tuple[ast.AST | None, str], list[ast.expr | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ctx = self.ctx
        for assign in ctx.nodes(ast.Assign):
            for target in assign.targets:
                value = assign.value if len(assign.targets) == 1 else None
                self._bind(ctx.enclosing_function(assign), target, value)
        for annotated in ctx.nodes(ast.AnnAssign):
            self._bind(ctx.enclosing_function(annotated), annotated.target, annotated.value)
        for augmented in ctx.nodes(ast.AugAssign):
            self._bind(ctx.enclosing_function(augmented), augmented.target, None)
        for argument in ctx.nodes(ast.arg):
            function = ctx.parent(ctx.parent(argument) or argument)
            self.values.setdefault((function, argument.arg), []).append(None)

    def _bind(self, scope: ast.AST | None, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.values.setdefault((scope, target.id), []).append(value)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind(scope, element, None)

    def value(self, name: ast.Name) -> ast.expr | None:
        """The one value ``name`` is bound to in its function (or the module), None when not exactly one."""
        scope = self.ctx.enclosing_function(name)
        bound = self.values.get((scope, name.id))
        if bound is None and scope is not None:
            bound = self.values.get((None, name.id))
        return bound[0] if bound is not None and len(bound) == 1 else None


def bindings_of(ctx: FileContext) -> Bindings:
    """The file's :class:`Bindings`, built once per file and shared by every rule that asks."""
    return ctx.memo("bindings", Bindings)
