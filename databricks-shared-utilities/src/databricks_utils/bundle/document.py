"""A bundle configuration as one document: plain data plus the file and line where each key path was written.

``databricks.yml`` and its included files merge into one tree (and a target's overrides merge onto it);
every check walks that tree, and places what it finds back at the file and line that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from databricks_utils.bundle.report import BundleProblem
from databricks_utils.quality._yaml_tree import YamlPath, dotted

__all__ = ["BundleDocument", "Lookup", "Origin", "YamlPath", "walk"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a key or list item was written: a file relative to the bundle root, and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


Lookup = Callable[[YamlPath], "Origin | None"]


@dataclass(frozen=True, slots=True)
class BundleDocument:
    """A merged configuration: its data, the origin of each written key path, and the root file's name."""

    data: dict[str, object]
    origins: Mapping[YamlPath, Origin]
    root_file: str

    def origin_of(self, path: YamlPath) -> Origin | None:
        """The origin of ``path`` or of its closest written parent (a missing key points at its mapping)."""
        for end in range(len(path), 0, -1):
            found = self.origins.get(path[:end])
            if found is not None:
                return found
        return None

    def problem(self, path: YamlPath, message: str) -> BundleProblem:
        """A problem at ``path``, placed at the file and line that wrote it (else the root file, no line)."""
        origin = self.origin_of(path)
        if origin is None:
            return BundleProblem(file=self.root_file, line=None, path=dotted(path), message=message)
        return BundleProblem(file=origin.file, line=origin.line, path=dotted(path), message=message)

    def mapping(self, *path: str) -> dict[str, object]:
        """The mapping at ``path`` (``"resources", "jobs"``), or ``{}`` when it is missing or not a mapping."""
        node: object = self.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node if isinstance(node, dict) else {}


def walk(value: object, path: YamlPath = ()) -> Iterator[tuple[YamlPath, object]]:
    """Every scalar in ``value`` with its path, depth first in document order.

    Example:
        >>> list(walk({"a": [1, {"b": "x"}]}))
        [(('a', 0), 1), (('a', 1, 'b'), 'x')]
    """
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))
    else:
        yield path, value
