"""Which way to reach Spark: the Databricks runtime, Spark Connect, databricks-connect or local."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from databricks_utils.config.schema import ProjectConfig

ResolvedMode = Literal["local", "connect", "databricks"]
RUNTIME_ENV = "DATABRICKS_RUNTIME_VERSION"
REMOTE_ENV = "SPARK_REMOTE"


@dataclass(frozen=True)
class ModeChoice:
    """The resolved mode and the reason, so ``auto`` can log why it chose what it chose."""

    mode: ResolvedMode
    reason: str


def resolve_mode(config: ProjectConfig, environ: Mapping[str, str]) -> ModeChoice:
    """Resolve ``spark.mode`` (``auto`` included) to a concrete mode.

    ``auto`` checks, in order: running on a Databricks cluster (``DATABRICKS_RUNTIME_VERSION``);
    a Spark Connect URL (``spark.remote`` or ``SPARK_REMOTE``); databricks-connect installed with a
    workspace configured; otherwise local Spark.

    Example:
        >>> resolve_mode(ProjectConfig(), {}).mode
        'local'
        >>> resolve_mode(ProjectConfig(), {"SPARK_REMOTE": "sc://127.0.0.1:15002"}).reason
        'SPARK_REMOTE is set'
    """
    mode = config.spark.mode
    if mode != "auto":
        return ModeChoice(mode, f"spark.mode is '{mode}'")
    if environ.get(RUNTIME_ENV):
        return ModeChoice("databricks", f"running on Databricks Runtime {environ[RUNTIME_ENV]}")
    if config.spark.remote:
        return ModeChoice("connect", "spark.remote is set")
    if environ.get(REMOTE_ENV):
        return ModeChoice("connect", f"{REMOTE_ENV} is set")
    workspace = config.environment.workspace_host or config.environment.profile or environ.get("DATABRICKS_HOST")
    if workspace and databricks_connect_installed():
        return ModeChoice("databricks", "databricks-connect is installed and a workspace is configured")
    return ModeChoice("local", "no cluster, Connect URL or workspace configured")


def databricks_connect_installed() -> bool:
    """True when ``databricks.connect`` can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec("databricks.connect") is not None
    except ModuleNotFoundError:  # no `databricks` namespace package at all
        return False
