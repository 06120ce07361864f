"""The rules, one module per category; :func:`all_rules` is the catalogue the engine runs."""

from __future__ import annotations

from functools import cache

from databricks_ai_agents.lint.rule import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by ID. Raises ValueError when two rules share an ID or a name."""
    from databricks_ai_agents.lint.rules import (
        conventions,
        correctness,
        databricks,
        general,
        performance,
        testability,
    )

    rules = sorted(
        (
            *general.RULES,
            *performance.RULES,
            *correctness.RULES,
            *databricks.RULES,
            *conventions.RULES,
            *testability.RULES,
        ),
        key=lambda r: r.id,
    )
    for attribute in ("id", "name"):
        values = [getattr(r.spec, attribute) for r in rules]
        twins = sorted({v for v in values if values.count(v) > 1})
        if twins:
            raise ValueError(f"rules share the {attribute} {', '.join(twins)}")
    return tuple(rules)


def rules_by_id() -> dict[str, Rule]:
    """The catalogue keyed by rule ID."""
    return {r.id: r for r in all_rules()}
