r"""Validate a bundle document against the official JSON schema (``databricks bundle schema``).

Where the schema comes from, first found wins: the ``schema`` argument (``--schema FILE``); the output of
``databricks bundle schema`` when a ``databricks`` executable is on PATH; the file named by
``$DATABRICKS_BUNDLE_SCHEMA``; else no schema check, with a note saying how to enable it.

The schema is Draft 2020-12 and its ``pattern``s use ``\p{L}``/``\p{N}``, which Python's ``re`` cannot
compile: the validator class is Draft 2020-12 with ``pattern`` (and the keywords that read
``patternProperties``) matching with the ``regex`` module. Every value in the schema is a ``oneOf`` of its
type and a ``${...}`` reference, so a raw error is "not valid under any of the given schemas" around the
whole ``resources`` tree: errors are unfolded into the branch of the value's own type, down to each leaf.
"""

from __future__ import annotations

import difflib
import functools
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from databricks_utils.bundle.document import BundleDocument, YamlPath
from databricks_utils.bundle.report import BundleProblem
from databricks_utils.errors.exceptions import ConfigError, ConfigFileNotFoundError, missing_dependency

logger = logging.getLogger(__name__)

SCHEMA_ENV_VAR = "DATABRICKS_BUNDLE_SCHEMA"
CLI_TIMEOUT_SECONDS = 60.0
_MAX_ENUM_SHOWN = 8


@dataclass(frozen=True, slots=True)
class SchemaChoice:
    """The schema to validate with (its JSON text, None when there is none), where it came from, and notes."""

    text: bytes | None
    source: str | None
    notes: tuple[str, ...] = ()


def choose_schema(explicit: Path | str | None = None, *, timeout: float = CLI_TIMEOUT_SECONDS) -> SchemaChoice:
    """Find the bundle JSON schema, in the order the module docstring gives.

    Args:
        explicit: A schema file given by the caller; it must exist.
        timeout: Seconds to wait for ``databricks bundle schema``.

    Raises:
        ConfigFileNotFoundError: ``explicit`` or ``$DATABRICKS_BUNDLE_SCHEMA`` names a file that does not exist.
        ConfigError: That file cannot be read.
    """
    if explicit is not None:
        path = Path(explicit)
        return SchemaChoice(text=_read(path, what="--schema"), source=str(path))
    notes: list[str] = []
    executable = shutil.which("databricks")
    if executable is not None:
        text, failure = _from_cli(executable, timeout=timeout)
        if text is not None:
            return SchemaChoice(text=text, source=f"databricks bundle schema ({executable})")
        notes.append(f"'{executable} bundle schema' failed ({failure}); trying ${SCHEMA_ENV_VAR}")
    env_path = os.environ.get(SCHEMA_ENV_VAR)
    if env_path:
        text = _read(Path(env_path), what=f"${SCHEMA_ENV_VAR}")
        return SchemaChoice(text=text, source=f"${SCHEMA_ENV_VAR}={env_path}", notes=tuple(notes))
    notes.append(
        "JSON schema not checked: no --schema given, no working 'databricks' CLI on PATH, and "
        f"${SCHEMA_ENV_VAR} is not set. Fix: pass --schema FILE (the output of 'databricks bundle schema') "
        f"or set {SCHEMA_ENV_VAR} to that file"
    )
    return SchemaChoice(text=None, source=None, notes=tuple(notes))


def _read(path: Path, *, what: str) -> bytes:
    if not path.is_file():
        raise ConfigFileNotFoundError(
            f"{what}: schema file {path} does not exist. Fix: give the path of the JSON file that "
            "'databricks bundle schema' prints"
        )
    try:
        return path.read_bytes()
    except OSError as err:
        raise ConfigError(
            f"{what}: cannot read schema file {path} ({err.strerror}). Fix: check its permissions"
        ) from err


def _from_cli(executable: str, *, timeout: float) -> tuple[bytes | None, str]:
    """``databricks bundle schema``'s output, or None and why it failed."""
    try:
        result = subprocess.run(  # noqa: S603 - a fixed argument list; the executable is the user's own CLI
            [executable, "bundle", "schema"], capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError) as err:  # not executable, timed out
        return None, f"{type(err).__name__}: {err}"
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        return None, f"exit code {result.returncode}: {detail[0] if detail else 'no message'}"
    try:
        json.loads(result.stdout)
    except ValueError:
        return None, "its output is not JSON (an old CLI without bundle support?)"
    return result.stdout, ""


def schema_problems(document: BundleDocument, schema: bytes, *, source: str) -> list[BundleProblem]:
    """The problems the JSON schema finds in ``document``, each at its key path, file and line.

    Raises:
        ConfigError: ``schema`` is not a usable JSON schema (not JSON, not an object, invalid Draft 2020-12).
        DependencyMissingError: ``jsonschema`` or ``regex`` is not installed.
    """
    try:
        validator = compiled_validator(schema)
    except ConfigError as err:
        raise ConfigError(f"{source}: {err}") from err
    problems = []
    for error in validator.iter_errors(document.data):
        for leaf in _leaves(error):
            problems.extend(_problems(document, leaf))
    return problems


