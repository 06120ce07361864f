"""The exceptions of databricks-ai-agents: one base class; messages say what failed, where, and how to fix it."""

from __future__ import annotations

import sys


class AgentError(Exception):
    """Base class of every error an agent or the ``databricks-agent`` command reports to the user."""


_UTILS_ERRORS = ("databricks_utils.errors.exceptions", "DatabricksUtilsError")


def is_user_error(err: BaseException) -> bool:
    """True for errors the user can fix: ours, and databricks-utils' (config, templates, rules, data sources).

    databricks-utils' base class is looked up only when its module is already loaded (it raised the error),
    so the CLI can ask without importing databricks-utils.
    """
    if isinstance(err, AgentError):
        return True
    module = sys.modules.get(_UTILS_ERRORS[0])
    base = getattr(module, _UTILS_ERRORS[1], None) if module is not None else None
    return isinstance(base, type) and isinstance(err, base)
