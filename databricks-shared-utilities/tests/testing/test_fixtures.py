"""build_test_config: the project's local config, a temporary warehouse, and an in-memory catalog."""

from pathlib import Path

import pytest

from databricks_utils.testing import build_test_config


@pytest.fixture
def project_with_hive(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "project.yaml").write_text("name: shop\nspark:\n  shuffle_partitions: 3\n", encoding="utf-8")
    (config / "local.yaml").write_text(
        "spark:\n  catalog_implementation: hive\n  warehouse_dir: build/warehouse\n", encoding="utf-8"
    )
    monkeypatch.setenv("DBX_CONFIG_DIR", str(config))
    return tmp_path


def test_tests_get_the_project_config_with_a_fresh_warehouse_and_no_metastore(project_with_hive):
    config = build_test_config(Path("/tmp/test-warehouse"))
    assert (config.name, config.spark.shuffle_partitions) == ("shop", 3)
    assert config.spark.warehouse_dir == Path("/tmp/test-warehouse")
    assert config.spark.catalog_implementation == "in-memory"


def test_a_test_can_still_ask_for_hive(project_with_hive):
    config = build_test_config(Path("/tmp/w"), {"spark.catalog_implementation": "hive"})
    assert config.spark.catalog_implementation == "hive"
