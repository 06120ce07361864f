"""Configuration layers and their deep merge, remembering which layer set every key path.

A layer is plain data plus an :class:`Origin` per key path. :class:`LayerStack` starts from the model
defaults and applies layers in precedence order: mappings merge key by key, lists and scalars
replace, and an explicit ``null`` puts the model default back (or removes a key that has none).
This module also turns ``DBX_SPARK__MASTER``-style variables and call-time overrides into layers.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import yaml

from databricks_utils.config._field_paths import FieldSpec, resolve_env_path, split_dotted, wants_text
from databricks_utils.config._yaml_source import KeyPath, load_value
from databricks_utils.errors.exceptions import ConfigError

_NULL_WORDS = frozenset({"null", "Null", "NULL", "~"})
_PLAIN_TYPES = (str, int, float, bool, list, dict)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value came from: ``default``, a file and line, an environment variable, or ``argument``."""

    source: str
    line: int | None = None
    via: tuple[str, ...] = ()  # variables interpolated into the value
    reset_by: str | None = None  # set when a null in a later layer put the default back

    @property
    def location(self) -> str:
        """``source`` or ``source:line``, as error messages start."""
        return self.source if self.line is None else f"{self.source}:{self.line}"

    def __str__(self) -> str:
        text = self.location
        if self.via:
            text += " via " + ", ".join(f"${{{name}}}" for name in self.via)
        if self.reset_by:
            text += f" (reset by null at {self.reset_by})"
        return text


DEFAULT = Origin("default")
ARGUMENT = Origin("argument")


@dataclass(frozen=True, slots=True)
class Layer:
    """One source of settings: its data and the origin of each key path (``fallback`` for the rest)."""

    data: Mapping[str, object]
    fallback: Origin
    origins: Mapping[KeyPath, Origin] = field(default_factory=dict)

    def origin(self, path: KeyPath) -> Origin:
        """The origin of ``path``: its own, the nearest enclosing one, or the layer's fallback."""
        for end in range(len(path), 0, -1):
            found = self.origins.get(path[:end])
            if found is not None:
                return found
        return self.fallback


def _keep_key(_parent: KeyPath, key: str) -> str:
    return key


class LayerStack:
    """Merges layers on top of the defaults; ``data`` and ``origins`` hold the result so far.

    Example:
        >>> stack = LayerStack({"a": {"x": 1, "y": 2}})
        >>> stack.apply(Layer({"a": {"y": 3}}, fallback=Origin("f.yaml")))
        >>> stack.data, str(stack.origins[("a", "y")])
        ({'a': {'x': 1, 'y': 3}}, 'f.yaml')
    """

    def __init__(self, defaults: Mapping[str, object], *, canonical: Callable[[KeyPath, str], str] = _keep_key) -> None:
        self._defaults = defaults
        self._canonical = canonical
        self.data: dict[str, object] = copy.deepcopy(dict(defaults))
        self.origins: dict[KeyPath, Origin] = {}
        _mark(self.origins, (), self.data, DEFAULT)
        self.nulls: dict[KeyPath, Origin] = {}  # every key a layer reset with null, for unknown-key checks

    def apply(self, layer: Layer) -> None:
        """Merge one layer on top of the current result (it wins on every key it sets)."""
        self._merge(self.data, layer.data, src=(), dst=(), layer=layer)

    def _merge(
        self, target: dict[str, object], incoming: Mapping[str, object], *, src: KeyPath, dst: KeyPath, layer: Layer
    ) -> None:
        seen: dict[str, str] = {}
        for key, value in incoming.items():
            name = self._canonical(dst, key)
            here_src, here = (*src, key), (*dst, name)
            origin = layer.origin(here_src)
            if name in seen:
                first, second = ".".join((*dst, seen[name])), ".".join(here_src)
                raise ConfigError(
                    f"{origin.location}: '{first}' and '{second}' are the same setting. Fix: keep only one of them."
                )
            seen[name] = key
            if value is None:
                self._reset(target, name, here, origin)
            elif isinstance(value, Mapping):
                if not isinstance(target.get(name), dict):
                    self._forget(here)
                    target[name] = {}
                self.origins[here] = origin
                self._merge(_as_dict(target[name]), value, src=here_src, dst=here, layer=layer)
            else:
                self._forget(here)
                target[name] = _copy_tree(value)
                self.origins[here] = origin

    def _reset(self, target: dict[str, object], name: str, path: KeyPath, origin: Origin) -> None:
        self.nulls[path] = origin
        self._forget(path)
        found, default = _lookup(self._defaults, path)
        if not found:
            target.pop(name, None)
            self.origins.pop(path, None)
            return
        target[name] = _copy_tree(default)
        _mark(self.origins, path, target[name], Origin("default", reset_by=str(origin)))

    def _forget(self, path: KeyPath) -> None:
        depth = len(path)
        for known in [p for p in self.origins if len(p) > depth and p[:depth] == path]:
            del self.origins[known]


def _as_dict(value: object) -> dict[str, object]:
    assert isinstance(value, dict)  # noqa: S101 - _merge just stored a dict under this key
    return value


