"""Print a command's result as text for people or as JSON for programs (``--json``), and errors on stderr."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Output:
    """How the command prints: JSON (one document on stdout) or text."""

    as_json: bool = False
    verbose: bool = False

    def data(self, payload: object, text: str) -> None:
        """Print ``payload`` as JSON, or ``text`` for people."""
        click.echo(json.dumps(payload, indent=2, default=str) if self.as_json else text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain aligned text table (no colours: it is also what lands in logs and pipes).

    Example:
        >>> print(table(["name", "tags"], [["a", "x"], ["bb", "y"]]))
        name  tags
        a     x
        bb    y
    """
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)
