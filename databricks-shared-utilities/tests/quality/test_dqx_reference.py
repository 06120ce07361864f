"""Our DQX export checked by DQX itself (databricks-labs-dqx, a dev dependency).

`DQEngine.validate_checks` is static (function names, argument names and types against its check functions'
signatures) and runs without a workspace. Its validation does not cover what the arguments *mean*, so one test also
runs DQX's engine on Spark and compares the rows it flags with ours, rule by rule.
"""

import pytest
import yaml

from databricks_utils.errors.exceptions import RuleError
from databricks_utils.quality.dqx import dump_dqx, from_dqx, to_dqx
from databricks_utils.quality.evaluator import apply_rules
from databricks_utils.quality.model import CHECK_ARGUMENTS, Rule, RuleSet
from databricks_utils.testing import FakeWorkspace

dqx_engine = pytest.importorskip("databricks.labs.dqx.engine", reason="databricks-labs-dqx is a dev dependency")

# One rule per check in every argument shape we export: each must come out as checks DQX accepts.
EVERY_CHECK = RuleSet(
    rules=[
        Rule(name="id_present", check="not_null", column="id"),
        Rule(name="line_present", check="not_null", column="line", criticality="warn"),
        Rule(name="name_filled", check="not_empty", column="name", arguments={"allow_null": False}),
        Rule(name="note_not_blank", check="not_empty", column="note", arguments={"trim": False}),
        Rule(name="id_unique", check="unique", column="id"),
        Rule(name="line_unique", check="unique", columns=["id", "line"]),
        Rule(name="status_known", check="in_set", column="status", arguments={"values": ["NEW", "PAID"]}),
        Rule(name="amount_ok", check="in_range", column="amount", arguments={"min": 0, "max": 100}),
        Rule(name="amount_open", check="in_range", column="amount", arguments={"min": 0, "min_inclusive": False}),
        Rule(name="date_floor", check="in_range", column="day", arguments={"min": "2020-01-01"}),
        Rule(name="email_ok", check="matches_regex", column="email", arguments={"pattern": "^[^@]+@[^@]+$"}),
        Rule(name="code_len", check="length_between", column="code", arguments={"min": 2, "max": 8}),
        Rule(name="day_parses", check="parseable_date", column="raw_day", arguments={"format": "yyyy-MM-dd"}),
        Rule(name="ts_parses", check="parseable_timestamp", column="raw_ts"),
        Rule(name="not_future", check="not_in_future", column="ts", arguments={"tolerance_s": 60}),
        Rule(name="fresh", check="max_age", column="ts", arguments={"max_age_s": 86400}),
        Rule(
            name="customer_known",
            check="referential",
            column="customer_id",
            arguments={"reference_table": "main.crm.customers", "reference_column": "id"},
        ),
        Rule(name="enough_rows", check="row_count_between", arguments={"min": 1, "max": 1_000_000}),
        Rule(name="no_dupes", check="no_duplicate_rows"),
        Rule(name="schema_ok", check="expected_schema", arguments={"columns": {"id": "BIGINT", "name": "STRING"}}),
        Rule(name="positive_margin", check="sql_expression", arguments={"expression": "price >= cost"}),
    ]
)


def validate(checks: list[dict[str, object]]) -> list[str]:
    """DQX's own verdict: its error strings, empty when the checks load."""
    status = dqx_engine.DQEngine.validate_checks(checks, semantic_validation_mode="fail")
    return list(status.errors)


def test_the_fixture_covers_every_check():
    assert {rule.check for rule in EVERY_CHECK.rules} == set(CHECK_ARGUMENTS)


def test_dqx_accepts_the_export_of_every_check():
    exported = to_dqx(EVERY_CHECK)
    assert exported.checks, "the export wrote no checks"
    assert validate(list(exported.checks)) == []
    # Only rules DQX has no faithful form for are left out, and they are listed with a reason.
    assert set(exported.skipped) == {"no_dupes"}


