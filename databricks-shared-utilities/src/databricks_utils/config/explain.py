"""The answer of :meth:`ConfigLoader.explain`: every setting's final value and the layer that set it.

Secrets are shown as ``**********``: ``SecretStr`` fields (``secrets.*``, ``environment.token``) and
any key whose name looks like a credential (token, password, secret, key, credential).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from pydantic import SecretStr

from databricks_utils.config._field_paths import REDACTED, is_secret
from databricks_utils.config._layers import DEFAULT, Origin
from databricks_utils.config._yaml_source import KeyPath
from databricks_utils.config.schema import ProjectConfig

_MAX_VALUE_WIDTH = 48


@dataclass(frozen=True, slots=True)
class ExplainRow:
    """One leaf setting: dotted key, final value (redacted when secret) and where it came from.

    ``source`` is ``default``, ``config/dev.yaml:3``, ``config/dev.yaml:4 via ${MASTER}``,
    ``env DBX_SPARK__MASTER`` or ``argument``.
    """

    key: str
    value: object
    source: str
    secret: bool = False

    def to_dict(self) -> dict[str, object]:
        """The row as a plain dict (``key``, ``value``, ``source``, ``secret``)."""
        return {"key": self.key, "value": self.value, "source": self.source, "secret": self.secret}


@dataclass(frozen=True, slots=True)
class ConfigExplanation:
    """Which layer set each setting of a loaded config; ``str()`` gives the aligned table.

    Example:
        >>> from databricks_utils.config import ConfigLoader
        >>> explanation = ConfigLoader(environ={}).explain("dev")  # doctest: +SKIP
        >>> explanation["spark.master"].source  # doctest: +SKIP
        'config/dev.yaml:3'
    """

    env: str
    env_source: str
    config_dir: str | None
    files: tuple[str, ...]
    rows: tuple[ExplainRow, ...]
    config: ProjectConfig = field(repr=False)

    def __iter__(self) -> Iterator[ExplainRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: str) -> ExplainRow:
        """The row of a dotted key such as ``"spark.master"``.

        Raises:
            KeyError: No such leaf setting; the message lists the keys that start the same way.
        """
        for row in self.rows:
            if row.key == key:
                return row
        section = key.split(".", 1)[0]
        near = [row.key for row in self.rows if row.key.startswith(section)][:8]
        raise KeyError(f"no setting {key!r}; keys under {section!r}: {', '.join(near) or 'none'}")

    def to_dicts(self) -> list[dict[str, object]]:
        """All rows as plain dicts, e.g. for ``json.dumps`` or a DataFrame."""
        return [row.to_dict() for row in self.rows]

    def to_text(self) -> str:
        """An aligned table headed by the environment, the config folder and the files read."""
        header = [
            f"environment: {self.env} ({self.env_source})",
            f"config dir:  {self.config_dir or 'none found: defaults and environment variables only'}",
            f"files:       {', '.join(self.files) or 'none'}",
            "",
        ]
        table = [("KEY", "VALUE", "SOURCE"), *((r.key, format_value(r.value), r.source) for r in self.rows)]
        key_width = max(len(key) for key, _, _ in table)
        value_width = max(len(value) for _, value, _ in table)
        lines = [f"{key:<{key_width}}  {value:<{value_width}}  {source}".rstrip() for key, value, source in table]
        return "\n".join(header + lines)

    def __str__(self) -> str:
        return self.to_text()


def explain_rows(config: ProjectConfig, origins: Mapping[KeyPath, Origin]) -> tuple[ExplainRow, ...]:
    """One row per leaf of ``config``, in schema order, with the origin recorded while merging."""
    rows: list[ExplainRow] = []
    _collect(config.model_dump(by_alias=True), (), origins, rows)
    return tuple(rows)


def _collect(value: object, path: KeyPath, origins: Mapping[KeyPath, Origin], rows: list[ExplainRow]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _collect(item, (*path, str(key)), origins, rows)
        return
    secret = isinstance(value, SecretStr) or is_secret(path)
    # An empty mapping under a secret-looking name (``secrets: {}``) holds nothing to hide.
    empty = isinstance(value, dict | list) and not value
    shown = REDACTED if secret and value is not None and not empty else _redact_inside(value)
    rows.append(ExplainRow(key=".".join(path), value=shown, source=str(_origin(path, origins)), secret=secret))


def _redact_inside(value: object) -> object:
    """Plain data for a leaf, with secrets inside lists (``[{password: ...}]``) replaced."""
    if isinstance(value, SecretStr):
        return REDACTED
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, dict):
        return {k: REDACTED if is_secret((str(k),)) else _redact_inside(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_inside(item) for item in value]
    return value


def _origin(path: KeyPath, origins: Mapping[KeyPath, Origin]) -> Origin:
    for end in range(len(path), 0, -1):
        found = origins.get(path[:end])
        if found is not None:
            return found
    return DEFAULT


def format_value(value: object) -> str:
    """Render a value for the table: YAML-like scalars, JSON for collections, long values shortened."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value if value and value == value.strip() and value.isprintable() else json.dumps(value)
    elif isinstance(value, dict | list | tuple):
        text = json.dumps(value, default=str, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= _MAX_VALUE_WIDTH else text[: _MAX_VALUE_WIDTH - 3] + "..."
