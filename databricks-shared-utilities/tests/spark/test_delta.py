import json
from pathlib import Path

import pytest

from databricks_utils.spark import delta
from databricks_utils.spark.delta import DeltaArtifact, cache_root, find_jars, installed_artifact


def _write_cache(root: Path, artifact: DeltaArtifact, names: list[str]) -> Path:
    folder = root / artifact.cache_key
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_bytes(b"PK")
    (folder / delta.MANIFEST).write_text(json.dumps({"coordinate": artifact.coordinate, "jars": names}))
    return folder


def test_coordinate_names_spark_major_minor() -> None:
    artifact = DeltaArtifact(spark_version="4.2.0", delta_version="4.4.0")
    assert artifact.coordinate == "io.delta:delta-spark_4.2_2.13:4.4.0"
    assert artifact.cache_key == "delta-4.4.0-spark-4.2.0"


def test_installed_artifact_matches_pinned_packages() -> None:
    artifact = installed_artifact()
    assert artifact is not None
    assert artifact.spark_version.startswith("4.")
    assert artifact.coordinate.startswith("io.delta:delta-spark_")


def test_cache_root_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(delta.JARS_DIR_ENV, str(tmp_path))
    assert cache_root() == tmp_path
    monkeypatch.delenv(delta.JARS_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "databricks-utils" / "jars"


def test_find_jars_reads_manifest(tmp_path: Path) -> None:
    artifact = DeltaArtifact(spark_version="4.2.0", delta_version="9.9.9")
    folder = _write_cache(tmp_path, artifact, ["io.delta_delta-spark.jar", "io.delta_delta-storage.jar"])
    assert find_jars(artifact, root=tmp_path) == [
        folder / "io.delta_delta-spark.jar",
        folder / "io.delta_delta-storage.jar",
    ]


def test_find_jars_incomplete_cache_is_not_installed(tmp_path: Path) -> None:
    artifact = DeltaArtifact(spark_version="4.2.0", delta_version="9.9.9")
    folder = _write_cache(tmp_path, artifact, ["a.jar", "b.jar"])
    (folder / "b.jar").unlink()
    assert find_jars(artifact, root=tmp_path) is None


def test_find_jars_missing_or_corrupt_manifest(tmp_path: Path) -> None:
    artifact = DeltaArtifact(spark_version="4.2.0", delta_version="9.9.9")
    assert find_jars(artifact, root=tmp_path) is None
    folder = tmp_path / artifact.cache_key
    folder.mkdir()
    (folder / delta.MANIFEST).write_text("{not json")
    assert find_jars(artifact, root=tmp_path) is None
    (folder / delta.MANIFEST).write_text(json.dumps({"jars": []}))
    assert find_jars(artifact, root=tmp_path) is None


def test_install_is_idempotent_when_cache_is_complete(tmp_path: Path) -> None:
    artifact = installed_artifact()
    assert artifact is not None
    folder = _write_cache(tmp_path, artifact, ["io.delta_delta-spark.jar"])
    # Complete cache: no JVM is started, the same files come back.
    assert delta.install_jars(root=tmp_path) == [folder / "io.delta_delta-spark.jar"]


def test_bundled_jars_are_not_duplicated(tmp_path: Path) -> None:
    jars = [
        tmp_path / n
        for n in ("io.delta_delta-spark_4.2_2.13-4.4.0.jar", "org.apache.parquet_parquet-hadoop-1.16.0.jar")
    ]
    kept = delta._not_bundled_with_pyspark(jars)
    assert [j.name for j in kept] == ["io.delta_delta-spark_4.2_2.13-4.4.0.jar"]


@pytest.mark.parametrize(
    ("file_name", "artifact"),
    [
        ("parquet-hadoop-1.16.0.jar", "parquet-hadoop"),
        ("delta-spark_4.2_2.13-4.4.0.jar", "delta-spark_4.2_2.13"),
        ("zstd-jni-1.5.7-3.jar", "zstd-jni"),
        ("jsr305.jar", "jsr305"),
    ],
)
def test_artifact_name_strips_versions(file_name: str, artifact: str) -> None:
    assert delta._artifact_name(file_name) == artifact
