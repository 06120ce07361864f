"""Bronze entry point: read the raw files, add ingestion metadata, append new records to the bronze table."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

from {{ cookiecutter.package_name }}.runner import LayerRun, run_layers
from {{ cookiecutter.package_name }}.tables import append_new

from pipelines.bronze.transform import RAW_SCHEMA, to_bronze


def read_raw(run: LayerRun) -> DataFrame:
    """The raw files under ``source_path`` in ``source_format``, every column as text.

    Malformed CSV lines are kept (PERMISSIVE): missing fields are NULL and the silver rules quarantine them.
    """
    settings = run.settings
    reader = run.spark.read.format(settings.source_format).schema(RAW_SCHEMA)
    if settings.source_format == "csv":
        reader = reader.option("header", "true").option("mode", "PERMISSIVE")
    return reader.load(run.path(settings.source_path))


def ingest(run: LayerRun) -> Mapping[str, int]:
    """Append the records not yet in bronze (by ``_record_id``): a re-run appends nothing."""
{%- if cookiecutter.streaming_ingestion == "yes" %}
    if run.settings.streaming:
        from pipelines.bronze.stream import ingest_stream

        return ingest_stream(run)
{%- endif %}
    bronze = to_bronze(read_raw(run), source_file=sf.col("_metadata.file_path"))
    appended = append_new(bronze, run.table("bronze"), key="_record_id")
    return {"appended_rows": appended}


def main(argv: Sequence[str] | None = None) -> int:
    """Console script ``{{ cookiecutter.project_slug }}-bronze``."""
    return run_layers(argv, [("bronze", ingest)], description=__doc__ or "bronze")


if __name__ == "__main__":
    sys.exit(main())
