"""How a rule fails a row: ordered (condition, reason) branches, rendered three ways for Spark.

A check builds the branches once; the evaluator then needs

- :attr:`Failure.failed`, a never-NULL boolean: cheap to filter and count on (no strings built);
- :attr:`Failure.reasons`, ``[]`` or ``['<rule>: <reason>']``: concatenated across rules into
  ``_errors`` / ``_warnings`` with ``concat``, which Spark compiles to code (``array_compact`` and other
  lambda functions would make the whole projection interpreted, several times slower);
- :attr:`Failure.reason`, the reason or NULL: one Column per rule, for users and tests.

The three agree by construction: a branch fires when its condition is true (NULL counts as false).

Example:
    >>> failure = Failure("id_present", ((sf.col("id").isNull(), sf.lit("id_present: id is null")),))  # doctest: +SKIP
    >>> df.where(failure.failed).select(failure.reasons)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import Column


@dataclass(frozen=True)
class Failure:
    """The ways one rule can fail a row, in order; the first true condition gives the reason.

    Attributes:
        rule_name: The rule these branches belong to.
        branches: ``(condition, reason)`` pairs; empty when the rule cannot fail (e.g. ``parseable_date``
            on a date column). Reasons start with ``'<rule_name>: '`` and are never NULL.
    """

    rule_name: str
    branches: tuple[tuple[Column, Column], ...] = ()

    @classmethod
    def first(cls, *failures: Failure) -> Failure:
        """The branches of ``failures`` in order: the first that fires gives the reason.

        Raises:
            ValueError: no failures, or failures of different rules.
        """
        names = {failure.rule_name for failure in failures}
        if len(names) != 1:
            raise ValueError(f"Failure.first needs failures of one rule, got {sorted(names)}")
        return cls(rule_name=failures[0].rule_name, branches=tuple(b for f in failures for b in f.branches))

    @property
    def failed(self) -> Column:
        """True when a branch fires, else false; never NULL."""
        from pyspark.sql import functions as sf

        if not self.branches:
            return sf.lit(False)
        return reduce(lambda left, right: left | right, [sf.coalesce(c, sf.lit(False)) for c, _ in self.branches])

    @property
    def reason(self) -> Column:
        """The reason of the first branch that fires, NULL when the row passes."""
        from pyspark.sql import functions as sf

        if not self.branches:
            return sf.lit(None).cast("string")
        (condition, reason), *rest = self.branches
        case = sf.when(condition, reason)
        for condition, reason in rest:
            case = case.when(condition, reason)
        return case

    @property
    def reasons(self) -> Column:
        """``array<string>``: ``[reason]`` when a branch fires, else ``[]``; never NULL."""
        from pyspark.sql import functions as sf

        empty = sf.array().cast("array<string>")
        if not self.branches:
            return empty
        (condition, reason), *rest = self.branches
        case = sf.when(condition, sf.array(reason))
        for condition, reason in rest:
            case = case.when(condition, sf.array(reason))
        return case.otherwise(empty)
