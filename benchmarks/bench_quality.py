"""apply_rules + counting both outputs: 20 mixed rules over 1M rows, against a hand-written single select.

Goal: apply_rules + summary() <= 1.3x the floor. Floor: ONE hand-written query computing the same 20
pass/fail booleans (NULL passes, as the rules do) and counting what summary() counts: total, valid
and warned rows and each rule's failures. Shown too: the same query without per-rule counts (Spark
may then short-circuit the ANDs, so it skips work summary() must do), and the counts taken with
count() jobs on the outputs (valid, quarantine, warned) instead of summary().

Second baseline: databricks-labs-dqx (a dev dependency) running our rules exported with ``to_dqx``
through ``DQEngine.apply_checks_by_metadata_and_split``, then counting its good and bad outputs. DQX
insists on a reachable workspace (it calls the clusters API on start and for telemetry on every check),
so it talks to ``FakeWorkspace``, a loopback HTTP server on 127.0.0.1 answering
``GET /api/2.1/clusters/spark-versions`` in the Databricks REST wire format; those calls are part of
DQX's measured time, as on a real cluster.
DQX's split has other semantics (rows with warnings go to both outputs; not_in_future uses the clock,
not NOW), so its counts are printed, not compared.

The input (spark.range + expressions) is cached and materialised before timing; each variant runs
RUNS times after one warm-up, and the median is reported.
"""

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import reduce
from pathlib import Path

from databricks_utils.config.schema import ProjectConfig, SparkConfig
from databricks_utils.quality.dqx import to_dqx
from databricks_utils.quality.evaluator import apply_rules
from databricks_utils.quality.model import Rule, RuleSet
from databricks_utils.spark import SparkSessionFactory
from databricks_utils.testing import FakeWorkspace

ROWS = 1_000_000
RUNS = 5
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def rule(name: str, check: str, column: str | None = None, criticality: str = "error", **arguments: object) -> Rule:
    return Rule.model_validate(
        {"name": name, "check": check, "column": column, "criticality": criticality, "arguments": arguments}
    )


RULES = [
    rule("id_present", "not_null", "id"),
    rule("customer_present", "not_null", "customer"),
    rule("email_present", "not_null", "email", "warn"),
    rule("status_not_empty", "not_empty", "status"),
    rule("status_known", "in_set", "status", values=["new", "paid", "shipped", "cancelled"]),
    rule("channel_known", "in_set", "channel", "warn", values=[1, 2, 3]),
    rule("amount_positive", "in_range", "amount", min=0),
    rule("amount_bounded", "in_range", "amount", max=990, criticality="warn"),
    rule("quantity_range", "in_range", "quantity", min=1, max=50),
    rule("discount_range", "in_range", "discount", min=0, max=0.5, max_inclusive=False),
    rule("email_shape", "matches_regex", "email", pattern=r"[a-z0-9.]+@[a-z]+\.[a-z]{2,}"),
    rule("sku_shape", "matches_regex", "sku", "warn", pattern=r"SKU-\d{4}"),
    rule("customer_length", "length_between", "customer", min=3, max=12),
    rule("note_length", "length_between", "note", "warn", max=20),
    rule("order_date_parses", "parseable_date", "order_day"),
    rule("updated_parses", "parseable_timestamp", "updated_text", "warn"),
    rule("created_not_future", "not_in_future", "created"),
    rule("shipped_after_created", "sql_expression", None, expression="shipped IS NULL OR shipped >= created"),
    rule("total_consistent", "sql_expression", None, "warn", expression="abs(total - amount * quantity) < 0.01"),
    rule("quantity_in_stock", "in_range", "quantity", "warn", max=45),
]
ERROR_RULES = [r.name for r in RULES if r.criticality == "error"]
WARN_RULES = [r.name for r in RULES if r.criticality == "warn"]


