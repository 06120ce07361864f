"""The pytest11 plugin, exercised through pytest's own pytester against real local Spark."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


def test_plugin_import_is_cheap() -> None:
    code = (
        "import sys, databricks_utils, databricks_utils.testing.plugin; "
        "print(sorted(m for m in ('pyspark', 'py4j', 'delta') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_plugin_is_registered_as_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--fixtures", "-p", "no:cacheprovider")
    for name in ("spark_session_long_running", "spark_session", "test_config", "temp_tables"):
        result.stdout.fnmatch_lines([f"{name}*"])
    result.stdout.fnmatch_lines(["*isolated session per test*"])


def test_markers_are_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.dbx_config(**overrides)*"])


def test_test_config_defaults_and_marker_overrides(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_defaults(test_config, tmp_path):
            assert test_config.env == "local"
            assert test_config.spark.warehouse_dir == tmp_path / "warehouse"

        @pytest.mark.dbx_config(**{"spark.shuffle_partitions": 1, "params.source": "x"})
        def test_override(test_config):
            assert test_config.spark.shuffle_partitions == 1
            assert test_config.params["source"] == "x"
        """
    )
    pytester.runpytest_inprocess("--strict-markers").assert_outcomes(passed=2)


@pytest.mark.spark
def test_fixtures_isolate_tests_and_drop_tables_even_on_failure(
    pytester: pytest.Pytester, spark_session_long_running, tmp_path: Path
) -> None:
    record = tmp_path / "table-name.txt"
    pytester.makepyfile(
        f"""
        import pathlib

        from databricks_utils.spark import get_spark

        def test_a_sets_state(spark_session):
            spark_session.range(1).createOrReplaceTempView("leaky_view")
            spark_session.conf.set("spark.sql.shuffle.partitions", "11")
            assert get_spark() is spark_session

        def test_b_sees_none_of_it(spark_session):
            assert not spark_session.catalog.tableExists("leaky_view")
            assert spark_session.conf.get("spark.sql.shuffle.partitions") != "11"

        def test_c_fails_after_creating_a_table(temp_tables, spark_session):
            name = temp_tables([(1, "x")], schema="id INT, v STRING")
            assert spark_session.table(name).count() == 1
            pathlib.Path({str(record)!r}).write_text(name)
            raise AssertionError("deliberate failure")

        def test_d_long_running_is_shared(spark_session_long_running):
            assert spark_session_long_running is get_spark()
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    name = record.read_text()
    assert not spark_session_long_running.catalog.tableExists(name.replace("`", ""))


def test_integration_tests_skip_without_a_workspace(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.integration
        def test_needs_workspace():
            assert False, "must not run without DATABRICKS_HOST"

        def test_plain():
            pass
        """
    )
    monkeypatch.delenv("DATABRICKS_HOST", raising=False)
    result = pytester.runpytest_inprocess("--strict-markers", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*needs a Databricks workspace: set DATABRICKS_HOST*"])
    monkeypatch.setenv("DATABRICKS_HOST", "https://example.cloud.databricks.com")
    pytester.runpytest_inprocess("--strict-markers").assert_outcomes(passed=1, failed=1)