def test_dqx_accepts_the_exported_yaml_text():
    assert validate(yaml.safe_load(dump_dqx(EVERY_CHECK))) == []


def test_dqx_rejects_what_we_would_reject_so_the_check_is_not_vacuous():
    broken = [{"criticality": "error", "check": {"function": "is_not_null", "arguments": {"col": "id"}}}]
    assert validate(broken)
    with pytest.raises(RuleError, match="col"):
        from_dqx(broken)


def test_dqx_to_ours_to_dqx_stays_valid_for_dqx():
    round_tripped = to_dqx(from_dqx(to_dqx(EVERY_CHECK).checks))
    assert validate(list(round_tripped.checks)) == []


ROW_RULES = RuleSet(
    rules=[
        r
        for r in EVERY_CHECK.rules
        if r.name
        in {
            "id_present",
            "name_filled",
            "note_not_blank",
            "status_known",
            "amount_ok",
            "amount_open",
            "email_ok",
            "code_len",
            "day_parses",
            "ts_parses",
            "positive_margin",
        }
    ]
)
ROWS = [
    # id, name, note, status, amount, email, code, raw_day, raw_ts, price, cost
    (1, "Ann", "x", "NEW", 5.0, "a@b.c", "AB", "2024-01-31", "2024-01-31 10:00:00", 2.0, 1.0),
    (None, "  ", "", "LOST", -1.0, "nope", "A", "2024-02-30", "soon", 1.0, 2.0),
    (3, None, None, None, None, None, None, None, None, None, None),
    (4, "Bo", " ", "PAID", 0.0, "x@y.z", "ABCDEFGHI", "31/01/2024", "2024-01-31T10:00:00", 3.0, 3.0),
    (5, "Cy", "note", "SHIPPED", 100.0, "@y.z", "ABCDEFGH", "2024-12-01", "", 1.0, 0.5),
]
SCHEMA = (
    "id INT, name STRING, note STRING, status STRING, amount DOUBLE, email STRING, code STRING, raw_day STRING, "
    "raw_ts STRING, price DOUBLE, cost DOUBLE"
)


def test_dqx_flags_the_same_rows_as_we_do_for_every_row_check(spark_session, frame):
    """DQX runs against FakeWorkspace, a loopback HTTP server on 127.0.0.1 standing in for the workspace REST API.

    DQX 0.17 checks connectivity with GET /api/2.1/clusters/spark-versions on start and for telemetry; the server
    answers that call in the Databricks wire format. The Spark work is real.
    """
    from databricks.sdk import WorkspaceClient
    from pyspark.sql import functions as sf

    data = frame(ROWS, SCHEMA)
    ours = apply_rules(data, ROW_RULES.rules).annotated.select(
        "id", sf.transform(sf.concat("_errors", "_warnings"), lambda r: sf.substring_index(r, ":", 1)).alias("rules")
    )
    with FakeWorkspace() as workspace:
        client = WorkspaceClient(host=workspace.host, token="dapi-loopback-test")  # noqa: S106 - loopback fake
        engine = dqx_engine.DQEngine(client, spark=spark_session)
        theirs = engine.apply_checks_by_metadata(data, to_dqx(ROW_RULES).checks).select(
            "id",
            sf.concat(
                sf.coalesce(sf.col("_errors.name"), sf.array().cast("array<string>")),
                sf.coalesce(sf.col("_warnings.name"), sf.array().cast("array<string>")),
            ).alias("rules"),
        )
        flagged_by_dqx = {row["id"]: sorted(row["rules"]) for row in theirs.collect()}
    flagged_by_us = {row["id"]: sorted(row["rules"]) for row in ours.collect()}
    assert flagged_by_us == flagged_by_dqx
    # The data exercises every rule, so agreement is not agreement on "nothing fails".
    assert {name for names in flagged_by_us.values() for name in names} == {r.name for r in ROW_RULES.rules}
