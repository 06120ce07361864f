"""Read what the reviewer reviews: Python files, Databricks source notebooks and ``.ipynb`` notebooks.

Each becomes a :class:`LintSource`: the Python text to parse, how its lines map back to the file (and to
a notebook's cells), and the notebook magics (``%run``, ``%sql``...) that are not Python.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from databricks_ai_agents.errors import AgentError

NOTEBOOK_HEADER = "# Databricks notebook source"
CELL_SEPARATOR = "# COMMAND ----------"
_MAGIC = re.compile(r"^# MAGIC ?(%\w+.*)$")
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".venv", "venv", "env", "__pycache__", "node_modules", "build", "dist", ".tox", ".nox",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages", ".ipynb_checkpoints"}
)  # fmt: skip


class LintInputError(AgentError):
    """A path given to the reviewer does not exist or cannot be reviewed at all."""


@dataclass(frozen=True)
class Magic:
    """A notebook magic command (``%run ./setup``), where it is."""

    line: int
    text: str

    @property
    def command(self) -> str:
        """The magic's name without ``%``: run, sql, pip..."""
        return self.text.lstrip("%").split(maxsplit=1)[0] if self.text.strip("%") else ""


@dataclass(frozen=True)
class LintSource:
    """A file as Python text, with the map from its lines back to the file and the notebook's cells.

    ``positions[i]`` is the (file or cell line, cell) of Python line ``i + 1``; cell is None outside
    notebooks. Databricks source notebooks are Python already, so their lines are the file's.
    """

    path: Path
    kind: str  # python, databricks-notebook, ipynb
    text: str
    positions: tuple[tuple[int, int | None], ...]
    magics: tuple[Magic, ...] = field(default=())

    @property
    def is_notebook(self) -> bool:
        """True for Databricks source notebooks and ``.ipynb``."""
        return self.kind != "python"

    def position(self, line: int) -> tuple[int, int | None]:
        """The (line, cell) that Python line ``line`` (1-based) comes from."""
        if not self.positions:
            return line, None
        return self.positions[min(max(line, 1), len(self.positions)) - 1]


def collect_files(paths: list[Path], *, exclude: tuple[str, ...] = ()) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to review under ``paths`` (sorted, unique) and those skipped with the reason.

    Folders are walked for ``*.py`` and ``*.ipynb``, leaving out virtualenvs, caches and build output;
    a file named explicitly is reviewed when it is Python or a notebook.

    Raises:
        LintInputError: when a path does not exist.
    """
    found: dict[Path, None] = {}
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise LintInputError(f"{path}: no such file or folder; give a Python file, a notebook or a folder")
        if path.is_file():
            if path.suffix in {".py", ".ipynb"} or _has_notebook_header(path):
                found[path] = None
            else:
                skipped.append((path, "not a Python file or notebook"))
            continue
        for candidate in sorted(path.rglob("*")):
            relative = candidate.relative_to(path).parts
            if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative[:-1]):
                continue
            if candidate.suffix in {".py", ".ipynb"} and candidate.is_file() and not _excluded(candidate, exclude):
                found[candidate] = None
    return sorted(found), skipped


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    posix = path.as_posix()
    return any(matches_path(posix, pattern) for pattern in patterns)


def matches_path(posix: str, pattern: str) -> bool:
    """``pattern`` (fnmatch: ``*`` also crosses ``/``) matches the path or any tail of it.

    So ``tests/*`` and ``tests/**`` match ``tests/a.py`` and ``tests/unit/b.py`` wherever the review started.

    Example:
        >>> matches_path("/repo/src/gen/deep/m.py", "src/gen/**"), matches_path("/repo/src/m.py", "gen/*")
        (True, False)
    """
    parts = posix.split("/")
    return any(fnmatch.fnmatch("/".join(parts[i:]), pattern) for i in range(len(parts)))


def _has_notebook_header(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(NOTEBOOK_HEADER)).decode("utf-8", "replace") == NOTEBOOK_HEADER
    except OSError:
        return False


def read_source(path: Path) -> LintSource | str:
    """The file as a :class:`LintSource`, or the reason it is skipped (binary, not UTF-8, bad JSON)."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return f"cannot be read: {err.strerror or err}"
    if b"\0" in raw[:8192]:
        return "binary file"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return f"not UTF-8 text (byte {err.start}); save it as UTF-8"
    if path.suffix == ".ipynb":
        return _from_ipynb(path, text)
    if text.startswith(NOTEBOOK_HEADER):
        return _from_databricks_notebook(path, text)
    return LintSource(path=path, kind="python", text=text, positions=())


def _from_databricks_notebook(path: Path, text: str) -> LintSource:
    lines = text.splitlines()
    positions: list[tuple[int, int | None]] = []
    magics: list[Magic] = []
    cell = 1
    for number, line in enumerate(lines, start=1):
        if line.strip() == CELL_SEPARATOR:
            cell += 1
        positions.append((number, cell))
        match = _MAGIC.match(line)
        if match:
            magics.append(Magic(line=number, text=match.group(1).strip()))
    return LintSource(
        path=path, kind="databricks-notebook", text=text, positions=tuple(positions), magics=tuple(magics)
    )


def _from_ipynb(path: Path, text: str) -> LintSource | str:
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError):
        return "not a valid .ipynb notebook (JSON with a 'cells' list)"
    if not isinstance(cells, list):
        return "not a valid .ipynb notebook (JSON with a 'cells' list)"
    python: list[str] = []
    positions: list[tuple[int, int | None]] = []
    magics: list[Magic] = []
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        cell_lines = ("".join(source) if isinstance(source, list) else str(source)).splitlines()
        # A cell magic (%%sql) makes the whole cell another language; line magics and shell escapes
        # are single lines. Both become blank Python lines so every other line keeps its number.
        whole_cell_magic = bool(cell_lines) and cell_lines[0].lstrip().startswith("%%")
        for number, line in enumerate(cell_lines, start=1):
            stripped = line.lstrip()
            if whole_cell_magic or stripped.startswith(("%", "!")):
                if number == 1 or not whole_cell_magic:
                    magics.append(Magic(line=len(python) + 1, text=stripped))
                python.append("")
            else:
                python.append(line)
            positions.append((number, index))
    return LintSource(
        path=path, kind="ipynb", text="\n".join(python) + "\n", positions=tuple(positions), magics=tuple(magics)
    )
