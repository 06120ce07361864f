"""Log context: fields attached to every record logged inside a scope, plus the Databricks job ids.

The scope is a :class:`contextvars.ContextVar`, so it follows the code that is running: nested scopes
merge (inner wins) and are restored on exit; each thread starts empty and each asyncio task sees a copy
of its creator's context, so concurrent work never mixes fields.

There is deliberately no ``bind_context()``/``clear_context()`` pair for "set once, keep forever":
ipykernel runs notebook cells in contexts that do not reliably carry a ``ContextVar`` from one cell to
the next (ipython/ipykernel#749, #1457), so such a call would silently stop working in the next cell.
Wrap the code instead: ``with log_context(pipeline="orders"): main()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Final

# Environment variable -> context field, the one place this mapping lives. Read once, when a formatter is
# built (so at configure_logging time), because the environment of a Databricks job does not change while
# it runs. The first variable that is set wins for a field: DATABRICKS_JOB_RUN_ID before DATABRICKS_RUN_ID.
DATABRICKS_ENV_FIELDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "DATABRICKS_JOB_ID": "job_id",
        "DATABRICKS_JOB_RUN_ID": "run_id",
        "DATABRICKS_RUN_ID": "run_id",
        "DATABRICKS_TASK_KEY": "task_key",
        "DATABRICKS_CLUSTER_ID": "cluster_id",
        "DATABRICKS_RUNTIME_VERSION": "runtime_version",
    }
)

_EMPTY: Final[Mapping[str, object]] = MappingProxyType({})
# The one piece of module-level state the brief allows: a ContextVar is per-thread/per-task by design, and
# it only ever holds read-only mappings, so no caller can mutate another scope's fields.
_CONTEXT: Final[ContextVar[Mapping[str, object]]] = ContextVar("databricks_utils_log_context", default=_EMPTY)


@contextmanager
def log_context(**fields: object) -> Iterator[Mapping[str, object]]:
    """Attach ``fields`` to every record logged inside the ``with`` block (or the decorated function).

    Nested scopes merge with the enclosing one, the inner value winning for a repeated name; the enclosing
    fields come back on exit, also when the block raises. Also works as a decorator of a plain function
    (a fresh scope per call); in an ``async def`` put the ``with`` inside the body instead, since a
    decorator would only cover creating the coroutine, not running it.

    Args:
        **fields: Field names and values, e.g. ``table="orders", batch=3``.

    Yields:
        The merged, read-only fields now in effect.

    Example:
        >>> with log_context(pipeline="orders"), log_context(step="load") as fields:
        ...     dict(fields)
        {'pipeline': 'orders', 'step': 'load'}
        >>> dict(current_context())
        {}
    """
    merged: Mapping[str, object] = MappingProxyType({**_CONTEXT.get(), **fields})
    token = _CONTEXT.set(merged)
    try:
        yield merged
    finally:
        _CONTEXT.reset(token)


def current_context() -> Mapping[str, object]:
    """Return the read-only fields of the innermost :func:`log_context` scope (empty outside any).

    Threads start with an empty context; pass it on explicitly when handing work to a pool:
    ``pool.submit(contextvars.copy_context().run, work)`` or ``with log_context(**parent): ...``.

    Example:
        >>> with log_context(run="r1"):
        ...     dict(current_context())
        {'run': 'r1'}
    """
    return _CONTEXT.get()


def databricks_ids(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Read the Databricks job/run/task/cluster ids that are set, named as in :data:`DATABRICKS_ENV_FIELDS`.

    Args:
        environ: The environment to read; ``os.environ`` when omitted.

    Returns:
        Only the ids that are set and non-empty, e.g. ``{"job_id": "42", "run_id": "7"}``.

    Example:
        >>> databricks_ids({"DATABRICKS_JOB_ID": "42", "DATABRICKS_RUN_ID": "7", "HOME": "/root"})
        {'job_id': '42', 'run_id': '7'}
    """
    source = os.environ if environ is None else environ
    ids: dict[str, str] = {}
    for variable, field in DATABRICKS_ENV_FIELDS.items():
        value = source.get(variable)
        if value and field not in ids:
            ids[field] = value
    return ids
