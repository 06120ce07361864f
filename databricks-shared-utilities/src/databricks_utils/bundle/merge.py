"""Merge configuration trees the way the Databricks CLI does, keeping the origin of every key path.

The CLI (``libs/dyn/merge``) merges mappings key by key, concatenates lists, and lets the later scalar win;
a mapping cannot merge with a list or a scalar. After a target's overrides are merged, list items that share
a key (job tasks by ``task_key``, job clusters by ``job_cluster_key``...) are merged into the first of them.
"""

from __future__ import annotations

from collections.abc import Callable

from databricks_utils.bundle.document import Lookup, Origin, YamlPath
from databricks_utils.bundle.report import BundleProblem
from databricks_utils.quality._yaml_tree import dotted

KeyOf = Callable[[object], "str | None"]


def kind(value: object) -> str:
    """How a value is named in messages: ``a mapping``, ``a list`` or ``the value 'x'``."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the value {value!r}"[:60]


class TreeMerger:
    """Builds one tree out of several, recording in :attr:`origins` where each key path of the result came from.

    Values are copied as they are grafted in, so the trees given are never changed.
    """

    def __init__(self, *, fallback_file: str) -> None:
        self.origins: dict[YamlPath, Origin] = {}
        self.problems: list[BundleProblem] = []
        self._fallback_file = fallback_file

    def graft(self, value: object, *, dst: YamlPath, src: YamlPath, lookup: Lookup) -> object:
        """A copy of ``value`` (found at ``src`` of its tree) placed at ``dst``, with the origins of all its paths."""
        self._record(dst, lookup(src))
        if isinstance(value, dict):
            return {
                key: self.graft(item, dst=(*dst, key), src=(*src, key), lookup=lookup) for key, item in value.items()
            }
        if isinstance(value, list):
            return [
                self.graft(item, dst=(*dst, index), src=(*src, index), lookup=lookup)
                for index, item in enumerate(value)
            ]
        return value

    def merge(self, base: object, over: object, *, dst: YamlPath, src: YamlPath, lookup: Lookup) -> object:
        """``over`` merged onto ``base`` (a value of the result, changed in place when it is a container).

        Returns:
            The merged value, to store at ``dst``.
        """
        if over is None:
            return base
        if base is None:
            return self.graft(over, dst=dst, src=src, lookup=lookup)
        if isinstance(base, dict) and isinstance(over, dict):
            for key, item in over.items():
                child, source = (*dst, key), (*src, key)
                if key in base:
                    base[key] = self.merge(base[key], item, dst=child, src=source, lookup=lookup)
                else:
                    base[key] = self.graft(item, dst=child, src=source, lookup=lookup)
            return base
        if isinstance(base, list) and isinstance(over, list):
            start = len(base)
            base.extend(
                self.graft(item, dst=(*dst, start + index), src=(*src, index), lookup=lookup)
                for index, item in enumerate(over)
            )
            return base
        if isinstance(base, dict | list) or isinstance(over, dict | list):
            self._conflict(base, over, dst=dst, origin=lookup(src))
            return base
        self._record(dst, lookup(src))
        return over

    def merge_by_key(self, items: list[object], *, dst: YamlPath, key_of: KeyOf) -> list[object]:
        """``items`` (the list at ``dst`` of the result) with the items sharing a key merged into the first one.

        Items without a key are kept as they are, like the CLI's ``merge.ElementsByKey``.
        """
        below = {
            path: origin for path, origin in self.origins.items() if len(path) > len(dst) and path[: len(dst)] == dst
        }
        for path in below:
            del self.origins[path]
        merged: list[object] = []
        position: dict[str, int] = {}
        for index, item in enumerate(items):
            key = key_of(item)
            if key is not None and key in position:
                at = position[key]
                merged[at] = self.merge(merged[at], item, dst=(*dst, at), src=(*dst, index), lookup=below.get)
                continue
            if key is not None:
                position[key] = len(merged)
            merged.append(self.graft(item, dst=(*dst, len(merged)), src=(*dst, index), lookup=below.get))
        return merged

    def _record(self, dst: YamlPath, origin: Origin | None) -> None:
        if origin is not None:  # the top of a file, and keys the reader saw no line for, keep what they had
            self.origins[dst] = origin

    def _conflict(self, base: object, over: object, *, dst: YamlPath, origin: Origin | None) -> None:
        first = self.origins.get(dst)
        where = f" (set at {first})" if first is not None else ""
        self.problems.append(
            BundleProblem(
                file=origin.file if origin else self._fallback_file,
                line=origin.line if origin else None,
                path=dotted(dst),
                message=(
                    f"cannot merge {kind(over)} into {kind(base)}{where}; the CLI stops here. "
                    "Fix: write the same kind of value (mapping, list or scalar) in both places"
                ),
            )
        )
