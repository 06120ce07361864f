"""What the :class:`ProjectConfig` schema says about a key path such as ``("spark", "shuffle_partitions")``.

Used to canonicalise keys (``schema_name`` is written ``schema``), to match environment-variable
names case-insensitively, to split dotted override keys, to suggest a close key for a typo, to
describe the expected type in error messages, and to decide which values are secrets.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from databricks_utils.config._yaml_source import KeyPath
from databricks_utils.config.schema import ProjectConfig

REDACTED = "**********"
# Key names that look like they hold credentials; their values are never shown.
_SECRET_NAME = re.compile(r"token|passw(?:or)?d|secret|credential|apikey|private|(?:^|[_.-])key(?:$|[_.-])", re.I)
_BOUNDS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """The annotation expected at a key path, and the pydantic field when the path names one."""

    annotation: object
    info: FieldInfo | None = None


ROOT = FieldSpec(ProjectConfig)


def unwrap_optional(annotation: object) -> object:
    """``X | None`` -> ``X``; anything else unchanged (``null`` means "reset to default", not a type)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def model_class(annotation: object) -> type[BaseModel] | None:
    """The pydantic model class an annotation stands for, if any."""
    inner = unwrap_optional(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def mapping_value(annotation: object) -> object | None:
    """The value annotation of ``dict[str, V]`` (``Any`` for a bare dict), else None."""
    inner = unwrap_optional(annotation)
    if inner is dict:
        return Any
    if get_origin(inner) is dict:
        args = get_args(inner)
        return args[1] if len(args) == 2 else Any  # noqa: PLR2004 - dict[K, V] has two arguments
    return None


def _is_free_form(annotation: object) -> bool:
    return annotation is Any or annotation is object


def _is_terminal_mapping(annotation: object) -> bool:
    value = mapping_value(annotation)
    return value is not None and not _has_children(value)


def _has_children(annotation: object) -> bool:
    return model_class(annotation) is not None or mapping_value(annotation) is not None or _is_free_form(annotation)


def accepted_keys(model: type[BaseModel]) -> dict[str, str]:
    """Every key a model accepts (field names and aliases) -> the canonical key (the alias if any)."""
    keys: dict[str, str] = {}
    for name, info in model.model_fields.items():
        canonical = info.alias or name
        keys[name] = canonical
        keys[canonical] = canonical
    return keys


def child(spec: FieldSpec, key: str, *, ignore_case: bool = False) -> tuple[str, FieldSpec] | None:
    """The canonical key and spec one level below ``spec``; None for an unknown key or a scalar."""
    model = model_class(spec.annotation)
    if model is not None:
        keys = accepted_keys(model)
        canonical = keys.get(key)
        if canonical is None and ignore_case:
            canonical = next((c for k, c in keys.items() if k.lower() == key.lower()), None)
        if canonical is None:
            return None
        name = next(n for n, info in model.model_fields.items() if (info.alias or n) == canonical)
        info = model.model_fields[name]
        return canonical, FieldSpec(info.annotation, info)
    value = mapping_value(spec.annotation)
    if value is not None:
        return key, FieldSpec(value)
    if _is_free_form(spec.annotation):
        return key, FieldSpec(Any)
    return None


def spec_at(path: KeyPath) -> FieldSpec | None:
    """The spec of a key path from the root, or None when the path leaves the schema."""
    spec: FieldSpec | None = ROOT
    for key in path:
        found = child(spec, key) if spec is not None else None
        spec = found[1] if found is not None else None
    return spec


def canonical_key(parent: KeyPath, key: str) -> str:
    """``key`` as the schema spells it under ``parent`` (``schema_name`` -> ``schema``); unknown keys unchanged."""
    spec = spec_at(parent)
    found = child(spec, key) if spec is not None else None
    return found[0] if found is not None else key


def split_dotted(key: str) -> KeyPath:
    """Split a dotted override key along the schema: ``spark.conf.spark.sql.ansi.enabled`` has three parts.

    Below a mapping of plain values (``spark.conf``, ``secrets``) the rest of the key is one name.
    """
    parts = key.split(".")
    path: list[str] = []
    spec: FieldSpec | None = ROOT
    for index, part in enumerate(parts):
        if spec is not None and _is_terminal_mapping(spec.annotation):
            path.append(".".join(parts[index:]))
            break
        found = child(spec, part) if spec is not None else None
        path.append(found[0] if found is not None else part)
        spec = found[1] if found is not None else None
    return tuple(path)


def resolve_env_path(parts: list[str], current: Mapping[str, object]) -> tuple[KeyPath, FieldSpec | None]:
    """Map the ``__``-separated parts of an override variable to a key path, ignoring case.

    Model fields match by name or alias; keys of free-form mappings (``params``) match a key already
    set by a lower layer, else they are lower-cased. Unknown names stay lower-cased so validation
    reports them as unknown keys.
    """
    path: list[str] = []
    spec: FieldSpec | None = ROOT
    node: object = current
    for part in parts:
        found = child(spec, part, ignore_case=True) if spec is not None else None
        if spec is not None and model_class(spec.annotation) is not None:
            key = found[0] if found is not None else part.lower()
        else:
            existing = node.keys() if isinstance(node, Mapping) else ()
            key = next((k for k in existing if isinstance(k, str) and k.lower() == part.lower()), part.lower())
        path.append(key)
        spec = found[1] if found is not None else None
        node = node.get(key) if isinstance(node, Mapping) else None
    return tuple(path), spec


def suggest_key(parent: KeyPath, key: str) -> tuple[str | None, list[str]]:
    """A close valid key for a typo under ``parent`` (or None) and the sorted valid keys there."""
    spec = spec_at(parent)
    model = model_class(spec.annotation) if spec is not None else None
    if model is None:
        return None, []
    valid = sorted({info.alias or name for name, info in model.model_fields.items()})
    candidates = sorted(accepted_keys(model))
    matches = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    if not matches:
        matches = difflib.get_close_matches(key.lower(), candidates, n=1, cutoff=0.6)
    return (accepted_keys(model)[matches[0]] if matches else None), valid


def wants_text(spec: FieldSpec | None) -> bool:
    """True when the field takes text, so an environment value must not be parsed as YAML (``"0123"``)."""
    if spec is None:
        return False
    inner = unwrap_optional(spec.annotation)
    if inner in (str, SecretStr) or (isinstance(inner, type) and issubclass(inner, PurePath)):
        return True
    return get_origin(inner) is Literal and all(isinstance(arg, str) for arg in get_args(inner))


def expected(spec: FieldSpec | None) -> str | None:
    """Describe the value a field expects, e.g. ``"an integer >= 1"``; None when the schema says nothing."""
    if spec is None:
        return None
    inner = unwrap_optional(spec.annotation)
    model = model_class(inner)
    if model is not None:
        return f"a mapping with keys such as {', '.join(sorted(accepted_keys(model))[:4])}"
    value = mapping_value(inner)
    if value is not None:
        described = expected(FieldSpec(value))
        return f"a mapping of names to {described}" if described else "a mapping"
    return _expected_scalar(inner, spec.info)


def _expected_scalar(inner: object, info: FieldInfo | None) -> str | None:
    simple = {bool: "true or false", int: "an integer", float: "a number", SecretStr: "a string"}
    text: str | None = None
    if isinstance(inner, type) and inner in simple:
        text = " ".join((simple[inner], *_bounds(info)))
    elif inner is str:
        text = "a non-empty string" if _min_length(info) else "a string"
    elif isinstance(inner, type) and issubclass(inner, PurePath):
        text = "a path"
    elif get_origin(inner) is Literal:
        text = "one of " + ", ".join(repr(arg) for arg in get_args(inner))
    return text


def _bounds(info: FieldInfo | None) -> tuple[str, ...]:
    found: list[str] = []
    for item in info.metadata if info is not None else ():
        found.extend(f"{symbol} {getattr(item, attr)}" for attr, symbol in _BOUNDS if hasattr(item, attr))
    return tuple(found)


def _min_length(info: FieldInfo | None) -> int:
    return max((int(getattr(item, "min_length", 0) or 0) for item in (info.metadata if info else ())), default=0)


def is_secret(path: KeyPath) -> bool:
    """True when the value at ``path`` is a ``SecretStr`` field or its key name looks like a credential."""
    spec: FieldSpec | None = ROOT
    for key in path:
        found = child(spec, key) if spec is not None else None
        spec = found[1] if found is not None else None
        if spec is not None and unwrap_optional(spec.annotation) is SecretStr:
            return True
    return any(_SECRET_NAME.search(part) for part in path)


def defaults() -> dict[str, object]:
    """The model defaults as plain data keyed like the YAML files: the lowest configuration layer."""
    return ProjectConfig().model_dump(by_alias=True)
