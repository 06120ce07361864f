"""Delta Lake jars for local Spark: resolve once at install time, then reuse from a cache folder.

The ``delta-spark`` wheel ships only Python code; the jars live on Maven Central. Resolving them
with ``spark.jars.packages`` on every session start costs seconds and needs the network, so
``databricks-utils install-delta`` (run by ``make install``) resolves them once with Spark's own
ivy resolver and copies them into a versioned cache folder. Local sessions then add those files
to ``spark.jars`` and never touch the network.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from databricks_utils.errors.exceptions import DeltaUnavailableError, missing_dependency

logger = logging.getLogger(__name__)

JARS_DIR_ENV = "DATABRICKS_UTILS_JARS_DIR"
MAVEN_REPO_ENV = "DATABRICKS_UTILS_MAVEN_REPOSITORY"
SCALA_VERSION = "2.13"
MANIFEST = "delta-jars.json"
DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.sources.default": "delta",
}


@dataclass(frozen=True)
class DeltaArtifact:
    """The Maven coordinate of the Delta jar that matches the installed pyspark and delta-spark.

    Example:
        >>> DeltaArtifact(spark_version="4.2.0", delta_version="4.4.1").coordinate
        'io.delta:delta-spark_4.2_2.13:4.4.1'
    """

    spark_version: str
    delta_version: str

    @property
    def coordinate(self) -> str:
        """``group:artifact:version``; delta-spark 4.x names its artifact after Spark's major.minor."""
        major_minor = ".".join(self.spark_version.split(".")[:2])
        return f"io.delta:delta-spark_{major_minor}_{SCALA_VERSION}:{self.delta_version}"

    @property
    def cache_key(self) -> str:
        """Folder name under the cache root for this exact pair of versions."""
        return f"delta-{self.delta_version}-spark-{self.spark_version}"


def installed_artifact() -> DeltaArtifact | None:
    """Return the artifact for the installed pyspark + delta-spark, or None when either is missing."""
    try:
        return DeltaArtifact(spark_version=metadata.version("pyspark"), delta_version=metadata.version("delta-spark"))
    except metadata.PackageNotFoundError:
        return None


def cache_root() -> Path:
    """Where jar folders live: ``$DATABRICKS_UTILS_JARS_DIR``, else ``$XDG_CACHE_HOME/databricks-utils/jars``."""
    if override := os.environ.get(JARS_DIR_ENV):
        return Path(override).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "databricks-utils" / "jars"


def find_jars(artifact: DeltaArtifact | None = None, *, root: Path | None = None) -> list[Path] | None:
    """Return the cached jar files for ``artifact`` (default: the installed one), or None if not installed.

    Example:
        >>> jars = find_jars()  # doctest: +SKIP
        >>> [j.name for j in jars][:1]  # doctest: +SKIP
        ['io.delta_delta-spark_4.2_2.13-4.4.1.jar']
    """
    artifact = artifact or installed_artifact()
    if artifact is None:
        return None
    folder = (root or cache_root()) / artifact.cache_key
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    jars = [folder / name for name in manifest.get("jars", [])]
    if not jars or not all(j.is_file() for j in jars):
        return None
    return jars


def install_jars(*, root: Path | None = None, force: bool = False, repository: str | None = None) -> list[Path]:
    """Resolve the Delta jars with Spark's ivy resolver and store them in the cache (idempotent).

    Starts one short-lived local JVM. Run it at install time (``make install`` does), never in tests.

    Args:
        root: Cache root; defaults to :func:`cache_root`.
        force: Resolve again even when the cache is complete.
        repository: Extra Maven repository URL (e.g. a company mirror); also ``$DATABRICKS_UTILS_MAVEN_REPOSITORY``.

    Returns:
        The jar paths now in the cache.

    Raises:
        DependencyMissingError: pyspark or delta-spark is not installed.
        DeltaUnavailableError: the jars could not be resolved (no access to Maven Central or the mirror).

    Example:
        >>> install_jars()  # doctest: +SKIP
    """
    artifact = installed_artifact()
    if artifact is None:
        raise missing_dependency("delta-spark", extra="local", purpose="install the Delta Lake jars")
    if not force and (existing := find_jars(artifact, root=root)):
        logger.info("Delta jars already installed for %s (%d files)", artifact.coordinate, len(existing))
        return existing
    folder = (root or cache_root()) / artifact.cache_key
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Build the new folder beside the old one and swap it in, so a reader never sees a half-written
    # cache and --force leaves no jar of an earlier resolution behind.
    staging = Path(tempfile.mkdtemp(prefix=f".{artifact.cache_key}-", dir=folder.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="dbx-ivy-") as ivy_home:
            resolved = _resolve_with_ivy(artifact, ivy_home=Path(ivy_home), repository=repository)
            names = sorted(jar.name for jar in resolved)
            for jar in resolved:
                shutil.copy2(jar, staging / jar.name)
        manifest = {"coordinate": artifact.coordinate, "jars": names}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("Installed %d Delta jars for %s into %s", len(names), artifact.coordinate, folder)
    return [folder / n for n in sorted(names)]


def _resolve_with_ivy(artifact: DeltaArtifact, *, ivy_home: Path, repository: str | None) -> list[Path]:
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise missing_dependency("pyspark", extra="local", purpose="install the Delta Lake jars") from err
    builder = (
        SparkSession.builder.master("local[1]")
        .appName("databricks-utils-install-delta")
        .config("spark.jars.packages", artifact.coordinate)
        .config("spark.jars.ivy", str(ivy_home))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
    )
    if repo := repository or os.environ.get(MAVEN_REPO_ENV):
        builder = builder.config("spark.jars.repositories", repo)
    try:
        spark = builder.getOrCreate()
    except Exception as err:
        raise DeltaUnavailableError(
            f"could not resolve {artifact.coordinate} from Maven Central: {type(err).__name__}. "
            f"Check network access to Maven Central, or set {MAVEN_REPO_ENV} to a mirror URL and rerun "
            "'databricks-utils install-delta'; local Spark falls back to parquet tables meanwhile."
        ) from err
    spark.stop()
    jars = sorted((ivy_home / "jars").glob("*.jar"))
    if not jars:
        raise DeltaUnavailableError(f"ivy resolved {artifact.coordinate} but left no jars in {ivy_home / 'jars'}")
    return _not_bundled_with_pyspark(jars)


def _not_bundled_with_pyspark(jars: list[Path]) -> list[Path]:
    """Drop transitive jars that pyspark already ships (Hadoop, Parquet, Jackson...).

    Ivy names jars ``group_artifact-version.jar``; two versions of one artifact on the driver
    classpath is a classic source of NoSuchMethodError, and Spark's own copy is the tested one.
    """
    import pyspark

    bundled = {_artifact_name(j.name) for j in (Path(pyspark.__file__).parent / "jars").glob("*.jar")}
    return [j for j in jars if _artifact_name(j.name.split("_", 1)[-1]) not in bundled]


def _artifact_name(file_name: str) -> str:
    """``parquet-hadoop-1.16.0.jar`` -> ``parquet-hadoop``: strip the version and the extension."""
    stem = file_name.removesuffix(".jar")
    parts = stem.split("-")
    while len(parts) > 1 and parts[-1][:1].isdigit():
        parts.pop()
    return "-".join(parts)
