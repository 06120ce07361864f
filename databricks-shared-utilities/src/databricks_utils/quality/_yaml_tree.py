"""Read a YAML rules (or DQX checks) file into plain data plus the line of every key and list item.

The config reader (:mod:`databricks_utils.config._yaml_source`) records lines of mapping keys only and
stops at the first duplicate key; rules live in lists and every problem must be reported at once, so
this composer also records ``("rules", 3, "arguments", "min")``-style paths through lists and collects
duplicate keys instead of raising. It reuses that module's loader choice and syntax-error message.

Dates stay text: ``min: 2024-01-31`` is the string ``"2024-01-31"``, which is what the rule model takes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from databricks_utils.config._yaml_source import (
    _MAP_TAG,
    _NULL_TAG,
    _SEQ_TAG,
    _kind,
    _Loader,
    _syntax_message,
    repeated_keys,
)
from databricks_utils.errors.exceptions import RuleError, RuleFileNotFoundError

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

YamlPath = tuple[str | int, ...]
_Build = Callable[[yaml.Node, YamlPath], object]


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key written twice in one mapping (YAML would silently keep the last)."""

    path: YamlPath
    line: int
    first_line: int


@dataclass(frozen=True, slots=True)
class YamlTree:
    """A parsed file: its data (None when empty), the line of each key path, and duplicate keys found."""

    data: object
    lines: dict[YamlPath, int] = field(default_factory=dict)
    duplicates: tuple[DuplicateKey, ...] = ()
    top_kind: str = "empty"

    def line_of(self, path: YamlPath) -> int | None:
        """The line of ``path`` or of its closest written parent (a missing key points at its mapping)."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None


def read_tree(path: Path, *, label: str, what: str, dates_as_text: bool = True) -> YamlTree:
    """Read and parse a YAML file.

    Args:
        path: The file.
        label: How to name the file in messages (the path as the user gave it).
        what: What the file holds, for messages (``"rules file"``).
        dates_as_text: Keep unquoted dates as strings (rules) instead of ``date`` objects (DQX checks).

    Raises:
        RuleFileNotFoundError: The file does not exist.
        RuleError: It cannot be read, is not UTF-8 or not valid YAML.
    """
    if not path.exists():
        raise RuleFileNotFoundError(
            f"{label}: {what} not found (looked at {path.absolute()}). Fix: check the path or create the file"
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RuleError(
            f"{label}: cannot read the {what} ({err.strerror}). Fix: check that it is a readable file"
        ) from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RuleError(f"{label}: not UTF-8 text ({err.reason} at byte {err.start}). Fix: save it as UTF-8") from err
    return parse_tree(text, label=label, dates_as_text=dates_as_text)


def parse_tree(text: str, *, label: str, dates_as_text: bool = True) -> YamlTree:
    """Parse YAML text; see :func:`read_tree`.

    Raises:
        RuleError: Invalid YAML (the message gives line and column), a recursive alias or a non-scalar key.
    """
    try:
        return _parse(text, label=label, dates_as_text=dates_as_text)
    except yaml.MarkedYAMLError as err:
        raise RuleError(_syntax_message(err, label=label)) from err
    except yaml.YAMLError as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise RuleError(f"{label}: YAML error: {first_line}. Fix the file's encoding or syntax") from err


def _parse(text: str, *, label: str, dates_as_text: bool) -> YamlTree:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG):
            return YamlTree(data=None)
        composer = _Composer(loader, label=label, dates_as_text=dates_as_text)
        data = composer.value(node, ())
        return YamlTree(data=data, lines=composer.lines, duplicates=tuple(composer.duplicates), top_kind=_kind(node))
    finally:
        loader.dispose()


class _Composer:
    """Turns a node tree into dicts/lists, recording the line of every key and list item."""

    def __init__(self, loader: yaml.SafeLoader, *, label: str, dates_as_text: bool) -> None:
        self._loader = loader
        self._label = label
        self._dates_as_text = dates_as_text
        self.lines: dict[YamlPath, int] = {}
        self.duplicates: list[DuplicateKey] = []
        self._active: set[int] = set()  # node ids on the current path: guards recursive aliases

    def value(self, node: yaml.Node, path: YamlPath) -> object:
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self._guarded(node, path, self._mapping)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return self._guarded(node, path, self._sequence)
        if self._dates_as_text and isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP_TAG:
            return node.value
        return self._loader.construct_object(node, deep=True)

    def _guarded(self, node: yaml.Node, path: YamlPath, build: _Build) -> object:
        if id(node) in self._active:
            raise RuleError(
                f"{self._label}:{node.start_mark.line + 1}: '{dotted(path)}' refers to itself through a YAML alias. "
                "Fix: remove the recursive '*alias'"
            )
        self._active.add(id(node))
        try:
            return build(node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: yaml.Node, path: YamlPath) -> dict[str, object]:
        assert isinstance(node, yaml.MappingNode)  # noqa: S101 - value() dispatches only mappings here
        self._find_duplicates(node, path)
        self._loader.flatten_mapping(node)  # resolve '<<: *anchor' merge keys as PyYAML does
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self.value(value_node, (*path, key))
        return result

    def _sequence(self, node: yaml.Node, path: YamlPath) -> list[object]:
        assert isinstance(node, yaml.SequenceNode)  # noqa: S101 - value() dispatches only sequences here
        items: list[object] = []
        for index, item in enumerate(node.value):
            self.lines[(*path, index)] = item.start_mark.line + 1
            items.append(self.value(item, (*path, index)))
        return items

    def _key(self, node: yaml.Node, path: YamlPath) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise RuleError(
                f"{self._label}:{node.start_mark.line + 1}: a key under '{dotted(path) or 'the top level'}' is "
                f"{_kind(node)}; keys must be plain names. Fix: write 'name: value'"
            )
        return str(node.value)

    def _find_duplicates(self, node: yaml.MappingNode, path: YamlPath) -> None:
        for key, line, first_line in repeated_keys(node, lambda key_node: self._key(key_node, path)):
            self.duplicates.append(DuplicateKey(path=(*path, key), line=line, first_line=first_line))


def dotted(path: YamlPath) -> str:
    """A path as written in messages: ``rules[3].arguments.min``.

    Example:
        >>> dotted(("rules", 3, "arguments", "min"))
        'rules[3].arguments.min'
    """
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# YAML reads these as line breaks even inside quotes, so a plain or single-quoted scalar would not
# read back the same: such strings are written double-quoted, where the emitter escapes them.
_READ_AS_BREAK = re.compile("[\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    """The safe dumper, with strings that hold YAML line-break characters written double-quoted."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _READ_AS_BREAK.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: object) -> str:
    """Block-style YAML in the given key order, unicode kept readable, that reads back to equal data.

    Example:
        >>> print(dump_yaml({"b": 1, "a": ["x"]}), end="")
        b: 1
        a:
        - x
    """
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
