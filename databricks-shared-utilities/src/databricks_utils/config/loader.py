"""Load a project's configuration for one environment from YAML files, environment variables and arguments.

Layers, highest precedence first (a higher layer wins on every key it sets)::

    1. call arguments        ConfigLoader().load(overrides={"spark.master": "local[1]"})
    2. environment variables DBX_SPARK__SHUFFLE_PARTITIONS=8   (prefix + "__" between levels)
    3. <env>.local.yaml      personal settings, keep it out of git (add "config/*.local.yaml" to .gitignore)
    4. extra_files           ConfigLoader(extra_files=[...]), in the order given
    5. <env>.yaml            e.g. config/dev.yaml
    6. project.yaml          required in a config folder
    7. model defaults        the field defaults of :class:`ProjectConfig`

Merging: mappings merge key by key; lists and scalars replace. An explicit ``null`` resets a key to
its model default (a key without a default, e.g. under ``params``, is removed).

Files: ``config_dir`` argument, else ``DBX_CONFIG_DIR``, else the nearest ``config/`` folder holding a
``project.yaml`` in the working directory or its parents (resolved once, when the loader is made).
With no folder found, the config is the defaults plus environment variables and arguments.
Relative ``extra_files`` are relative to the config folder (to the working directory without one).

Environment: ``env`` argument, else ``DBX_ENV``, else ``local``; it must be one of local, lab, dev,
prod and is written into ``environment.name`` (a file must not set that to something else).

Environment variables: ``DBX_<SECTION>__<KEY>`` with case-insensitive parts (``DBX_CATALOG__SCHEMA``,
``DBX_PARAMS__SOURCE_PATH``). Values are read as YAML scalars or flow collections (``8`` -> 8,
``true`` -> True, ``[a, b]`` -> a list) except for text fields, which keep the raw text; ``null``
resets. ``DBX_ENV`` and ``DBX_CONFIG_DIR`` are not overrides. With ``env_prefix="X_"`` all three
names change accordingly (``X_ENV``, ``X_CONFIG_DIR``, ``X_SPARK__MASTER``).

Interpolation: ``${VAR}`` and ``${VAR:-default}`` in string values of the files (whole or embedded);
``$${VAR}`` is a literal ``${VAR}``. Environment-variable and argument values are taken literally.

Caching: ``load()`` results are kept in a class-level dict guarded by a ``threading.Lock`` -- a
documented exception to the no-module-level-state rule, so every ``load_config()`` call in a
process shares them. Writers take the lock; a hit is one atomic ``dict.get`` plus the checks
below. The key is (config folder, extra files, prefix, ``id(environ)``, env, overrides); an
entry holds a reference to its ``environ`` so that id cannot be reused while it is cached. A hit
re-checks each layer file's ``(mtime_ns, size)`` (a new ``dev.local.yaml`` counts), the value of
every variable the load read, and ``len(environ)``. Edits within the file system's timestamp
granularity that keep the size are not seen; pass ``reload=True`` to be certain. Misses are built
under the lock, so concurrent first loads build once. At most 256 entries are kept (oldest dropped).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from databricks_utils.config._assembly import Assembly, assemble
from databricks_utils.config._cache import CacheEntry, freeze
from databricks_utils.config._discovery import ConfigDir, locate_config_dir
from databricks_utils.config.explain import ConfigExplanation, explain_rows
from databricks_utils.config.schema import ProjectConfig
from databricks_utils.errors.exceptions import ConfigError

__all__ = ["ConfigLoader", "load_config"]


class ConfigLoader:
    """Loads :class:`ProjectConfig` for an environment from layered YAML, environment variables and arguments.

    See the module docstring for precedence, merge rules, variables and caching.

    Args:
        config_dir: Folder with ``project.yaml`` and ``<env>.yaml``; default: ``DBX_CONFIG_DIR``, else
            the nearest ``config/`` above the working directory, else none (defaults only).
        env_prefix: Prefix of override variables; also names the env and config-dir variables.
        environ: Variables to read instead of ``os.environ`` (tests). Cached per mapping object.
        extra_files: More YAML layers, applied after ``<env>.yaml`` and before ``<env>.local.yaml``.

    Raises:
        ConfigFileNotFoundError: ``config_dir`` (or ``DBX_CONFIG_DIR``) names a folder that does not exist.
        ConfigError: ``env_prefix`` is empty or the given config folder is a file.

    Example:
        >>> loader = ConfigLoader(environ={})  # doctest: +SKIP
        >>> cfg = loader.load("dev", overrides={"spark.shuffle_partitions": 8})  # doctest: +SKIP
        >>> print(loader.explain("dev"))  # doctest: +SKIP
    """

    _cache: ClassVar[dict[Hashable, CacheEntry]] = {}
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()
    _cache_size: ClassVar[int] = 256

    def __init__(
        self,
        config_dir: str | os.PathLike[str] | None = None,
        *,
        env_prefix: str = "DBX_",
        environ: Mapping[str, str] | None = None,
        extra_files: Sequence[str | os.PathLike[str]] = (),
    ) -> None:
        if not env_prefix:
            raise ConfigError("env_prefix is empty: every environment variable would be an override. Fix: use 'DBX_'.")
        self._environ: Mapping[str, str] = os.environ if environ is None else environ
        self._prefix = env_prefix
        self._dir = locate_config_dir(config_dir, environ=self._environ, prefix=env_prefix)
        self._extra_files = tuple(self._extra_file(os.fspath(item)) for item in extra_files)
        self._key: Hashable = (
            os.fspath(self._dir.path) if self._dir else None,
            tuple(os.fspath(path) for path, _ in self._extra_files),
            env_prefix,
            id(self._environ),
        )

    @property
    def config_dir(self) -> Path | None:
        """The absolute config folder in use, or None when the config is defaults plus variables only."""
        return self._dir.path if self._dir else None

    def __repr__(self) -> str:
        return f"ConfigLoader(config_dir={self._dir.label if self._dir else None!r}, env_prefix={self._prefix!r})"

    def load(
        self, env: str | None = None, *, overrides: Mapping[str, object] | None = None, reload: bool = False
    ) -> ProjectConfig:
        """Return the validated config of ``env``, from the cache when nothing it depends on changed.

        Args:
            env: ``local``, ``lab``, ``dev`` or ``prod``; default ``DBX_ENV``, else ``local``.
            overrides: Highest-precedence values, nested (``{"spark": {"master": ...}}``) or dotted
                (``{"spark.master": ...}``).
            reload: Ignore the cached result and read everything again.

        Returns:
            The frozen config. Equal requests return the identical object while it is fresh.

        Raises:
            ConfigError: Unknown env, invalid YAML, unknown key, wrong type, unset ``${VAR}``: one line
                naming the file and line (or variable), the field, the bad value (never a secret) and a fix.
            ConfigFileNotFoundError: ``project.yaml`` or an extra file is missing.

        Example:
            >>> ConfigLoader(environ={}).load("dev").env  # doctest: +SKIP
            'dev'
        """
        key = (self._key, env, freeze(overrides) if overrides else None)
        if not reload:
            entry = self._cache.get(key)  # a dict read is atomic; only writers take the lock
            if entry is not None and entry.is_fresh():
                return entry.config
        with self._cache_lock:
            entry = self._cache.get(key)
            if not reload and entry is not None and entry.is_fresh():
                return entry.config  # another thread loaded it while this one waited
            environ_len = len(self._environ)
            assembly = self._assemble(env, overrides)
            self._cache.pop(key, None)
            while len(self._cache) >= self._cache_size:
                del self._cache[next(iter(self._cache))]
            self._cache[key] = CacheEntry.capture(assembly, environ=self._environ, environ_len=environ_len)
        return assembly.config

    def explain(self, env: str | None = None, *, overrides: Mapping[str, object] | None = None) -> ConfigExplanation:
        """Load ``env`` uncached and report, for every leaf setting, its value and the layer that set it.

        Args:
            env: As for :meth:`load`.
            overrides: As for :meth:`load`; their keys show ``argument`` as source.

        Returns:
            The explanation; ``print()`` it for an aligned table, or use ``to_dicts()``.

        Raises:
            ConfigError: As for :meth:`load`.
            ConfigFileNotFoundError: As for :meth:`load`.

        Example:
            >>> print(ConfigLoader(environ={}).explain("dev"))  # doctest: +SKIP
        """
        assembly = self._assemble(env, overrides)
        return ConfigExplanation(
            env=assembly.env,
            env_source=str(assembly.env_origin),
            config_dir=self._dir.label if self._dir else None,
            files=assembly.files,
            rows=explain_rows(assembly.config, assembly.origins),
            config=assembly.config,
        )

    @classmethod
    def clear_cache(cls) -> None:
        """Forget every cached config (all loaders in the process).

        Example:
            >>> ConfigLoader.clear_cache()
        """
        with cls._cache_lock:
            cls._cache.clear()

    def _assemble(self, env: str | None, overrides: Mapping[str, object] | None) -> Assembly:
        return assemble(
            self._dir,
            env=env,
            overrides=overrides,
            environ=self._environ,
            prefix=self._prefix,
            extra_files=self._extra_files,
        )

    def _extra_file(self, raw: str) -> tuple[Path, str]:
        path = Path(raw).expanduser()
        if path.is_absolute():
            return path, raw
        if self._dir is not None:
            return self._dir.path / path, ConfigDir.label_of(self._dir, raw)
        return Path.cwd() / path, raw


def load_config(
    env: str | None = None,
    *,
    config_dir: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> ProjectConfig:
    """Load the project's config: ``ConfigLoader(config_dir).load(env, overrides=overrides)``.

    Cached like :meth:`ConfigLoader.load`; the config folder is looked up again on every call.

    Raises:
        ConfigError: As for :meth:`ConfigLoader.load`.
        ConfigFileNotFoundError: The config folder, ``project.yaml`` or an extra file is missing.

    Example:
        >>> cfg = load_config("dev", overrides={"spark.master": "local[1]"})  # doctest: +SKIP
        >>> cfg.spark.master  # doctest: +SKIP
        'local[1]'
    """
    return ConfigLoader(config_dir).load(env, overrides=overrides)
