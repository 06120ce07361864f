"""Candidate keys: single columns whose values are all distinct, and composite keys of 2 or 3 columns.

Composite candidates are affordable because they ride along in the profile's third query: one
``approx_count_distinct(struct(...))`` per combination of the :data:`MAX_KEY_COLUMNS` most distinct
key-like columns (complete, not measures, not free text, not unique alone), so at most 10 pairs and 10
triples. A combination is a candidate when its distinct tuples reach :data:`KEY_SHARE` of the rows (the
count is approximate: a candidate is evidence for a ``unique`` rule at ``warn``, not proof), and a triple only
when none of its pairs already is one (keys are minimal).

Example:
    >>> key_combinations([3, 1, 2])
    [(1, 2), (1, 3), (2, 3), (1, 2, 3)]
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Final

from databricks_utils.profiling.model import CandidateKey

MAX_KEY_COLUMNS: Final = 5
KEY_RSD: Final = 0.05
"""Spark's default precision. Each ``approx_count_distinct`` keeps its HyperLogLog++ registers as aggregation
buffer fields: 52 words at 0.05, 1,639 at 0.01. At 0.01 the 35 combinations of 6 columns made pass 3's plan
10 MiB and the profile 4x slower (165 s against 39 s without them, 300k rows x 20 columns)."""
KEY_SHARE: Final = 0.95
"""Distinct tuples / rows for a candidate key: the ~5 % error of the counts allows no tighter bound."""


def key_combinations(indexes: Sequence[int]) -> list[tuple[int, ...]]:
    """Pairs, then triples, of the first :data:`MAX_KEY_COLUMNS` indexes given (each combination sorted)."""
    chosen = sorted(list(indexes)[:MAX_KEY_COLUMNS])
    return [*itertools.combinations(chosen, 2), *itertools.combinations(chosen, 3)]


def candidate_keys(
    rows: int, distinct: Mapping[tuple[int, ...], int], names: Mapping[int, str]
) -> tuple[CandidateKey, ...]:
    """The minimal combinations whose approximate distinct tuples reach :data:`KEY_SHARE` of ``rows``."""
    if rows < 2:  # noqa: PLR2004 - a key needs two rows to mean anything
        return ()
    found: list[tuple[int, ...]] = []
    for combination in sorted(distinct, key=lambda c: (len(c), c)):
        if distinct[combination] < KEY_SHARE * rows:
            continue
        if any(set(smaller) <= set(combination) for smaller in found):
            continue  # not minimal: a smaller key is inside it
        found.append(combination)
    return tuple(
        CandidateKey(columns=tuple(names[i] for i in combination), approx_distinct=distinct[combination])
        for combination in found
    )
