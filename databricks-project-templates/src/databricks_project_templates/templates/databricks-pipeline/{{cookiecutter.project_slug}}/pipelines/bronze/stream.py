"""Bronze as a stream: Auto Loader on Databricks, a file stream locally, both with an available-now trigger.

The checkpoint remembers which files were ingested, so a re-run reads only new files and writes
nothing when there are none.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import functions as sf

from {{ cookiecutter.package_name }}.runner import LayerRun

from pipelines.bronze.transform import RAW_SCHEMA, to_bronze


def ingest_stream(run: LayerRun) -> Mapping[str, int]:
    """Process every file not seen yet, then stop (``availableNow``); returns the rows written."""
    settings = run.settings
    if run.config.environment.is_local:
        reader = run.spark.readStream.format(settings.source_format)
    else:
        reader = (
            run.spark.readStream.format("cloudFiles")
            .option("cloudFiles.format", settings.source_format)
            .option("cloudFiles.schemaLocation", run.path(f"{settings.checkpoint_path}/bronze_schema"))
        )
    if settings.source_format == "csv":
        reader = reader.option("header", "true")
    raw = reader.schema(RAW_SCHEMA).load(run.path(settings.source_path))
    bronze = to_bronze(raw, source_file=sf.col("_metadata.file_path"))
    query = (
        bronze.writeStream.format("delta")
        .option("checkpointLocation", run.path(f"{settings.checkpoint_path}/bronze"))
        .trigger(availableNow=True)
        .toTable(run.table("bronze"))
    )
    query.awaitTermination()
    progress = query.recentProgress
    return {"appended_rows": sum(int(p.get("numInputRows", 0)) for p in progress)}
