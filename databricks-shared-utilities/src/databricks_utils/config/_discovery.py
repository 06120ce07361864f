"""Find the config folder and choose the environment, before any file is read.

Config folder: the ``config_dir`` argument, else ``<prefix>CONFIG_DIR``, else the nearest ``config/``
holding a ``project.yaml`` in the working directory or one of its parents (notebooks and tests run
from sub-folders). Environment: the ``env`` argument, else ``<prefix>ENV``, else ``local``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from databricks_utils.config._layers import ARGUMENT, DEFAULT, Origin
from databricks_utils.config.schema import ENVIRONMENTS
from databricks_utils.errors.exceptions import ConfigError, ConfigFileNotFoundError

PROJECT_FILE = "project.yaml"


@dataclass(frozen=True, slots=True)
class ConfigDir:
    """A located config folder: absolute path, the name used in messages, and how it was chosen."""

    path: Path
    label: str
    chosen_by: str

    def label_of(self, name: str) -> str:
        """How a file in this folder is named in messages: ``config/dev.yaml``."""
        return str(Path(self.label, name))


def locate_config_dir(
    config_dir: str | os.PathLike[str] | None, *, environ: Mapping[str, str], prefix: str
) -> ConfigDir | None:
    """Return the config folder to use, or None when the project has no config files.

    Raises:
        ConfigFileNotFoundError: A folder was given (argument or variable) and does not exist.
        ConfigError: The given path is not a folder.
    """
    if config_dir is not None:
        return _given(os.fspath(config_dir), chosen_by="the config_dir argument")
    variable = f"{prefix}CONFIG_DIR"
    from_env = environ.get(variable)
    if from_env:
        return _given(from_env, chosen_by=f"env {variable}")
    return _search_upward(Path.cwd())


def _given(raw: str, *, chosen_by: str) -> ConfigDir:
    path = Path(raw).expanduser()
    if not path.exists():
        setting = chosen_by.removeprefix("env ").removeprefix("the ")
        raise ConfigFileNotFoundError(
            f"config directory '{raw}' ({path.absolute()}, from {chosen_by}) does not exist. "
            f"Fix: create it with a {PROJECT_FILE}, or point {setting} at the folder that holds {PROJECT_FILE}."
        )
    if not path.is_dir():
        raise ConfigError(
            f"config directory '{raw}' (from {chosen_by}) is a file, not a folder. Fix: give the folder that "
            f"holds {PROJECT_FILE}."
        )
    return ConfigDir(path=path.resolve(), label=raw, chosen_by=chosen_by)


def _search_upward(start: Path) -> ConfigDir | None:
    for folder in (start, *start.parents):
        candidate = folder / "config"
        if (candidate / PROJECT_FILE).is_file():
            return ConfigDir(
                path=candidate.resolve(), label=os.path.relpath(candidate, start), chosen_by=f"search from {start}"
            )
    return None


def choose_env(env: str | None, *, environ: Mapping[str, str], prefix: str) -> tuple[str, Origin]:
    """Return the environment name and the origin to record for ``environment.name``.

    Raises:
        ConfigError: The name is not one of :data:`ENVIRONMENTS`; the message suggests the closest.
    """
    variable = f"{prefix}ENV"
    if env is not None:
        name, origin, fix = env, ARGUMENT, "pass env="
    elif environ.get(variable):
        name, origin, fix = environ[variable], Origin(f"env {variable}"), f"set {variable} to"
    else:
        return "local", DEFAULT
    if name.lower() in ENVIRONMENTS:  # DBX_ENV=DEV in CI means dev
        return name.lower(), origin
    close = difflib.get_close_matches(name.lower(), ENVIRONMENTS, n=1, cutoff=0.5)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ConfigError(
        f"{origin.source}: unknown environment {name!r}{hint}; valid environments: {', '.join(ENVIRONMENTS)}. "
        f"Fix: {fix} one of them."
    )
