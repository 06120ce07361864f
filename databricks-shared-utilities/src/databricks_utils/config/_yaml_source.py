"""Read one YAML config file into plain data plus the 1-based line of every key path.

PyYAML silently keeps the last of two equal keys and forgets where values came from; this reader
composes the node tree itself so it can reject duplicate keys (naming both lines) and remember the
line of each ``a.b.c`` key for error messages and ``ConfigLoader.explain()``. Keys are taken as
written (``on:`` stays the string ``"on"``, not YAML 1.1's ``True``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from databricks_utils.errors.exceptions import ConfigError

KeyPath = tuple[str, ...]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_NULL_TAG = "tag:yaml.org,2002:null"


def _fast_loader() -> type[yaml.SafeLoader]:
    """The libyaml SafeLoader (about ten times faster, same marks) when it works, else the Python one."""
    loader_class: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        return yaml.SafeLoader
    probe = loader_class("a: 1")
    try:
        node = probe.get_single_node()
    finally:
        probe.dispose()
    # After a partial re-import of PyYAML (coverage.py does one for `--source=package.module`) the
    # libyaml binding keeps the first import's node classes: its nodes fail isinstance and get no tags.
    return loader_class if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG else yaml.SafeLoader


_Loader = _fast_loader()


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed config file: its top-level mapping and the line where each key path is written."""

    data: dict[str, object]
    lines: dict[KeyPath, int]


def read_yaml(path: Path, *, label: str) -> YamlDocument:
    """Read and parse a YAML file whose top level must be a mapping (an empty file is ``{}``).

    Args:
        path: The file to read.
        label: How to name the file in error messages (the path as the user gave it).

    Returns:
        The document's data and key lines.

    Raises:
        ConfigError: The file cannot be read, is not UTF-8, is not valid YAML, has duplicate keys,
            or its top level is not a mapping.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(
            f"{label}: cannot read the config file ({err.strerror}). Fix: check its permissions."
        ) from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{label}: not UTF-8 text ({err.reason} at byte {err.start}). Fix: save the file as UTF-8."
        ) from err
    return parse_yaml(text, label=label)


def parse_yaml(text: str, *, label: str) -> YamlDocument:
    """Parse YAML text; see :func:`read_yaml`.

    Raises:
        ConfigError: Invalid YAML, duplicate keys, or a top level that is not a mapping.
    """
    try:
        return _parse(text, label=label)
    except yaml.MarkedYAMLError as err:
        raise ConfigError(_syntax_message(err, label=label)) from err
    except yaml.YAMLError as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ConfigError(f"{label}: YAML error: {first_line}. Fix the file's encoding or syntax.") from err


def _parse(text: str, *, label: str) -> YamlDocument:
    loader = _Loader(text)  # the pure-Python reader already rejects control characters here
    try:
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG):  # empty, comments, '---'
            return YamlDocument(data={}, lines={})
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP_TAG:
            kind = _kind(node)
            raise ConfigError(
                f"{label}:{node.start_mark.line + 1}: the top level must be a mapping of keys such as 'spark:', "
                f"got {kind}. Fix: write 'key: value' lines at the start of the file."
            )
        lines: dict[KeyPath, int] = {}
        data = _Builder(loader, label=label, lines=lines).mapping(node, ())
        return YamlDocument(data=data, lines=lines)
    finally:
        loader.dispose()


def _syntax_message(err: yaml.MarkedYAMLError, *, label: str) -> str:
    mark = err.problem_mark or err.context_mark
    where = f"{label}:{mark.line + 1}:{mark.column + 1}" if mark is not None else label
    problem = " ".join((err.problem or err.context or "invalid YAML").split())
    return f"{where}: YAML syntax error: {problem}. Fix the indentation/quoting at that line."


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return f"a {node.tag.rsplit(':', 1)[-1]}"
    return f"the scalar {node.value!r}"[:80]


class _Builder:
    """Turns a composed node tree into dicts/lists, checking keys and recording their lines."""

    def __init__(self, loader: yaml.SafeLoader, *, label: str, lines: dict[KeyPath, int]) -> None:
        self._loader = loader
        self._label = label
        self._lines = lines
        self._active: set[int] = set()  # node ids on the current path: guards recursive aliases

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, object]:
        if id(node) in self._active:
            raise ConfigError(
                f"{self._label}:{node.start_mark.line + 1}: '{'.'.join(path)}' refers to itself through a YAML "
                "alias. Fix: remove the recursive '*alias'."
            )
        self._active.add(id(node))
        self._reject_duplicates(node, path)
        # Resolve '<<: *anchor' merge keys the way PyYAML does: merged pairs first, explicit keys win.
        self._loader.flatten_mapping(node)
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            child = (*path, key)
            self._lines[child] = key_node.start_mark.line + 1
            result[key] = self.value(value_node, child)
        self._active.discard(id(node))
        return result

    def value(self, node: yaml.Node, path: KeyPath) -> object:
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            if id(node) in self._active:
                raise ConfigError(
                    f"{self._label}:{node.start_mark.line + 1}: '{'.'.join(path)}' refers to itself through a "
                    "YAML alias. Fix: remove the recursive '*alias'."
                )
            self._active.add(id(node))
            # Lists are replaced as a whole when layers merge, so keys inside them get no line of their own.
            items = [self._unlined(item, path) for item in node.value]
            self._active.discard(id(node))
            return items
        return self._loader.construct_object(node, deep=True)

    def _unlined(self, node: yaml.Node, path: KeyPath) -> object:
        saved = self._lines
        self._lines = {}
        try:
            return self.value(node, path)
        finally:
            self._lines = saved

    def _key(self, node: yaml.Node, path: KeyPath) -> str:
        if not isinstance(node, yaml.ScalarNode):
            where = f" under '{'.'.join(path)}'" if path else ""
            raise ConfigError(
                f"{self._label}:{node.start_mark.line + 1}: a key{where} is {_kind(node)}; config keys must be "
                "plain names. Fix: write 'name: value'."
            )
        return str(node.value)

    def _reject_duplicates(self, node: yaml.MappingNode, path: KeyPath) -> None:
        for key, line, first_line in repeated_keys(node, lambda key_node: self._key(key_node, path)):
            dotted = ".".join((*path, key))
            raise ConfigError(
                f"{self._label}:{line}: duplicate key '{dotted}' (first set at line {first_line}); YAML would "
                "silently keep only the last one. Fix: delete or merge one of the two."
            )


def repeated_keys(node: yaml.MappingNode, key_of: Callable[[yaml.Node], str]) -> Iterator[tuple[str, int, int]]:
    """``(key, line, first line)`` of each key written again in one mapping (YAML keeps the last silently).

    ``key_of`` turns a key node into its name (and raises the caller's error for non-scalar keys);
    ``<<`` merge keys are not keys of the mapping and are skipped.
    """
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        key = key_of(key_node)
        line = key_node.start_mark.line + 1
        if key in seen:
            yield key, line, seen[key]
        else:
            seen[key] = line


def load_value(text: str) -> object:
    """Parse one YAML scalar or flow collection (``"8"`` -> 8, ``"[a, b]"`` -> a list).

    Raises:
        yaml.YAMLError: ``text`` is not valid YAML.
    """
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader (C or pure Python)
