"""One uncached load: read the layer files, merge them with environment and call overrides, validate.

The result also carries what a cache needs to know when it goes stale: the stat stamp of every
candidate file (taken *before* reading it, so an edit racing the read makes the entry stale rather
than wrong) and every environment variable that was read.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from databricks_utils.config._discovery import PROJECT_FILE, ConfigDir, choose_env
from databricks_utils.config._field_paths import canonical_key, defaults, model_class, spec_at
from databricks_utils.config._interpolation import interpolate
from databricks_utils.config._layers import Layer, LayerStack, Origin, argument_layer, env_layer
from databricks_utils.config._validation import unknown_key, validate
from databricks_utils.config._yaml_source import KeyPath, read_yaml
from databricks_utils.config.schema import ProjectConfig
from databricks_utils.errors.exceptions import ConfigError, ConfigFileNotFoundError

logger = logging.getLogger(__name__)

Stamp = tuple[int, int] | None  # (st_mtime_ns, st_size), None when the file does not exist


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file that may hold a layer: where it is, how messages name it, and whether it must exist."""

    path: Path
    label: str
    required: bool
    missing_fix: str = ""


@dataclass(frozen=True, slots=True)
class Assembly:
    """A loaded config with everything known about how it was built."""

    config: ProjectConfig
    origins: dict[KeyPath, Origin]
    env: str
    env_origin: Origin
    files: tuple[str, ...]
    stamps: tuple[tuple[str, Stamp], ...]
    variables: dict[str, str | None]


def stamp(path: str) -> Stamp:
    """The file's ``(mtime_ns, size)``, or None when it does not exist."""
    try:
        info = os.stat(path)  # noqa: PTH116 - a str path: no Path object on the cache-check path
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def candidates(config_dir: ConfigDir | None, *, env: str, extra_files: Sequence[tuple[Path, str]]) -> list[Candidate]:
    """The layer files in precedence order (later wins): project, env, extra files, personal env file."""
    extras = [
        Candidate(path, label, required=True, missing_fix="create it or remove it from extra_files")
        for path, label in extra_files
    ]
    if config_dir is None:
        return extras
    project_fix = (
        f"create it (for example: echo 'name: my_project' > {config_dir.label_of(PROJECT_FILE)}) or point "
        "config_dir / DBX_CONFIG_DIR at the folder that holds it"
    )
    return [
        Candidate(config_dir.path / PROJECT_FILE, config_dir.label_of(PROJECT_FILE), True, project_fix),
        Candidate(config_dir.path / f"{env}.yaml", config_dir.label_of(f"{env}.yaml"), required=False),
        *extras,
        Candidate(config_dir.path / f"{env}.local.yaml", config_dir.label_of(f"{env}.local.yaml"), required=False),
    ]


def assemble(
    config_dir: ConfigDir | None,
    *,
    env: str | None,
    overrides: Mapping[str, object] | None,
    environ: Mapping[str, str],
    prefix: str,
    extra_files: Sequence[tuple[Path, str]],
) -> Assembly:
    """Load and validate one configuration, uncached.

    Raises:
        ConfigError: Any invalid input; the one-line message names file, line, field and fix.
        ConfigFileNotFoundError: ``project.yaml`` or an extra file is missing.
    """
    env_name, env_origin = choose_env(env, environ=environ, prefix=prefix)
    variables: dict[str, str | None] = {}
    if env is None:
        variables[f"{prefix}ENV"] = environ.get(f"{prefix}ENV")
    stack = LayerStack(defaults(), canonical=canonical_key)
    stamps: list[tuple[str, Stamp]] = []
    files: list[str] = []
    for candidate in candidates(config_dir, env=env_name, extra_files=extra_files):
        layer = _file_layer(candidate, environ=environ, stamps=stamps, variables=variables)
        if layer is not None:
            stack.apply(layer)
            files.append(candidate.label)
    overrides_from_env, used = env_layer(environ, prefix=prefix, current=stack.data)
    variables.update(used)
    stack.apply(overrides_from_env)
    if overrides:
        stack.apply(argument_layer(overrides))
    _reject_unknown_nulls(stack.nulls)
    _pin_environment_name(stack, env_name, env_origin, prefix=prefix)
    config = validate(stack.data, stack.origins)
    logger.debug("Loaded config for env %s from %s", env_name, ", ".join(files) or "defaults only")
    return Assembly(config, stack.origins, env_name, env_origin, tuple(files), tuple(stamps), variables)


def _file_layer(
    candidate: Candidate,
    *,
    environ: Mapping[str, str],
    stamps: list[tuple[str, Stamp]],
    variables: dict[str, str | None],
) -> Layer | None:
    path = os.fspath(candidate.path)
    found = stamp(path)
    stamps.append((path, found))
    if found is None:
        if candidate.required:
            raise ConfigFileNotFoundError(f"{candidate.label}: file not found. Fix: {candidate.missing_fix}.")
        return None
    document = read_yaml(candidate.path, label=candidate.label)
    expanded = interpolate(document, environ, label=candidate.label)
    variables.update(expanded.variables)
    origins = {
        path_: Origin(candidate.label, line, expanded.via.get(path_, ())) for path_, line in document.lines.items()
    }
    logger.debug("Read config layer %s (%d keys)", candidate.label, len(origins))
    return Layer(expanded.data, fallback=Origin(candidate.label), origins=origins)


def _reject_unknown_nulls(nulls: Mapping[KeyPath, Origin]) -> None:
    # A typo set to null merges as "reset": without this check it would vanish without a word.
    for path, origin in nulls.items():
        parent = spec_at(path[:-1])
        if parent is not None and model_class(parent.annotation) is not None and spec_at(path) is None:
            raise ConfigError(unknown_key(path, origin))


def _pin_environment_name(stack: LayerStack, env: str, origin: Origin, *, prefix: str) -> None:
    section = stack.data.get("environment")
    if not isinstance(section, dict):
        return  # not a mapping: validation reports it with its file and line
    path = ("environment", "name")
    set_by = stack.origins.get(path)
    if set_by is not None and set_by.source != "default" and section.get("name") != env:
        raise ConfigError(
            f"{set_by.location}: environment.name is {section.get('name')!r} but the environment being loaded is "
            f"{env!r}. Fix: remove environment.name; the environment is chosen with env= or {prefix}ENV."
        )
    section["name"] = env
    stack.origins[path] = origin
