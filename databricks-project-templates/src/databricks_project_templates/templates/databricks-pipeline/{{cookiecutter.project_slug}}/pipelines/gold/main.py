"""Gold entry point: rebuild the aggregate tables from silver when their content changed."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from {{ cookiecutter.package_name }}.runner import LayerRun, run_layers
from {{ cookiecutter.package_name }}.tables import replace_if_changed

{% if cookiecutter.ml_feature_table == "yes" -%}
from pipelines.gold.features import customer_features
{% endif -%}
from pipelines.gold.transform import customer_summary, daily_sales


def aggregate(run: LayerRun) -> Mapping[str, int]:
    """Write each gold table unless it already holds the same rows; returns how many tables were rewritten."""
    silver = run.spark.table(run.table("silver")).cache()  # read once for every gold table
    outputs = {
        "daily_sales": daily_sales(silver),
        "customer_summary": customer_summary(silver),
{%- if cookiecutter.ml_feature_table == "yes" %}
        "customer_features": customer_features(silver),
{%- endif %}
    }
    try:
        rewritten = sum(replace_if_changed(frame, run.table(name)) for name, frame in outputs.items())
    finally:
        silver.unpersist()
{%- if cookiecutter.ml_feature_table == "yes" %}
    if rewritten and not run.config.environment.is_local:
        _declare_feature_key(run)
{%- endif %}
    return {"tables_rewritten": rewritten}
{%- if cookiecutter.ml_feature_table == "yes" %}


def _declare_feature_key(run: LayerRun) -> None:
    """Unity Catalog feature tables need a primary key; open-source Delta (local runs) has no such constraint."""
    table = run.table("customer_features")
    run.spark.sql(f"ALTER TABLE {table} ALTER COLUMN customer_id SET NOT NULL")
    run.spark.sql(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS customer_features_pk")
    run.spark.sql(f"ALTER TABLE {table} ADD CONSTRAINT customer_features_pk PRIMARY KEY (customer_id)")
{%- endif %}


def main(argv: Sequence[str] | None = None) -> int:
    """Console script ``{{ cookiecutter.project_slug }}-gold``."""
    return run_layers(argv, [("gold", aggregate)], description=__doc__ or "gold")


if __name__ == "__main__":
    sys.exit(main())
