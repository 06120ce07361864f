"""Run pipeline layers: arguments, config for the environment, logging, the Spark session, metrics.

Each layer's entry point (``pipelines/<layer>/main.py``) is one call to :func:`run_layers`, so the
job tasks, ``make run`` and the tests share one path. User errors (bad config, bad rules, missing
files) end with a one-line message and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from databricks_utils import (
    DatabricksUtilsError,
    ProjectConfig,
    configure_logging,
    get_logger,
    get_spark,
    load_config,
    log_context,
    log_metrics,
    quote_identifier,
)

from {{ cookiecutter.package_name }}.settings import PipelineSettings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PIPELINE = "{{ cookiecutter.project_slug }}"
logger = get_logger(__name__)


@dataclass(frozen=True)
class LayerRun:
    """What a layer needs: config, settings, the session and the project root."""

    config: ProjectConfig
    settings: PipelineSettings
    spark: SparkSession
    root: Path

    def table(self, name: str) -> str:
        """The quoted ``catalog.schema.table`` of a table named in ``settings.tables`` (e.g. ``"silver"``)."""
        return self.config.table(getattr(self.settings.tables, name))

    def path(self, value: str) -> str:
        """``value`` as a path Spark can read: URIs, ``/Volumes/...`` and absolute paths as they are."""
        if "://" in value or Path(value).is_absolute():
            return value
        return str((self.root / value).resolve())


Layer = Callable[[LayerRun], Mapping[str, int]]
"""A layer: reads and writes its tables, returns row counts to log as metrics."""


def open_run(
    env: str, root: Path, *, spark: SparkSession | None = None, overrides: Mapping[str, object] | None = None
) -> LayerRun:
    """Load config for ``env`` from ``root/config``, set up logging and Spark, create the schema.

    Args:
        env: ``local``, ``lab``, ``dev`` or ``prod``.
        root: The project root (holds ``config/`` and ``data_validation/``).
        spark: A session to use instead of ``get_spark(config)`` (tests pass theirs).
        overrides: Config values that win over files and environment (``{"catalog.schema": "it"}``).

    Raises:
        DatabricksUtilsError: The config or settings are not valid, or Spark cannot start.
    """
    config = load_config(env, config_dir=root / "config", overrides=overrides)
    configure_logging(config.observability)
    session = spark or get_spark(config)
    schema = f"{quote_identifier(config.catalog.catalog)}.{quote_identifier(config.catalog.schema_name)}"
    session.sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return LayerRun(config=config, settings=PipelineSettings.from_config(config), spark=session, root=root)


def run_layer(run: LayerRun, name: str, layer: Layer) -> Mapping[str, int]:
    """Run one layer inside a log context and log its row counts and duration as the metric ``layer``."""
    with log_context(pipeline=PIPELINE, layer=name, env=run.config.env):
        started = time.perf_counter()
        logger.info("Layer %s started", name)
        counts = layer(run)
        log_metrics("layer", layer=name, seconds=round(time.perf_counter() - started, 3), **counts)
        return counts


def run_layers(argv: Sequence[str] | None, layers: Sequence[tuple[str, Layer]], *, description: str) -> int:
    """Parse arguments, then run ``layers`` in order; the exit code for a console script.

    Example:
        >>> run_layers(["--env", "local"], [("bronze", ingest)], description="Bronze")  # doctest: +SKIP
        0
    """
    args = _parser(description).parse_args(argv)
    try:
        run = open_run(args.env, Path(args.project_root).resolve())
        for name, layer in layers:
            run_layer(run, name, layer)
    except DatabricksUtilsError as err:
        logger.error("%s failed: %s", PIPELINE, err)
        sys.stderr.write(f"error: {err}\n")
        return 1
    return 0


def _parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--env",
        default=os.environ.get("DBX_ENV", "local"),
        choices=["local", "lab", "dev", "prod"],
        help="environment whose config/<env>.yaml applies (default: $DBX_ENV or local)",
    )
    parser.add_argument(
        "--project-root",
        default=os.environ.get("PROJECT_ROOT", "."),
        help="folder holding config/ and data_validation/ (default: $PROJECT_ROOT or the current folder)",
    )
    return parser
