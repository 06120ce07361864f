"""Cache entries for loaded configs and the cheap checks that tell when one went stale.

An entry is fresh while: ``len(environ)`` is unchanged (a cheap detector of a newly set or removed
variable, e.g. a new ``DBX_`` override), every variable the load read and found set still has the
same value, and every candidate file has the same ``(mtime_ns, size)`` -- or is still missing.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from databricks_utils.config._assembly import Assembly, Stamp
from databricks_utils.config.schema import ProjectConfig


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """A cached config and the fingerprint it was built from."""

    config: ProjectConfig
    environ: Mapping[str, str]  # held so id(environ), part of the cache key, cannot be reused while cached
    environ_len: int
    variables: tuple[tuple[str, str], ...]
    stamps: tuple[tuple[str, Stamp], ...]

    @classmethod
    def capture(cls, assembly: Assembly, *, environ: Mapping[str, str], environ_len: int) -> CacheEntry:
        """Build the entry for a fresh load; ``environ_len`` must be measured before the load started."""
        # Unset variables are not re-read on every hit (a KeyError costs more than the whole check):
        # setting one changes len(environ), which is checked first.
        present = tuple((name, value) for name, value in assembly.variables.items() if value is not None)
        return cls(assembly.config, environ, environ_len, present, assembly.stamps)

    def is_fresh(self) -> bool:
        """True when nothing the cached load depended on has changed."""
        environ = self.environ
        if len(environ) != self.environ_len:
            return False
        for name, value in self.variables:
            if environ.get(name) != value:
                return False
        for path, old in self.stamps:
            if old is None:
                # Still missing? os.access answers without raising: 3x cheaper than a failing os.stat.
                if os.access(path, os.F_OK):
                    return False
                continue
            try:
                info = os.stat(path)  # noqa: PTH116 - hot path: a Path object would cost ~1 us per file
            except OSError:
                return False
            if info.st_mtime_ns != old[0] or info.st_size != old[1]:
                return False
        return True


def freeze(value: object) -> Hashable:
    """A hashable, type-exact snapshot of call-time overrides for the cache key (``1``, ``1.0``, ``True`` differ)."""
    if isinstance(value, Mapping):
        return ("{}", tuple(sorted((repr(k), freeze(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("[]", tuple(freeze(item) for item in value))
    try:
        hash(value)
    except TypeError:
        return (type(value).__qualname__, repr(value))
    return (type(value).__qualname__, value)
