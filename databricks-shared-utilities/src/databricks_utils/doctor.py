"""Environment checks behind ``databricks-utils doctor``: what a new user needs to know before the first run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from databricks_utils.errors.exceptions import DatabricksUtilsError


@dataclass(frozen=True)
class Check:
    """One check's verdict and what it found (or what to do)."""

    name: str
    ok: bool
    detail: str


def run_checks(config_dir: str | None, env: str | None) -> list[Check]:
    """Run every check; none raises, each failing one says how to fix it.

    Example:
        >>> [c.name for c in run_checks(None, None)][:2]  # doctest: +SKIP
        ['java', 'pyspark']
    """
    return [
        _java(),
        _package("pyspark", "local"),
        _package("delta-spark", "local"),
        _delta_jars(),
        _mode(config_dir, env),
    ]


def _java() -> Check:
    java_home = os.environ.get("JAVA_HOME")
    java = shutil.which("java", path=str(Path(java_home) / "bin") if java_home else None)
    if java is None:
        return Check(
            "java", False, "no java on PATH: install OpenJDK 17 (e.g. apt-get install openjdk-17-jdk-headless)"
        )
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)  # noqa: S603  # resolved path
    match = re.search(r'version "(\d+)', result.stderr)
    version = int(match.group(1)) if match else 0
    ok = version in (17, 21)
    return Check("java", ok, f"{java} is Java {version}" + ("" if ok else ": Spark 4 needs Java 17 or 21"))


def _package(name: str, extra: str) -> Check:
    try:
        return Check(name, True, metadata.version(name))
    except metadata.PackageNotFoundError:
        return Check(name, False, f"not installed: pip install 'databricks-utils[{extra}]'")


def _delta_jars() -> Check:
    from databricks_utils.spark.delta import cache_root, find_jars, installed_artifact

    artifact = installed_artifact()
    if artifact is None:
        return Check("delta jars", False, "delta-spark or pyspark missing (see above)")
    jars = find_jars(artifact)
    if jars is None:
        return Check(
            "delta jars", False, f"{artifact.coordinate} not in {cache_root()}: run 'databricks-utils install-delta'"
        )
    return Check("delta jars", True, f"{artifact.coordinate}: {len(jars)} jars in {jars[0].parent}")


def _mode(config_dir: str | None, env: str | None) -> Check:
    from databricks_utils.config.loader import ConfigLoader
    from databricks_utils.spark.modes import resolve_mode

    try:
        config = ConfigLoader(config_dir).load(env)
    except DatabricksUtilsError as err:
        return Check("config", False, str(err))
    choice = resolve_mode(config, os.environ)
    return Check("spark mode", True, f"{config.env}: {choice.mode} ({choice.reason})")
