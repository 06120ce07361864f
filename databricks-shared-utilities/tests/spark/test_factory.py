"""The shared session in this test process: caching, overrides, isolation and real Delta Lake."""

import logging

import pytest

from databricks_utils.config.schema import ProjectConfig, SparkConfig
from databricks_utils.spark import SparkSessionFactory, get_spark
from databricks_utils.testing import TempTables

pytestmark = pytest.mark.spark


def test_get_spark_hands_back_the_cached_session(spark_session_long_running) -> None:
    created = SparkSessionFactory.sessions_created()
    assert all(get_spark() is spark_session_long_running for _ in range(1000))
    assert SparkSessionFactory.get() is spark_session_long_running
    assert SparkSessionFactory.sessions_created() == created
    assert SparkSessionFactory.is_initialized()
    assert SparkSessionFactory.mode() == "local"
    assert SparkSessionFactory.config() is not None


def test_delta_lake_is_active(spark_session_long_running) -> None:
    # make test exports DBX_SPARK__REQUIRE_DELTA=true, so a missing jar fails session creation
    # rather than reaching this line; this asserts the same from the factory's side.
    assert SparkSessionFactory.delta_enabled()
    assert spark_session_long_running.conf.get("spark.sql.sources.default") == "delta"


def test_delta_merge_time_travel_and_constraints(spark_session, temp_tables: TempTables) -> None:
    name = temp_tables([(1, "a"), (2, "b")], schema="id INT, v STRING", name="merge_target")
    spark_session.sql(
        f"MERGE INTO {name} t USING (SELECT 2 AS id, 'B' AS v UNION ALL SELECT 3, 'c') s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
    )
    assert sorted(tuple(r) for r in spark_session.table(name).collect()) == [(1, "a"), (2, "B"), (3, "c")]
    assert spark_session.sql(f"DESCRIBE DETAIL {name}").first()["format"] == "delta"
    assert spark_session.read.option("versionAsOf", 0).table(name).count() == 2
    spark_session.sql(f"ALTER TABLE {name} ADD CONSTRAINT positive_id CHECK (id > 0)")
    with pytest.raises(Exception, match=r"DELTA_VIOLATE_CONSTRAINT|CHECK constraint"):
        spark_session.sql(f"INSERT INTO {name} VALUES (-1, 'bad')")
    assert spark_session.table(name).count() == 3


def test_spark_session_is_isolated_and_is_what_get_spark_returns(spark_session, spark_session_long_running) -> None:
    assert spark_session is not spark_session_long_running
    assert get_spark() is spark_session
    spark_session.conf.set("spark.sql.shuffle.partitions", "7")
    spark_session.range(1).createOrReplaceTempView("only_in_this_test")
    spark_session.sql("CREATE SCHEMA IF NOT EXISTS isolation_check")
    spark_session.sql("USE isolation_check")
    assert spark_session_long_running.conf.get("spark.sql.shuffle.partitions") != "7"
    assert not spark_session_long_running.catalog.tableExists("only_in_this_test")
    assert spark_session_long_running.catalog.currentDatabase() == "default"


def test_override_is_restored(spark_session_long_running) -> None:
    other = spark_session_long_running.newSession()
    with SparkSessionFactory.override(other) as active:
        assert active is other
        assert get_spark() is other
        assert SparkSessionFactory.create() is other
    assert get_spark() is spark_session_long_running


def test_create_with_a_different_config_keeps_the_session_and_says_so(
    spark_session_long_running, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="databricks_utils.spark.factory"):
        again = SparkSessionFactory.create(ProjectConfig(spark=SparkConfig(shuffle_partitions=99)))
    assert again is spark_session_long_running
    assert "new configuration is ignored" in caplog.text
    assert "force=True" in caplog.text


def test_create_with_the_same_config_is_silent(spark_session_long_running, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="databricks_utils.spark.factory"):
        assert SparkSessionFactory.create(SparkSessionFactory.config()) is spark_session_long_running
    assert caplog.text == ""


def test_temp_tables_from_dataframe_and_schema_only(spark_session, temp_tables: TempTables) -> None:
    frame = spark_session.createDataFrame([{"id": 1, "amount": 2.5}])
    from_frame = temp_tables.create(frame, name="From Frame!")
    empty = temp_tables(schema="id INT, name STRING", table_format="parquet")
    assert spark_session.table(from_frame).count() == 1
    assert spark_session.table(empty).columns == ["id", "name"]
    assert "from_frame" in from_frame
    assert spark_session.sql(f"DESCRIBE DETAIL {from_frame}").first()["format"] == "delta"
    assert temp_tables.names == [from_frame, empty]


def test_temp_tables_are_unique_and_dropped(spark_session) -> None:
    tables = TempTables(spark_session, prefix="test_unique")
    first = tables.create([(1,)], schema="id INT")
    second = tables.create([(2,)], schema="id INT")
    assert first != second
    tables.drop_all()
    assert tables.names == []
    for name in (first, second):
        assert not spark_session.catalog.tableExists(name.replace("`", ""))


def test_temp_tables_need_data_or_schema(spark_session) -> None:
    with pytest.raises(ValueError, match="needs data or a schema"):
        TempTables(spark_session).create()


def test_temp_tables_drop_all_survives_a_dead_session(spark_session, caplog: pytest.LogCaptureFixture) -> None:
    class _Gone:
        def sql(self, _query: str) -> None:
            raise RuntimeError("session stopped")

    tables = TempTables(spark_session)
    tables._created.append("`dbx_test`.`never_created`")
    tables._spark = _Gone()  # a session that died mid-test; teardown must still finish
    tables.drop_all()
    assert "Could not drop test table" in caplog.text


def test_databricks_runtime_reuses_the_running_session(spark_session_long_running) -> None:
    from databricks_utils.spark.sessions import create_session

    created = create_session(ProjectConfig(), "databricks", {"DATABRICKS_RUNTIME_VERSION": "16.4"})
    assert created.mode == "databricks"
    assert created.delta_enabled
    assert created.session.sparkContext is spark_session_long_running.sparkContext
