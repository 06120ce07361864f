"""Keep every path an MCP client sends inside the workspace root the server was started with.

An IDE assistant decides the arguments, so a path is untrusted input: it is resolved (``..`` and symlinks
followed) and refused unless the result lies inside the root.

Example:
    >>> root = WorkspaceRoot(Path("/work/project"))
    >>> root.resolve("build/demo", argument="output_dir")
    PosixPath('/work/project/build/demo')
    >>> root.resolve("../elsewhere", argument="output_dir")
    Traceback (most recent call last):
    ...
    databricks_ai_agents.errors.AgentError: output_dir: '../elsewhere' is outside the workspace root ...
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from databricks_ai_agents.errors import AgentError


@dataclass(frozen=True)
class WorkspaceRoot:
    """The folder an MCP server may read and write in (``databricks-agent serve --root``)."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", self.path.resolve())

    def resolve(self, value: str, *, argument: str) -> Path:
        """``value`` (relative to the root, or absolute) as an absolute path inside the root.

        Raises:
            AgentError: The path escapes the root (``..``, an absolute path elsewhere, a symlink out) or is
                not a usable path (empty, NUL bytes).
        """
        if not value.strip() or "\x00" in value:
            raise AgentError(f"{argument}: {value!r} is not a path. Fix: give a folder inside {self.path}")
        resolved = (self.path / Path(value).expanduser()).resolve()
        if not resolved.is_relative_to(self.path):
            raise AgentError(
                f"{argument}: {value!r} is outside the workspace root {self.path} (it resolves to {resolved}). "
                "Fix: use a path inside the root, or restart the server with a wider --root"
            )
        return resolved

    def resolve_source(self, value: str, *, argument: str) -> str:
        """A data source: a table name unchanged, or a path checked like :meth:`resolve`.

        ``catalog.schema.table`` passes through when no such file is in the root; anything else is a path
        (globs allowed) that must resolve inside the root.

        Raises:
            AgentError: The path escapes the root.
        """
        from databricks_utils.profiling.source import looks_like_table

        text = value.strip()
        if looks_like_table(text) and not (self.path / text).exists():
            return text
        return str(self.resolve(text, argument=argument))
