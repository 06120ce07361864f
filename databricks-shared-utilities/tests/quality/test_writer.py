"""write_validated: merge / append / overwrite into Delta, quarantine with batch ids, idempotent re-runs."""

import datetime as dt

import pytest

from databricks_utils.errors.exceptions import ConfigError
from databricks_utils.quality.evaluator import apply_rules
from databricks_utils.quality.model import Rule
from databricks_utils.quality.writer import batch_fingerprint, write_validated

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
SCHEMA = "id int, amount double"
RULES = [
    Rule(name="amount_positive", check="in_range", column="amount", arguments={"min": 0}),
    Rule(name="amount_small", check="in_range", column="amount", arguments={"max": 100}, criticality="warn"),
]


@pytest.fixture
def names(spark_session, temp_tables):
    """Two unique table names that do not exist yet (temp_tables drops them after the test)."""

    def make():
        name = temp_tables(schema="x int")
        spark_session.sql(f"DROP TABLE {name}")
        return name

    return make(), make()


def validate(frame, rows):
    return apply_rules(frame(rows, SCHEMA), RULES, now=NOW)


def contents(spark, table, *drop):
    return sorted(tuple(row) for row in spark.table(table).drop(*drop).collect())


def version(spark, table):
    return spark.sql(f"DESCRIBE HISTORY {table}").agg({"version": "max"}).first()[0]


pytestmark = pytest.mark.spark

BATCH = [(1, 10.0), (2, -1.0), (3, 500.0), (4, -1.0), (4, -1.0)]


def test_merge_creates_both_tables_and_a_rerun_changes_nothing(spark_session, frame, names):
    target, quarantine = names
    outcome = write_validated(
        validate(frame, BATCH), target_table=target, quarantine_table=quarantine, keys=["id"], now=NOW
    )
    assert outcome.target_table == target
    assert contents(spark_session, target) == [
        (1, 10.0, []),
        (3, 500.0, ["amount_small: amount=500.0 is above max 100"]),
    ]
    rows = spark_session.table(quarantine).orderBy("id").collect()
    assert [(r.id, r.amount, r._errors) for r in rows] == [
        (2, -1.0, ["amount_positive: amount=-1.0 is below min 0"]),
        (4, -1.0, ["amount_positive: amount=-1.0 is below min 0"]),
        (4, -1.0, ["amount_positive: amount=-1.0 is below min 0"]),  # exact duplicates are all kept
    ]
    assert {
        (r._batch_id, r._quarantined_at.replace(tzinfo=None) == NOW.astimezone().replace(tzinfo=None)) for r in rows
    } == {(outcome.batch_id, True)}
    assert len({r._row_hash for r in rows}) == 2
    before = (contents(spark_session, target), contents(spark_session, quarantine), version(spark_session, target))
    quarantine_version = version(spark_session, quarantine)

    # The same batch again, in another order and later: nothing changes, not even the Delta history.
    again = validate(frame, list(reversed(BATCH)))
    rerun = write_validated(
        again, target_table=target, quarantine_table=quarantine, keys=["id"], now=NOW + dt.timedelta(hours=1)
    )
    assert rerun.batch_id == outcome.batch_id
    assert (
        contents(spark_session, target),
        contents(spark_session, quarantine),
        version(spark_session, target),
    ) == before
    assert version(spark_session, quarantine) == quarantine_version


def test_merge_updates_changed_rows_and_inserts_new_ones(spark_session, frame, temp_tables):
    # An existing target (with a map column: compared and hashed as JSON) and no quarantine table yet.
    target = temp_tables(
        [(1, 10.0, {"k": 1}, []), (2, 20.0, {"k": 2}, [])],
        schema="id int, amount double, m map<string,int>, _warnings array<string>",
    )
    quarantine = f"{target[:-1]}_q`"
    df = frame(
        [(1, 10.0, {"k": 1}), (2, 25.0, {"k": 2}), (5, 50.0, None), (6, -2.0, None)],
        "id int, amount double, m map<string,int>",
    )
    try:
        write_validated(apply_rules(df, RULES, now=NOW), target_table=target, quarantine_table=quarantine, keys=["ID"])
        assert contents(spark_session, target, "m") == [(1, 10.0, []), (2, 25.0, []), (5, 50.0, [])]
        assert version(spark_session, target) == 1
        merge = spark_session.sql(f"DESCRIBE HISTORY {target}").orderBy("version", ascending=False).first()
        assert merge.operation == "MERGE"
        assert (merge.operationMetrics["numTargetRowsUpdated"], merge.operationMetrics["numTargetRowsInserted"]) == (
            "1",
            "1",
        )
        assert [r.id for r in spark_session.table(quarantine).collect()] == [6]
    finally:
        spark_session.sql(f"DROP TABLE IF EXISTS {quarantine}")


def test_append_writes_each_batch_once(spark_session, frame, names):
    target, quarantine = names
    first = validate(frame, [(1, 1.0), (2, -1.0)])
    for _ in range(2):
        write_validated(first, target_table=target, quarantine_table=quarantine, mode="append", now=NOW)
    assert contents(spark_session, target) == [(1, 1.0, [])]
    assert version(spark_session, target) == 0
    write_validated(
        validate(frame, [(1, 1.0), (3, 3.0)]), target_table=target, quarantine_table=quarantine, mode="append"
    )
    assert contents(spark_session, target) == [(1, 1.0, []), (1, 1.0, []), (3, 3.0, [])]
    assert spark_session.table(quarantine).count() == 1


def test_overwrite_replaces_and_a_rerun_is_skipped(spark_session, frame, temp_tables, names):
    target = temp_tables([(9, 9.0, [])], schema="id int, amount double, _warnings array<string>")
    quarantine = names[1]
    batch = validate(frame, [(2, 2.0), (3, 3.0)])
    for _ in range(2):
        write_validated(batch, target_table=target, quarantine_table=quarantine, mode="overwrite", now=NOW)
    assert contents(spark_session, target) == [(2, 2.0, []), (3, 3.0, [])]
    assert version(spark_session, target) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "upsert"}, "mode must be one of merge, append, overwrite, got 'upsert'"),
        ({"keys": None}, "mode 'merge' needs keys"),
        ({"keys": ["nope"]}, "keys nope are not columns of the valid rows; available columns: id, amount, _warnings"),
        ({"target_table": "a..b"}, "table name 'a..b' is not valid"),
    ],
)
def test_configuration_errors(frame, kwargs, message):
    arguments = {"target_table": "s.t", "quarantine_table": "s.q", "keys": ["id"], **kwargs}
    with pytest.raises(ConfigError, match=message):
        write_validated(validate(frame, [(1, 1.0)]), **arguments)


def test_batch_fingerprint_depends_on_content_only(frame):
    def fingerprint(rows, schema="a int, b int"):
        return batch_fingerprint(frame(rows, schema))

    base = fingerprint([(1, 2), (3, None)])
    assert fingerprint([(3, None), (1, 2)]) == base
    assert fingerprint([(1, 2), (None, 3)]) != base
    assert fingerprint([(1, 2), (3, None), (3, None)]) != base
    assert fingerprint([(1, 2), (3, None)], "a int, c int") != base
    assert fingerprint([], "a int, b int") == fingerprint([], "a int, b int")