def make_input(spark):  # noqa: ANN001, ANN201  # pyspark types are optional at import time
    from pyspark.sql import functions as sf

    i = sf.col("id")
    return spark.range(ROWS).select(
        sf.when(i % 997 == 0, None).otherwise(i).alias("id"),
        sf.when(i % 501 == 0, None).otherwise(sf.concat(sf.lit("cust"), (i % 5000).cast("string"))).alias("customer"),
        sf.when(i % 211 == 0, None)
        .when(i % 307 == 0, sf.lit("broken-email"))
        .otherwise(sf.concat(sf.lit("user"), (i % 777).cast("string"), sf.lit("@example.com")))
        .alias("email"),
        sf.element_at(
            sf.array(*[sf.lit(s) for s in ["new", "paid", "shipped", "cancelled", " ", "lost"]]),
            (i % 97 % 6 + 1).cast("int"),
        ).alias("status"),
        (i % 4).cast("int").alias("channel"),
        ((i % 1000) - 3).cast("double").alias("amount"),
        (i % 52).cast("int").alias("quantity"),
        ((i % 60) / 100).alias("discount"),
        sf.concat(sf.lit("SKU-"), sf.lpad((i % 12000).cast("string"), 4, "0")).alias("sku"),
        sf.when(i % 3 == 0, None).otherwise(sf.repeat(sf.lit("n"), (i % 25).cast("int"))).alias("note"),
        sf.when(i % 401 == 0, sf.lit("2024-02-30"))
        .otherwise(sf.date_format(sf.date_add(sf.lit("2024-01-01"), (i % 365).cast("int")), "yyyy-MM-dd"))
        .alias("order_day"),
        sf.when(i % 409 == 0, sf.lit("soon")).otherwise(sf.lit("2024-03-01 10:00:00")).alias("updated_text"),
        sf.timestamp_seconds(sf.lit(1_700_000_000) + (i % 40_000_000)).alias("created"),
        sf.when(i % 2 == 0, None)
        .otherwise(sf.timestamp_seconds(sf.lit(1_700_000_000) + (i % 40_000_000) + (i % 7 - 1) * 3600))
        .alias("shipped"),
        (((i % 1000) - 3) * (i % 52) + sf.when(i % 613 == 0, 1).otherwise(0)).cast("double").alias("total"),
    )


def floor_booleans():  # noqa: ANN201
    """The 20 pass conditions written by hand, NULL counting as pass (coalesce(..., true))."""
    from pyspark.sql import functions as sf

    c = sf.col
    now = sf.lit(NOW)
    conditions = {
        "id_present": c("id").isNotNull(),
        "customer_present": c("customer").isNotNull(),
        "email_present": c("email").isNotNull(),
        "status_not_empty": sf.trim(c("status")) != "",
        "status_known": c("status").isin("new", "paid", "shipped", "cancelled"),
        "channel_known": c("channel").isin(1, 2, 3),
        "amount_positive": c("amount") >= 0,
        "amount_bounded": c("amount") <= 990,
        "quantity_range": (c("quantity") >= 1) & (c("quantity") <= 50),
        "discount_range": (c("discount") >= 0) & (c("discount") < 0.5),
        "email_shape": c("email").rlike(r"^(?:[a-z0-9.]+@[a-z]+\.[a-z]{2,})$"),
        "sku_shape": c("sku").rlike(r"^(?:SKU-\d{4})$"),
        "customer_length": sf.length(c("customer")).between(3, 12),
        "note_length": sf.length(c("note")) <= 20,
        "order_date_parses": c("order_day").isNull() | sf.try_to_date(c("order_day")).isNotNull(),
        "updated_parses": c("updated_text").isNull() | sf.try_to_timestamp(c("updated_text")).isNotNull(),
        "created_not_future": c("created") <= now,
        "shipped_after_created": sf.expr("shipped IS NULL OR shipped >= created"),
        "total_consistent": sf.expr("abs(total - amount * quantity) < 0.01"),
        "quantity_in_stock": c("quantity") <= 45,
    }
    return {name: sf.coalesce(condition, sf.lit(True)) for name, condition in conditions.items()}


