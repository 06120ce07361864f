"""The whole pipeline on data/sample, on local Spark and Delta: the tables, their row counts, and a re-run that changes
nothing. (Tests marked ``integration`` are the ones that need a Databricks workspace; these do not.)

data/sample holds 42 raw rows in two files: 8 deliberately bad rows (quarantined), 2 odd ones (kept
with a warning) and 2 later deliveries of day-one orders (silver keeps the latest). The pipeline runs
twice, once per test module, and the tests read what the two runs did.
"""

import uuid
from dataclasses import dataclass

import pytest

from {{ cookiecutter.package_name }}.run_all import LAYERS
from {{ cookiecutter.package_name }}.runner import LayerRun, open_run, run_layer

TABLES = ["bronze", "silver", "quarantine", "daily_sales", "customer_summary"]
{%- if cookiecutter.ml_feature_table == "yes" %}
TABLES.append("customer_features")
{%- endif %}


@dataclass(frozen=True)
class TwoRuns:
    run: LayerRun
    first: dict
    second: dict
    state_after_first: dict
    state_after_second: dict


def run_pipeline(run):
    return {name: run_layer(run, name, layer) for name, layer in LAYERS}


def table_state(run):
    """Row count and latest Delta version of every table the pipeline writes."""
    state = {}
    for name in TABLES:
        table = run.table(name)
        version = run.spark.sql(f"DESCRIBE HISTORY {table}").agg({"version": "max"}).first()[0]
        state[name] = (run.spark.table(table).count(), version)
    return state


@pytest.fixture(scope="module")
def two_runs(spark_session_long_running, project_root_path, tmp_path_factory):
    """The pipeline run twice on the sample data, in a fresh schema of the test session's catalog."""
    overrides = {
        "catalog.schema": f"it_{uuid.uuid4().hex[:8]}",
        "params.checkpoint_path": str(tmp_path_factory.mktemp("checkpoints")),
    }
    run = open_run("local", project_root_path, spark=spark_session_long_running, overrides=overrides)
    first = run_pipeline(run)
    after_first = table_state(run)
    second = run_pipeline(run)
    return TwoRuns(run, first, second, after_first, table_state(run))


def test_every_layer_has_the_expected_rows(two_runs):
    silver_counts = {"input_rows": 40, "valid_rows": 32, "quarantined_rows": 8, "warned_rows": 2}
    assert two_runs.first["silver"] == silver_counts
    counts = {name: rows for name, (rows, _) in two_runs.state_after_first.items()}
    assert (counts["bronze"], counts["silver"], counts["quarantine"]) == (42, 32, 8)
    assert counts["daily_sales"] > 0
    assert counts["customer_summary"] > 0


def test_quarantined_rows_carry_their_reasons(two_runs):
    run = two_runs.run
    quarantined = run.spark.table(run.table("quarantine")).collect()
    assert all(row["_errors"] for row in quarantined)
    reasons = {reason.split(":")[0] for row in quarantined for reason in row["_errors"]}
    assert reasons == {
        "order_id_present",
        "customer_id_present",
        "order_ts_parses",
        "status_known",
        "currency_supported",
        "amount_present",
        "amount_not_negative",
        "quantity_positive",
    }


def test_silver_keeps_the_latest_delivery_and_gold_adds_up(two_runs):
    run = two_runs.run
    silver = run.spark.table(run.table("silver"))
    assert silver.where("order_id = 'ORD-00001'").first()["status"] == "SHIPPED"
    earning = silver.where("status IN ('NEW', 'PAID', 'SHIPPED')").count()
    assert run.spark.table(run.table("daily_sales")).agg({"orders": "sum"}).first()[0] == earning


def test_a_second_run_changes_nothing(two_runs):
    assert two_runs.state_after_second == two_runs.state_after_first
    assert two_runs.second["bronze"] == {"appended_rows": 0}
    assert two_runs.second["gold"] == {"tables_rewritten": 0}
