"""Streaming bronze locally: a file stream with an available-now trigger; the checkpoint makes re-runs no-ops."""

import uuid

import pytest

from {{ cookiecutter.package_name }}.runner import open_run

from pipelines.bronze.stream import ingest_stream


@pytest.fixture
def run(spark_session, project_root, tmp_path):
    overrides = {
        "catalog.schema": f"stream_{uuid.uuid4().hex[:8]}",
        "params.checkpoint_path": str(tmp_path / "checkpoints"),
        "params.streaming": True,
    }
    return open_run("local", project_root, spark=spark_session, overrides=overrides)


def test_ingests_each_file_once(run):
    assert ingest_stream(run) == {"appended_rows": 42}
    assert ingest_stream(run) == {"appended_rows": 0}
    assert run.spark.table(run.table("bronze")).count() == 42
