"""Create one Spark session in a resolved mode. The factory decides when; this module knows how."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from databricks_utils.config.schema import ProjectConfig
from databricks_utils.errors.exceptions import DeltaUnavailableError, SparkSessionError, missing_dependency
from databricks_utils.spark import delta
from databricks_utils.spark.local import local_conf, resolve_warehouse_dir
from databricks_utils.spark.modes import REMOTE_ENV, RUNTIME_ENV, ResolvedMode

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CreatedSession:
    """A new session and what it runs with."""

    session: SparkSession
    mode: ResolvedMode
    delta_enabled: bool


def create_session(config: ProjectConfig, mode: ResolvedMode, environ: Mapping[str, str]) -> CreatedSession:
    """Create a session for ``mode``.

    Raises:
        SparkSessionError: the session could not be created (message says why and what to do).
        DeltaUnavailableError: ``spark.require_delta`` is set and the Delta jars are not installed.
        DependencyMissingError: the mode needs a package that is not installed.
    """
    if mode == "local":
        return _create_local(config)
    if mode == "connect":
        return _create_connect(config, environ)
    return _create_databricks(config, environ)


CONNECT_MARKER_ENV = "SPARK_CONNECT_MODE_ENABLED"


def _create_local(config: ProjectConfig) -> CreatedSession:
    if CONNECT_MARKER_ENV in os.environ:
        # pyspark marks a process that built a Connect session and then refuses classic sessions
        # with a misleading CONNECT_URL_NOT_SET; say what is really going on.
        raise SparkSessionError(
            f"cannot start local Spark: this process already used Spark Connect ({CONNECT_MARKER_ENV} is set), "
            "and pyspark allows one kind per process. Run local work in a new process, or unset "
            f"{CONNECT_MARKER_ENV} if it was exported by hand."
        )
    spark_config = config.spark
    jars = _delta_jars(config) if spark_config.delta else None
    conf = local_conf(
        spark_config,
        app_name=spark_config.app_name or config.name,
        warehouse_dir=resolve_warehouse_dir(spark_config),
        delta_jars=jars,
    )
    builder = _builder()
    for key, value in conf.items():
        builder = builder.config(key, value)
    # Without this Spark probes the hostname and warns that it resolves to loopback.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        session = builder.getOrCreate()
    except Exception as err:
        raise SparkSessionError(
            f"could not start local Spark (master {spark_config.master!r}): {type(err).__name__}: {err}. "
            "Check that Java 17 is installed (java -version) and JAVA_HOME points to it."
        ) from err
    return CreatedSession(session, "local", delta_enabled=bool(jars))


def _delta_jars(config: ProjectConfig) -> list[Path] | None:
    jars = delta.find_jars()
    if jars is not None:
        return jars
    artifact = delta.installed_artifact()
    what = artifact.coordinate if artifact else "delta-spark (pip install 'databricks-utils[local]')"
    if config.spark.require_delta:
        raise DeltaUnavailableError(
            f"Delta Lake is required (spark.require_delta) but {what} is not installed in {delta.cache_root()}: "
            "run 'databricks-utils install-delta' (make install does it), or set spark.require_delta: false."
        )
    _notice_parquet_fallback(what, str(delta.cache_root()))
    return None


@functools.cache
def _notice_parquet_fallback(what: str, cache_root: str) -> None:
    # Cached so the notice appears once per process, not again each time a dead session is replaced.
    logger.warning(
        "Delta Lake jars for %s are not installed in %s: local tables use parquet. "
        "Run 'databricks-utils install-delta' to enable Delta (MERGE, time travel, constraints).",
        what,
        cache_root,
    )


def _create_connect(config: ProjectConfig, environ: Mapping[str, str]) -> CreatedSession:
    url = config.spark.remote or environ.get(REMOTE_ENV)
    if not url:
        raise SparkSessionError(
            f"spark.mode is 'connect' but no URL is configured: set spark.remote (e.g. sc://127.0.0.1:15002) "
            f"or the {REMOTE_ENV} environment variable."
        )
    try:
        import pyspark.sql.connect.session  # noqa: F401  # the Connect client needs pandas, pyarrow and grpc
    except ImportError as err:
        raise missing_dependency("pyspark[connect]", extra="local", purpose="use Spark Connect") from err
    from pyspark import SparkContext

    if SparkContext._active_spark_context is not None:
        raise SparkSessionError(
            f"cannot connect to Spark Connect at {url}: a local (classic) Spark session is already running in this "
            "process, and pyspark allows one kind per process. Stop it first (SparkSessionFactory.stop()) or run "
            "the Connect work in a new process."
        )
    builder = _builder().remote(url)
    builder = builder.config("spark.sql.shuffle.partitions", str(config.spark.shuffle_partitions))
    for key, value in config.spark.conf.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as err:
        raise SparkSessionError(
            f"could not reach Spark Connect at {url}: {type(err).__name__}: {err}. "
            "Check that the server is running and the URL (spark.remote / SPARK_REMOTE) is right."
        ) from err
    return CreatedSession(session, "connect", delta_enabled=config.spark.delta)


def _create_databricks(config: ProjectConfig, environ: Mapping[str, str]) -> CreatedSession:
    if environ.get(RUNTIME_ENV):
        from pyspark.sql import SparkSession

        # On a cluster the runtime already made the session; building another would fight it.
        session = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        return CreatedSession(session, "databricks", delta_enabled=True)
    return _create_databricks_connect(config)


def _create_databricks_connect(config: ProjectConfig) -> CreatedSession:
    try:
        from databricks.connect import DatabricksSession
    except ImportError as err:
        raise missing_dependency(
            "databricks-connect", extra="connect", purpose="connect to a Databricks workspace from this machine"
        ) from err
    return _connect_to_workspace(DatabricksSession.builder, config)  # pragma: no cover


def _connect_to_workspace(builder: Any, config: ProjectConfig) -> CreatedSession:  # pragma: no cover
    # Not run in this repository's tests: databricks-connect replaces pyspark, so it cannot share the
    # test environment, and it needs a live workspace.
    env = config.environment
    if env.profile:
        builder = builder.profile(env.profile)
    if env.workspace_host:
        builder = builder.host(env.workspace_host)
    if env.token is not None:
        builder = builder.token(env.token.get_secret_value())
    if env.cluster_id:
        builder = builder.clusterId(env.cluster_id)
    elif env.serverless:
        builder = builder.serverless(True)
    try:
        session = builder.getOrCreate()
    except Exception as err:
        target = env.workspace_host or env.profile or "(default profile)"
        raise SparkSessionError(
            f"could not connect to Databricks workspace {target}: {type(err).__name__}. "
            "Check environment.workspace_host / environment.profile and your credentials."
        ) from err
    return CreatedSession(session, "databricks", delta_enabled=True)


def _builder() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise missing_dependency("pyspark", extra="local", purpose="start Spark") from err
    return SparkSession.builder