def median_seconds(action: Callable[[], object]) -> tuple[float, object]:
    action()  # warm-up: code generation, JIT
    times, value = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def dqx_variant(spark, data, host: str) -> Callable[[], tuple[int, int]] | None:  # noqa: ANN001
    """good.count() and bad.count() of DQX's split, or None when databricks-labs-dqx is not installed."""
    try:
        from databricks.labs.dqx.engine import DQEngine
        from databricks.sdk import WorkspaceClient
    except ImportError:
        return None
    engine = DQEngine(WorkspaceClient(host=host, token="dapi-loopback-benchmark"), spark=spark)  # noqa: S106
    checks = to_dqx(RuleSet(rules=RULES)).checks

    def run() -> tuple[int, int]:
        good, bad = engine.apply_checks_by_metadata_and_split(data, checks)
        return good.count(), bad.count()

    return run


def main() -> None:
    warehouse = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    spark = SparkSessionFactory.create(ProjectConfig(spark=SparkConfig(warehouse_dir=warehouse, delta=False)))
    from pyspark.sql import functions as sf

    data = make_input(spark).cache()
    data.count()

    def floor_query(*, per_rule: bool):  # noqa: ANN202
        passes = data.select(*[condition.alias(name) for name, condition in floor_booleans().items()])
        all_errors_pass = reduce(lambda a, b: a & b, [sf.col(name) for name in ERROR_RULES])
        all_warnings_pass = reduce(lambda a, b: a & b, [sf.col(name) for name in WARN_RULES])
        failures = [sf.count_if(~sf.col(rule.name)) for rule in RULES] if per_rule else []
        totals = [sf.count(sf.lit(1)), sf.count_if(all_errors_pass), sf.count_if(~all_warnings_pass)]
        return passes.agg(*totals, *failures)

    def floor() -> tuple[int, int, int]:
        row = floor_query(per_rule=True).first()
        return int(row[0]), int(row[1]), int(row[2])

    def floor_counts_only() -> tuple[int, int, int]:
        row = floor_query(per_rule=False).first()
        return int(row[0]), int(row[1]), int(row[2])

    def with_summary() -> tuple[int, int, int]:
        summary = apply_rules(data, RULES, now=NOW).summary()
        return summary.total_rows, summary.valid_rows, summary.warned_rows

    def two_counts() -> tuple[int, int, int]:
        result = apply_rules(data, RULES, now=NOW)
        valid = result.valid.count()
        warned = result.annotated.where(sf.size("_warnings") > 0).count()
        return valid + result.quarantine.count(), valid, warned

    rows = [
        ("floor: hand-written select, per-rule counts", *median_seconds(floor)),
        ("  floor without per-rule counts", *median_seconds(floor_counts_only)),
        ("apply_rules + summary() (one job)", *median_seconds(with_summary)),
        ("apply_rules + valid/quarantine/warned count()", *median_seconds(two_counts)),
    ]
    with FakeWorkspace() as workspace:
        dqx = dqx_variant(spark, data, workspace.host)
        dqx_row = ("DQX apply_checks_by_metadata_and_split + 2 count()", *median_seconds(dqx)) if dqx else None
    base = rows[0][1]
    print(
        f"Python {sys.version.split()[0]}, Spark {spark.version}, {ROWS:,} rows, {len(RULES)} rules, median of {RUNS}"
    )
    print(f"{'variant':<52} {'median':>9} {'x floor':>8}  (total, valid, warned)")
    for name, seconds, counts in rows:
        print(f"{name:<52} {seconds:>8.3f}s {seconds / base:>8.2f}  {counts}")
    if dqx_row is None:
        print("DQX: skipped (databricks-labs-dqx is not installed)")
    else:
        name, seconds, counts = dqx_row
        print(f"{name:<52} {seconds:>8.3f}s {seconds / base:>8.2f}  (good, bad) = {counts}")
        print(f"apply_rules + count of each output vs DQX split + counts: {rows[3][1] / seconds:.2f}x")
    if len({counts for _, _, counts in rows}) != 1:
        raise SystemExit("variants disagree on the counts: the floor does not compute the same rules")
    ratio = rows[2][1] / base
    print(f"goal apply_rules + summary() <= 1.3x floor: {'met' if ratio <= 1.3 else 'MISSED'} ({ratio:.2f}x)")
    SparkSessionFactory.stop()


if __name__ == "__main__":
    main()
