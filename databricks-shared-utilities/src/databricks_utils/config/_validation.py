"""Validate merged config data into a :class:`ProjectConfig`, turning pydantic errors into one-line messages.

Each pydantic error's ``loc`` is a key path; the origins tracked while merging say which file and
line (or variable, or argument) set it, so the message points at the line to fix:
``config/dev.yaml:3: spark.shuffle_partitions must be an integer >= 1, got 'many'``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from databricks_utils.config._field_paths import REDACTED, expected, is_secret, spec_at, suggest_key, wants_text
from databricks_utils.config._layers import Origin
from databricks_utils.config._yaml_source import KeyPath
from databricks_utils.config.schema import ProjectConfig
from databricks_utils.errors.exceptions import ConfigError

_MAX_SHOWN = 60


def validate(data: Mapping[str, object], origins: Mapping[KeyPath, Origin]) -> ProjectConfig:
    """Build the config model from merged data.

    Args:
        data: The merged layers.
        origins: Where each key path was set.

    Returns:
        The validated, frozen config.

    Raises:
        ConfigError: One message listing every problem, separated by ``"; "``, each with its origin.
    """
    try:
        return ProjectConfig.model_validate(data)
    except ValidationError as err:
        details = err.errors(include_url=False)
        located = sorted(details, key=lambda detail: _sort_key(_origin_of(_path(detail), origins)))
        message = "; ".join(describe(detail, origins) for detail in located)
        if any(is_secret(_path(detail)) for detail in details):
            # The pydantic error repeats the rejected input; chaining it would print the secret in tracebacks.
            raise ConfigError(message) from None
        raise ConfigError(message) from err


def unknown_key(path: KeyPath, origin: Origin | None) -> str:
    """The message for a key the schema does not have, with a close match or the valid keys."""
    dotted = ".".join(path)
    suggestion, valid = suggest_key(path[:-1], path[-1])
    if suggestion is not None:
        hint = f" (did you mean '{suggestion}'?)"
    else:
        under = f" under '{'.'.join(path[:-1])}'" if len(path) > 1 else ""
        hint = f"; valid keys{under}: {', '.join(valid)}"
    return f"{_where(origin)}unknown key '{dotted}'{hint}"


def describe(detail: ErrorDetails, origins: Mapping[KeyPath, Origin]) -> str:
    """One pydantic error as ``<origin>: <field> must be <type>, got <value>``."""
    path = _path(detail)
    origin = _origin_of(path, origins)
    if detail["type"] == "extra_forbidden":
        return unknown_key(path, origin)
    dotted = ".".join(path) or "config"
    got = _shown(detail["input"], secret=is_secret(path))
    via = f" (from {', '.join('${' + name + '}' for name in origin.via)})" if origin and origin.via else ""
    spec = spec_at(path)
    wanted = expected(spec)
    if detail["type"] == "value_error" or wanted is None:
        problem = " ".join(detail["msg"].split())
        return f"{_where(origin)}{dotted}: {problem[0].lower()}{problem[1:]}, got {got}{via}"
    if wants_text(spec) and isinstance(detail["input"], int | float | bool):
        via += " (quote it in YAML to keep it text)"
    return f"{_where(origin)}{dotted} must be {wanted}, got {got}{via}"


def _sort_key(origin: Origin | None) -> tuple[str, int]:
    # Problems read top to bottom, file by file, as the user will fix them.
    return (origin.source, origin.line or 0) if origin is not None else ("", 0)


def _path(detail: ErrorDetails) -> KeyPath:
    return tuple(str(part) for part in detail["loc"])


def _origin_of(path: KeyPath, origins: Mapping[KeyPath, Origin]) -> Origin | None:
    for end in range(len(path), 0, -1):
        found = origins.get(path[:end])
        if found is not None:
            return found
    return None


def _where(origin: Origin | None) -> str:
    return f"{origin.location}: " if origin is not None else ""


def _shown(value: object, *, secret: bool) -> str:
    if secret:
        return REDACTED
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
