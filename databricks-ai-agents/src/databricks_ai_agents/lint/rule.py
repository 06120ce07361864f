"""A review rule: its documentation (:class:`RuleSpec`) and the check that finds it.

A file rule is a function ``(ctx: FileContext) -> Iterable[Hit]``. A project rule asks about every
reviewed file at once ("does any test import this module?") in two steps, so files can be reviewed in
parallel processes: ``collect(ctx)`` keeps what the rule needs of each file (small, picklable facts),
then ``check(files)`` sees every file's :class:`ProjectFile` and yields ``(file, Hit)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from databricks_ai_agents.lint.context import FileContext, Hit
from databricks_ai_agents.lint.model import RuleSpec

FileCheck = Callable[[FileContext], Iterable[Hit]]
Collect = Callable[[FileContext], object]


@dataclass(frozen=True)
class ProjectFile:
    """What a project rule knows of one reviewed file: where it is, and the facts its ``collect`` kept."""

    path: Path
    is_test: bool
    facts: dict[str, object] = field(default_factory=dict)


ProjectCheck = Callable[[Sequence[ProjectFile]], Iterable[tuple[ProjectFile, Hit]]]


@dataclass(frozen=True)
class Rule:
    """A rule: what it is, and either a file check or a project rule's collect and check."""

    spec: RuleSpec
    check: FileCheck | None = None
    collect: Collect | None = None
    check_project: ProjectCheck | None = None

    @property
    def id(self) -> str:
        """The rule's ID, e.g. DBA101."""
        return self.spec.id


def rule(spec: RuleSpec) -> Callable[[FileCheck], Rule]:
    """Make a file check into a :class:`Rule`.

    Example:
        >>> from databricks_ai_agents.lint.model import Category, Severity
        >>> spec = RuleSpec("DBA999", "demo", Severity.INFO, Category.GENERAL, "s", "r", "f", "x = 1", "x = 2")
        >>> @rule(spec)
        ... def demo(ctx):
        ...     return []
        >>> demo.id
        'DBA999'
    """

    def wrap(check: FileCheck) -> Rule:
        return Rule(spec=spec, check=check)

    return wrap


def project_rule(spec: RuleSpec, *, collect: Collect) -> Callable[[ProjectCheck], Rule]:
    """Make a whole-project check into a :class:`Rule`; ``collect`` keeps each file's facts (None: nothing)."""

    def wrap(check: ProjectCheck) -> Rule:
        return Rule(spec=spec, collect=collect, check_project=check)

    return wrap
