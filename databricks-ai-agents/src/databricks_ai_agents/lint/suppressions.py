"""``# noqa`` comments: ``# noqa: DBA101, DBA205`` silences those rules on that line, bare ``# noqa`` all."""

from __future__ import annotations

import re
from functools import lru_cache

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,?\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)
ALL = frozenset({"*"})


@lru_cache(maxsize=4096)
def noqa_codes(line: str) -> frozenset[str]:
    """The codes a line silences: empty for none, ``{"*"}`` for a bare ``# noqa``.

    Example:
        >>> sorted(noqa_codes("df.collect()  # noqa: DBA101,DBA105"))
        ['DBA101', 'DBA105']
        >>> noqa_codes("x = 1  # noqa") == ALL
        True
    """
    if "noqa" not in line.lower():
        return frozenset()
    match = _NOQA.search(line)
    if match is None:
        return frozenset()
    codes = match.group("codes")
    if not codes:
        return ALL
    return frozenset(code.upper() for code in re.findall(r"[A-Za-z]+[0-9]+", codes))


def suppressed(rule_id: str, lines: list[str], first: int, last: int) -> bool:
    """True when a ``# noqa`` on the finding's first or last line (1-based) covers ``rule_id``."""
    for number in {first, last}:
        if 1 <= number <= len(lines):
            codes = noqa_codes(lines[number - 1])
            if codes == ALL or rule_id in codes:
                return True
    return False