@functools.lru_cache(maxsize=4)
def compiled_validator(schema: bytes) -> Any:
    """The validator for a schema text, built once per distinct text.

    A module-level cache on purpose: parsing and checking the 900 kB official schema takes about 50 ms and
    a test suite validates many bundles against the same file; keyed by content, a changed file is
    rebuilt, and at most four schemas are kept.

    Raises:
        ConfigError: ``schema`` is not a usable JSON schema.
    """
    jsonschema, regex = _libraries()
    try:
        document = json.loads(schema)
    except ValueError as err:
        raise ConfigError(f"not JSON ({err}). Fix: give the output of 'databricks bundle schema'") from err
    if not isinstance(document, dict):
        raise ConfigError(f"a JSON schema is an object, got {type(document).__name__}. Fix: check the file")
    validator_class = _validator_class(jsonschema, regex)
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("regex", raises=regex.error)(regex.compile)
    try:
        validator_class.check_schema(document, format_checker=checker)
    except jsonschema.exceptions.SchemaError as err:
        raise ConfigError(
            f"not a valid Draft 2020-12 schema ({err.message}). Fix: regenerate it with 'databricks bundle schema'"
        ) from err
    logger.debug("compiled a bundle JSON schema of %d bytes", len(schema))
    return validator_class(document)


def _libraries() -> tuple[Any, Any]:
    try:
        import jsonschema  # type: ignore[import-untyped]  # ships no type information
        import regex  # type: ignore[import-untyped]  # ships no type information
    except ImportError as err:
        raise missing_dependency(
            err.name or "jsonschema", extra="bundle", purpose="check a bundle's JSON schema"
        ) from err
    return jsonschema, regex


def _validator_class(jsonschema: Any, regex: Any) -> Any:
    r"""Draft 2020-12, with ``pattern`` and ``patternProperties`` matched by ``regex`` (it knows ``\p{L}``)."""
    base = jsonschema.Draft202012Validator
    error_class = jsonschema.ValidationError

    def pattern(validator: Any, expected: str, instance: object, schema: dict[str, Any]) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not regex.search(expected, instance):
            yield error_class(f"{instance!r} does not match {expected!r}")

    def pattern_properties(validator: Any, patterns: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Any:
        if not validator.is_type(instance, "object"):
            return
        for expected, subschema in patterns.items():
            for key, value in instance.items():
                if regex.search(expected, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=expected)

    additional = base.VALIDATORS["additionalProperties"]

    def additional_properties(validator: Any, allowed: Any, instance: Any, schema: dict[str, Any]) -> Any:
        # The stock keyword matches patternProperties with `re`: hand it a schema without them, and
        # without the keys that match them.
        patterns = schema.get("patternProperties")
        if not patterns or not validator.is_type(instance, "object"):
            yield from additional(validator, allowed, instance, schema)
            return
        rest = {k: v for k, v in instance.items() if not any(regex.search(p, k) for p in patterns)}
        plain = {k: v for k, v in schema.items() if k != "patternProperties"}
        yield from additional(validator, allowed, rest, plain)

    return jsonschema.validators.extend(
        base,
        {"pattern": pattern, "patternProperties": pattern_properties, "additionalProperties": additional_properties},
    )


def _is_reference_branch(subschema: object) -> bool:
    """Whether a ``oneOf`` branch is the ``${...}`` reference alternative every typed value has."""
    return isinstance(subschema, dict) and "\\$\\{" in str(subschema.get("pattern", ""))


def _leaves(error: Any) -> Iterator[Any]:
    """The errors that say what is wrong, unfolding ``oneOf``/``anyOf`` into the branch the value meant."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        yield error
        return
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    options = error.validator_value
    meant = {
        index: subs
        for index, subs in branches.items()
        if not _is_reference_branch(options[index])
        and not any(sub.validator == "type" and not sub.relative_path for sub in subs)
    }
    if not meant:  # the value has none of the expected types, or is text that is not a reference
        yield error
        return
    chosen = min(meant.values(), key=len)  # the branch with fewest errors is the nearest miss
    for sub in chosen:
        yield from _leaves(sub)


def _problems(document: BundleDocument, error: Any) -> list[BundleProblem]:
    path: YamlPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        regex = _libraries()[1]
        return [
            document.problem(
                (*path, key),
                f"unknown key '{key}' (not in the bundle schema). Fix: {_did_you_mean(key, known)}",
            )
            for key in error.instance
            if key not in known and not any(regex.search(pattern, key) for pattern in patterns)
        ]
    return [document.problem(path, _message(error))]


def _did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f"did you mean '{close[0]}'? Else remove it" if close else "remove it or correct its spelling"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."  # noqa: PLR2004 - one readable line


def _message(error: Any) -> str:
    validator, value = error.validator, error.validator_value
    if validator == "required":
        return f"{error.message} (JSON schema). Fix: add it"
    if validator == "enum":
        shown = ", ".join(str(option) for option in value[:_MAX_ENUM_SHOWN])
        more = ", ..." if len(value) > _MAX_ENUM_SHOWN else ""
        return f"{_short(error.instance)} is not one of {shown}{more} (JSON schema). Fix: use one of those values"
    if validator in ("oneOf", "anyOf") and error.context:
        types = [
            option.get("type") for option in value if isinstance(option, dict) and not _is_reference_branch(option)
        ]
        expected = " or ".join(str(kind) for kind in types if kind) or "a value of another shape"
        return (
            f"expected {expected} or a ${{...}} reference, got {_short(error.instance)} (JSON schema). "
            "Fix: write a value of that type"
        )
    if validator == "type":
        return f"expected {value}, got {_short(error.instance)} (JSON schema). Fix: write a value of that type"
    return f"{error.message[:200]} (JSON schema). Fix: correct the value"
