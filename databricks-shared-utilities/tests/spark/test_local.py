from pathlib import Path

from databricks_utils.config.schema import SparkConfig
from databricks_utils.spark.delta import DELTA_CONF
from databricks_utils.spark.local import FAST_LOCAL_CONF, local_conf, resolve_warehouse_dir


def test_fast_local_defaults(tmp_path: Path) -> None:
    conf = local_conf(SparkConfig(shuffle_partitions=3), app_name="app", warehouse_dir=tmp_path, delta_jars=None)
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.app.name"] == "app"
    assert conf["spark.sql.shuffle.partitions"] == "3"
    assert conf["spark.default.parallelism"] == "3"
    assert conf["spark.sql.warehouse.dir"] == str(tmp_path.resolve())
    assert conf["spark.sql.session.timeZone"] == "UTC"
    for key, value in FAST_LOCAL_CONF.items():
        assert conf[key] == value
    assert conf["spark.driver.extraJavaOptions"].startswith("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
    assert f"-Dderby.system.home={tmp_path.resolve()}" in conf["spark.driver.extraJavaOptions"]
    assert "spark.jars" not in conf
    assert "spark.sql.extensions" not in conf


def test_fast_local_off_keeps_ui_and_jit_defaults(tmp_path: Path) -> None:
    conf = local_conf(SparkConfig(fast_local=False), app_name="a", warehouse_dir=tmp_path, delta_jars=None)
    assert "spark.ui.enabled" not in conf
    assert "spark.default.parallelism" not in conf
    assert "TieredStopAtLevel" not in conf["spark.driver.extraJavaOptions"]


def test_delta_jars_enable_delta_catalog_and_default_format(tmp_path: Path) -> None:
    jars = [tmp_path / "a.jar", tmp_path / "b.jar"]
    conf = local_conf(SparkConfig(), app_name="a", warehouse_dir=tmp_path, delta_jars=jars)
    assert conf["spark.jars"] == f"{jars[0]},{jars[1]}"
    for key, value in DELTA_CONF.items():
        assert conf[key] == value
    assert conf["spark.sql.sources.default"] == "delta"


def test_hive_catalog_puts_metastore_in_warehouse(tmp_path: Path) -> None:
    conf = local_conf(SparkConfig(catalog_implementation="hive"), app_name="a", warehouse_dir=tmp_path, delta_jars=None)
    assert conf["spark.sql.catalogImplementation"] == "hive"
    assert str(tmp_path.resolve() / "metastore_db") in conf["spark.hadoop.javax.jdo.option.ConnectionURL"]


def test_user_conf_wins_over_everything(tmp_path: Path) -> None:
    config = SparkConfig(conf={"spark.ui.enabled": True, "spark.sql.shuffle.partitions": 9})
    conf = local_conf(config, app_name="a", warehouse_dir=tmp_path, delta_jars=[tmp_path / "x.jar"])
    assert conf["spark.ui.enabled"] == "true"
    assert conf["spark.sql.shuffle.partitions"] == "9"


def test_warehouse_dir_configured_is_created(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "warehouse"
    assert resolve_warehouse_dir(SparkConfig(warehouse_dir=target)) == target
    assert target.is_dir()


def test_warehouse_dir_default_is_fresh_temp_dir_per_call() -> None:
    first = resolve_warehouse_dir(SparkConfig())
    second = resolve_warehouse_dir(SparkConfig())
    assert first != second
    assert first.is_dir()
    assert first.name.startswith("dbx-warehouse-")