def _lookup(tree: Mapping[str, object], path: KeyPath) -> tuple[bool, object]:
    node: object = tree
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False, None
        node = node[key]
    return True, node


def _copy_tree(value: object) -> object:
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


def _mark(origins: dict[KeyPath, Origin], path: KeyPath, value: object, origin: Origin) -> None:
    """Record ``origin`` for ``path`` and every key path inside ``value``."""
    if path:
        origins[path] = origin
    if isinstance(value, dict):
        for key, item in value.items():
            _mark(origins, (*path, str(key)), item, origin)


def deep_merge(base: Mapping[str, object], override: Mapping[str, object]) -> dict[str, object]:
    """Merge two plain mappings the way config layers merge (``override`` wins); inputs are not changed.

    Example:
        >>> deep_merge({"spark": {"master": "local[2]", "delta": True}}, {"spark": {"master": "local[1]"}})
        {'spark': {'master': 'local[1]', 'delta': True}}
    """
    stack = LayerStack(base)
    stack.apply(Layer(override, fallback=ARGUMENT))
    return stack.data


def parse_env_value(raw: str, spec: FieldSpec | None) -> object:
    """Turn an environment value into data: YAML for non-text fields (``"8"`` -> 8), else the raw text.

    ``null`` / ``~`` reset the key to its default, as in files. Values YAML reads as something other
    than plain data (dates, binary) stay strings.
    """
    if raw.strip() in _NULL_WORDS:
        return None
    if wants_text(spec) or not raw.strip():
        return raw
    try:
        value = load_value(raw)
    except yaml.YAMLError:
        return raw
    return value if isinstance(value, _PLAIN_TYPES) else raw


def env_layer(
    environ: Mapping[str, str], *, prefix: str, current: Mapping[str, object]
) -> tuple[Layer, dict[str, str]]:
    """Collect ``<prefix>SECTION__KEY=value`` variables into a layer.

    Args:
        environ: The environment to scan.
        prefix: The variable prefix, e.g. ``DBX_``; ``<prefix>ENV`` and ``<prefix>CONFIG_DIR`` are not overrides.
        current: The data merged so far, to match keys of free-form mappings case-insensitively.

    Returns:
        The layer, and every variable it read with its value.

    Raises:
        ConfigError: A variable name has an empty part, or two variables set the same key.
    """
    upper = prefix.upper()
    reserved = {f"{upper}ENV", f"{upper}CONFIG_DIR"}
    names = sorted(n for n in environ if n.upper().startswith(upper) and n.upper() not in reserved)
    data: dict[str, object] = {}
    origins: dict[KeyPath, Origin] = {}
    used: dict[str, str] = {}
    for name in names:
        raw = environ[name]
        parts = name[len(prefix) :].split("__")
        if not all(parts):
            raise ConfigError(
                f"env {name}: empty key name in the variable name. Fix: rename it like {prefix}SPARK__MASTER "
                "(one '__' between levels) or unset it."
            )
        path, spec = resolve_env_path(parts, current)
        value = parse_env_value(raw, spec)
        origin = Origin(f"env {name}")
        clash = _graft(data, path, value)
        if clash is not None:
            other = origins.get(clash, origin).source
            raise ConfigError(
                f"env {name}: '{'.'.join(clash)}' is also set by {other}. Fix: unset one of the two variables."
            )
        for end in range(1, len(path)):
            origins.setdefault(path[:end], origin)
        _mark(origins, path, value, origin)
        used[name] = raw
    return Layer(data, fallback=Origin("environment"), origins=origins), used


def argument_layer(overrides: Mapping[str, object]) -> Layer:
    """Turn call-time overrides (nested mappings and/or dotted keys like ``"spark.master"``) into a layer.

    Raises:
        ConfigError: A key is not a non-empty string, or two entries set the same key.
    """
    data: dict[str, object] = {}
    for key, value in overrides.items():
        name: object = key  # typed str, but callers pass whatever they like
        if not isinstance(name, str) or not name:
            raise ConfigError(
                f"argument overrides: key {key!r} is not a non-empty string. Fix: use dotted names like "
                "'spark.master' or nested dicts."
            )
        clash = _graft(data, split_dotted(key), value)
        if clash is not None:
            raise ConfigError(
                f"argument overrides: '{'.'.join(clash)}' is set twice (by '{key}' and another entry). "
                "Fix: pass it once."
            )
    return Layer(data, fallback=ARGUMENT)


def _graft(target: dict[str, object], path: KeyPath, value: object) -> KeyPath | None:
    """Put ``value`` at ``path`` inside ``target``, merging mappings; return the clashing path, if any."""
    node = target
    for end, key in enumerate(path[:-1], start=1):
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            return path[:end]
        node = child
    leaf = path[-1]
    if leaf not in node:
        node[leaf] = _copy_tree(value)
        return None
    existing = node[leaf]
    if isinstance(existing, dict) and isinstance(value, Mapping):
        for key, item in value.items():
            clash = _graft(existing, (str(key),), item)
            if clash is not None:
                return (*path, *clash)
        return None
    return path
