"""Candidate keys: single columns whose values are all distinct, and composite keys of 2 or 3 columns.

Composite candidates are affordable because they ride along in the profile's third query: one
``approx_count_distinct(struct(...))`` per combination of the :data:`MAX_KEY_COLUMNS` most distinct
key-like columns (complete, not measures, not free text, not unique alone), so at most 15 pairs and 20
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

MAX_KEY_COLUMNS: Final = 6
KEY_SHARE: Final = 0.98
"""Distinct tuples / rows for a candidate key; above the ~2 % error of the combination counts (rsd 0.01)."""
KEY_RSD: Final = 0.01


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
