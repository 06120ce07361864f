"""paths_to_prune: what each switch removes from a render."""

from databricks_project_templates.pruning import paths_to_prune

ALL_ON = {
    "project_slug": "shop",
    "dashboard": "yes",
    "databricks_app": "yes",
    "streaming_ingestion": "yes",
    "ml_feature_table": "yes",
    "ci_provider": "gitlab",
    "source_format": "json",
}


def test_all_switches_on_keeps_everything_but_other_ci_and_formats():
    assert sorted(paths_to_prune(ALL_ON)) == sorted(
        [".github", "azure-pipelines.yml", "data/sample/*.csv", "data/sample/*.parquet"]
    )


def test_each_switch_off_prunes_its_files():
    off = {**ALL_ON, "dashboard": "no", "databricks_app": "no", "streaming_ingestion": "no", "ml_feature_table": "no"}
    pruned = set(paths_to_prune({**off, "ci_provider": "none"}))
    assert {"dashboards/*.lvdash.json", "resources/shop.dashboard.yml"} <= pruned
    assert {"databricks_apps/shop", "resources/shop.app.yml"} <= pruned
    assert {"pipelines/bronze/stream.py", "tests/unit/test_bronze_stream.py"} <= pruned
    assert {"pipelines/gold/features.py", "tests/unit/test_gold_features.py"} <= pruned
    assert {".github", ".gitlab-ci.yml", "azure-pipelines.yml"} <= pruned
