"""Spark settings for a local (in-process JVM) session, as a plain dict: pure and testable without a JVM."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from databricks_utils.config.schema import SparkConfig
from databricks_utils.spark.delta import DELTA_CONF

# Measured on a 2-core machine (shared/notes/feasibility.md): C1-only JIT and serial GC cut a small
# test suite by ~20 %; binding to loopback avoids the "hostname resolves to a loopback address" probe.
FAST_LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.adaptive.coalescePartitions.initialPartitionNum": "4",
    # Delta's default of 50 snapshot partitions makes every small local table read slow.
    "spark.databricks.delta.snapshotPartitions": "2",
}
FAST_LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def local_conf(
    config: SparkConfig,
    *,
    app_name: str,
    warehouse_dir: Path,
    delta_jars: Sequence[Path] | None,
) -> dict[str, str]:
    """Return every ``spark.*`` setting for a local session built from ``config``.

    Args:
        config: The project's Spark settings.
        app_name: Name shown in logs and the Spark UI.
        warehouse_dir: Folder for managed tables (and the Derby metastore in hive mode).
        delta_jars: Delta Lake jar files to put on the classpath, or None to run without Delta.

    Returns:
        The settings; ``config.conf`` is applied last so users can override any of them.

    Example:
        >>> conf = local_conf(SparkConfig(), app_name="t", warehouse_dir=Path("/tmp/w"), delta_jars=None)
        >>> conf["spark.sql.shuffle.partitions"], conf["spark.ui.enabled"]
        ('4', 'false')
    """
    conf = {
        "spark.master": config.master,
        "spark.app.name": app_name,
        "spark.sql.shuffle.partitions": str(config.shuffle_partitions),
        "spark.sql.warehouse.dir": str(warehouse_dir.resolve()),
        "spark.sql.session.timeZone": "UTC",
    }
    java_options = [f"-Dderby.system.home={warehouse_dir.resolve()}"]
    if config.fast_local:
        conf |= FAST_LOCAL_CONF
        conf["spark.default.parallelism"] = str(config.shuffle_partitions)
        java_options.insert(0, FAST_LOCAL_JAVA_OPTIONS)
    conf["spark.driver.extraJavaOptions"] = " ".join(java_options)
    if config.catalog_implementation == "hive":
        conf["spark.sql.catalogImplementation"] = "hive"
        metastore = warehouse_dir.resolve() / "metastore_db"
        conf["spark.hadoop.javax.jdo.option.ConnectionURL"] = f"jdbc:derby:;databaseName={metastore};create=true"
    if delta_jars:
        conf["spark.jars"] = ",".join(str(j) for j in delta_jars)
        conf |= DELTA_CONF
    return conf | config.conf


def resolve_warehouse_dir(config: SparkConfig) -> Path:
    """The configured warehouse folder, or a fresh temporary one removed when the process exits.

    A fresh folder per run is what tests want (the in-memory catalog forgets tables at exit, and
    leftover table folders then collide with ``LOCATION_ALREADY_EXISTS``); pipelines that must see
    yesterday's tables set ``warehouse_dir`` and ``catalog_implementation: hive``.
    """
    if config.warehouse_dir is not None:
        config.warehouse_dir.mkdir(parents=True, exist_ok=True)
        return config.warehouse_dir
    path = Path(tempfile.mkdtemp(prefix="dbx-warehouse-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
