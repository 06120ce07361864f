"""Apply a unified diff to a file's text in memory, strictly: every context and removed line must match.

The LLM engine proposes a patch per finding; it is kept only when it applies here and the result parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from databricks_ai_agents.errors import AgentError

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class PatchError(AgentError):
    """The patch does not apply: malformed, or its context is not in the file."""


@dataclass(frozen=True)
class _Hunk:
    start: int  # 1-based line in the original text
    old: list[str]
    new: list[str]


def apply_patch(text: str, diff: str) -> str:
    r"""``text`` with the unified ``diff`` applied.

    A hunk applies at its stated line or, when the model miscounted, at the nearest place its old lines
    match exactly (after the previous hunk). Nothing is applied unless every hunk matches.

    Example:
        >>> apply_patch("a\\nb\\n", "--- x\\n+++ x\\n@@ -1,2 +1,2 @@\\n a\\n-b\\n+c\\n")
        'a\\nc\\n'

    Raises:
        PatchError: malformed diff, no hunk, or a hunk whose lines are not in the text.
    """
    hunks = _parse(diff)
    if not hunks:
        raise PatchError("the patch has no hunk (@@ -l,n +l,n @@)")
    lines = text.splitlines()
    result: list[str] = []
    position = 0
    for hunk in hunks:
        at = _locate(lines, hunk, position)
        result.extend(lines[position:at])
        result.extend(hunk.new)
        position = at + len(hunk.old)
    result.extend(lines[position:])
    return "\n".join(result) + ("\n" if text.endswith("\n") or not text else "")


def _parse(diff: str) -> list[_Hunk]:
    hunks: list[_Hunk] = []
    current: _Hunk | None = None
    for raw in diff.splitlines():
        match = _HUNK.match(raw)
        if match:
            current = _Hunk(start=int(match.group(1)), old=[], new=[])
            hunks.append(current)
        elif current is None or raw.startswith(("--- ", "+++ ", "diff ", "index ", "\\")):
            continue  # headers, and "\ No newline at end of file"
        elif raw.startswith("-"):
            current.old.append(raw[1:])
        elif raw.startswith("+"):
            current.new.append(raw[1:])
        elif raw.startswith(" ") or raw == "":
            current.old.append(raw[1:])
            current.new.append(raw[1:])
        else:
            raise PatchError(f"the patch has a line that is not context, + or -: {raw[:60]!r}")
    return hunks


def _locate(lines: list[str], hunk: _Hunk, after: int) -> int:
    size = len(hunk.old)
    stated = max(hunk.start - 1, 0) if size else hunk.start
    candidates = sorted(range(after, len(lines) - size + 1), key=lambda i: abs(i - stated))
    for index in candidates:
        if lines[index : index + size] == hunk.old:
            return index
    if size == 0 and after <= stated <= len(lines):
        return stated
    raise PatchError(f"the hunk at line {hunk.start} does not match the file (its context lines differ)")
