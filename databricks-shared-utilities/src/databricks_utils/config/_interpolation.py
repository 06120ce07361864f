"""``${VAR}`` and ``${VAR:-default}`` substitution in the string values of one config file.

Rules (shell-like, deliberately small):

* ``${VAR}`` is replaced by the variable's value, whole (``"${MASTER}"``) or embedded
  (``"jdbc://${HOST}:5432"``). An unset variable is an error naming file, line, key and variable.
* ``${VAR:-default}`` uses ``default`` when VAR is unset *or empty*, as in POSIX shells.
* ``$${VAR}`` is the escape for a literal ``${VAR}``.
* No nesting and no recursion: a default or a variable's value is inserted as-is.
* Only string values are touched (keys never are); the result stays a string and pydantic converts
  it to the field's type afterwards, so ``"${PARTS:-4}"`` becomes the integer 4 for an int field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from databricks_utils.config._yaml_source import KeyPath, YamlDocument
from databricks_utils.errors.exceptions import ConfigError

_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_BODY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Substitution:
    """A file's data after interpolation, with the variables each key path was built from."""

    data: dict[str, object]
    via: dict[KeyPath, tuple[str, ...]]
    variables: dict[str, str | None]  # every variable referenced -> the value seen (None: unset)


def interpolate(document: YamlDocument, environ: Mapping[str, str], *, label: str) -> Substitution:
    """Expand every ``${...}`` reference in the string values of ``document``.

    Args:
        document: The parsed file.
        environ: Where variables are looked up.
        label: The file as named in error messages.

    Returns:
        The expanded data, the variables used per key path, and every variable read.

    Raises:
        ConfigError: A variable without default is unset, or a reference is malformed.
    """
    walker = _Walker(environ, label=label, lines=document.lines)
    data = walker.mapping(document.data, ())
    return Substitution(data=data, via=walker.via, variables=walker.variables)


class _Walker:
    def __init__(self, environ: Mapping[str, str], *, label: str, lines: Mapping[KeyPath, int]) -> None:
        self._environ = environ
        self._label = label
        self._lines = lines
        self.via: dict[KeyPath, tuple[str, ...]] = {}
        self.variables: dict[str, str | None] = {}

    def mapping(self, data: Mapping[str, object], path: KeyPath) -> dict[str, object]:
        return {key: self.value(value, (*path, key), path_of_list=None) for key, value in data.items()}

    def value(self, value: object, path: KeyPath, *, path_of_list: KeyPath | None) -> object:
        if isinstance(value, str):
            return self._string(value, path_of_list or path) if "${" in value else value
        if isinstance(value, dict):
            if path_of_list is not None:  # a mapping inside a list: paths below it have no line of their own
                return {k: self.value(v, path, path_of_list=path_of_list) for k, v in value.items()}
            return self.mapping(value, path)
        if isinstance(value, list):
            return [self.value(item, path, path_of_list=path_of_list or path) for item in value]
        return value

    def _string(self, text: str, path: KeyPath) -> str:
        used: list[str] = []
        where = f"{self._label}:{self._lines.get(path, '?')}: {'.'.join(path)}"

        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            body = match.group(1)
            if body is None:
                raise ConfigError(
                    f"{where}: unclosed '${{' in {text!r}. Fix: write ${{NAME}}, or $${{ for a literal '${{'."
                )
            return self._resolve(body, where=where, used=used)

        expanded = _TOKEN.sub(replace, text)
        if used:
            self.via[path] = tuple(dict.fromkeys((*self.via.get(path, ()), *used)))
        return expanded

    def _resolve(self, body: str, *, where: str, used: list[str]) -> str:
        parsed = _BODY.fullmatch(body)
        if parsed is None:
            raise ConfigError(
                f"{where}: malformed reference '${{{body}}}'. Fix: use ${{NAME}} or ${{NAME:-default}} "
                "(NAME: letters, digits, underscores), or $${...} for a literal."
            )
        name, default = parsed.group(1), parsed.group(2)
        value = self._environ.get(name)
        used.append(name)
        self.variables[name] = value
        if value:
            return value
        if default is not None:
            return default
        if value is not None:  # set but empty, and no default asked for: empty is what the user exported
            return value
        raise ConfigError(
            f"{where} uses ${{{name}}} but the environment variable {name} is not set. "
            f"Fix: export {name}=... or write ${{{name}:-default}} in the file."
        )
