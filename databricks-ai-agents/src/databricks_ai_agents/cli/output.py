"""Print a command's result for people (rich in a terminal, plain text when piped) or as JSON (``--json``).

rich is imported only when a terminal is being drawn on, so piped output and ``--help`` never pay for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Output:
    """How the command prints: JSON (one document on stdout), rich (a terminal) or plain text (a pipe).

    Attributes:
        as_json: ``--json``: print one JSON document and nothing else on stdout.
        verbose: ``--verbose``: debug logs and tracebacks.
        rich: Draw tables and spinners (stdout is a terminal, not ``--json``, ``TERM`` is not ``dumb``).
    """

    as_json: bool = False
    verbose: bool = False
    rich: bool = False

    @classmethod
    def for_terminal(cls, *, as_json: bool, verbose: bool) -> Output:
        """The output mode for this process: rich only when a person is watching stdout."""
        interactive = sys.stdout.isatty() and os.environ.get("TERM", "") != "dumb"
        return cls(as_json=as_json, verbose=verbose, rich=interactive and not as_json)

    def data(self, payload: object, text: str) -> None:
        """Print ``payload`` as JSON, or ``text`` for people."""
        click.echo(json.dumps(payload, indent=2, default=str) if self.as_json else text)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None) -> None:
        """Print a table for people: rich in a terminal, aligned plain text otherwise (never with ``--json``)."""
        if self.as_json:
            return
        if not self.rich:
            click.echo("\n".join([title, table(headers, rows)]) if title else table(headers, rows))
            return
        from rich.console import Console
        from rich.table import Table

        drawn = Table(*headers, title=title, title_justify="left", header_style="bold cyan")
        for row in rows:
            drawn.add_row(*(str(cell) for cell in row))
        Console().print(drawn)

    @contextlib.contextmanager
    def status(self, message: str) -> Iterator[None]:
        """Show a spinner with ``message`` while the block runs (terminals only; silent when piped)."""
        if not self.rich:
            yield
            return
        from rich.console import Console

        with Console(stderr=True).status(message):
            yield


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
