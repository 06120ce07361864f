"""Profiling 1M rows x 20 mixed columns: `profile_dataframe` against `df.summary()` on the same cached frame.

`df.summary()` (count, mean, stddev, min, quartiles, max) is the floor: Spark's own one-call statistics, while
the profile computes far more (nulls, blanks, approximate distinct, p01/p99, lengths, top values, string
types, sentinel tokens, outliers, histograms). Goal: <= 1.5x the floor. Also recorded: the Spark jobs each
runs (status tracker, per job group), and DQX's profiler (its default options: a 30 % sample capped at 1000
rows) on the same frame as a second ratio; DQX insists on a workspace client, so it talks to FakeWorkspace,
a loopback HTTP server on 127.0.0.1.

The input is cached and materialised before timing; median of RUNS runs after one warm-up.
"""

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from databricks_utils.config import ProjectConfig, SparkConfig
from databricks_utils.profiling import profile_dataframe
from databricks_utils.spark import SparkSessionFactory
from databricks_utils.testing import FakeWorkspace

ROWS = 1_000_000
RUNS = 3
STATUSES = ("open", "shipped", "cancelled", "returned", "lost")


def make_input(spark):  # noqa: ANN001, ANN201  # pyspark types are optional at import time
    from pyspark.sql import functions as sf

    ident = sf.col("id")
    return spark.range(ROWS).select(
        ident.alias("order_id"),
        (ident % 5000).alias("customer_id"),
        sf.round(sf.rand(1) * 500, 2).alias("amount"),
        (sf.rand(2) * 10).cast("int").alias("quantity"),
        sf.element_at(sf.array(*[sf.lit(s) for s in STATUSES]), (ident % 5 + 1).cast("int")).alias("status"),
        sf.date_add(sf.lit("2024-01-01").cast("date"), (ident % 700).cast("int")).alias("order_date"),
        sf.concat(sf.lit("user"), (ident % 9000).cast("string"), sf.lit("@example.com")).alias("email"),
        sf.when(ident % 97 == 0, sf.lit("NA")).otherwise((ident % 300).cast("string")).alias("score_text"),
        sf.when(ident % 50 == 0, sf.lit(None)).otherwise(sf.rand(3) * 100).alias("discount"),
        (ident % 2 == 0).alias("is_gift"),
        sf.concat(sf.lit("note for order "), ident.cast("string")).alias("note"),
        sf.expr("uuid()").alias("request_id"),
        *[sf.round(sf.randn(10 + i) * (i + 1) * 10, 3).alias(f"metric_{i}") for i in range(4)],
        *[sf.substring(sf.md5(ident.cast("string")), 1, 2 + i).alias(f"code_{i}") for i in range(4)],
    )


def timed(spark, name: str, action: Callable[[], object]) -> tuple[float, int]:  # noqa: ANN001
    """Median seconds of ``action`` and the Spark jobs one run takes."""
    context = spark.sparkContext
    action()  # warm-up
    times = []
    for run in range(RUNS):
        context.setJobGroup(f"{name}-{run}", name)
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    jobs = len(context.statusTracker().getJobIdsForGroup(f"{name}-0"))
    context.setLocalProperty("spark.jobGroup.id", None)
    return statistics.median(times), jobs


def dqx_profile(spark, data, host: str) -> Callable[[], object] | None:  # noqa: ANN001
    try:
        from databricks.labs.dqx.profiler.profiler import DQProfiler
        from databricks.sdk import WorkspaceClient
    except ImportError:
        return None
    profiler = DQProfiler(WorkspaceClient(host=host, token="dapi-loopback-benchmark"), spark=spark)  # noqa: S106
    return lambda: profiler.profile(data)


def main() -> None:
    warehouse = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    # A long computation, not a test run: C2 JIT (fast_local off) and a 4 GB driver heap; with the 1 GB default
    # the listener thread ran out of heap on this frame.
    config = SparkConfig(warehouse_dir=warehouse, delta=False, fast_local=False, conf={"spark.driver.memory": "4g"})
    spark = SparkSessionFactory.create(ProjectConfig(spark=config))
    data = make_input(spark).cache()
    data.count()
    rows = [
        ("floor: df.summary()", *timed(spark, "summary", lambda: data.summary().collect())),
        ("profile_dataframe", *timed(spark, "profile", lambda: profile_dataframe(data))),
    ]
    with FakeWorkspace() as workspace:
        dqx = dqx_profile(spark, data, workspace.host)
        if dqx is not None:
            rows.append(("DQX DQProfiler.profile (default sample)", *timed(spark, "dqx", dqx)))
    base = rows[0][1]
    print(f"Python {sys.version.split()[0]}, Spark {spark.version}, {ROWS:,} rows x {len(data.columns)} columns")
    print(f"{'variant':<42} {'median':>9} {'x floor':>8} {'jobs':>5}")
    for name, seconds, jobs in rows:
        print(f"{name:<42} {seconds:>8.2f}s {seconds / base:>8.2f} {jobs:>5}")
    verdict = "met" if rows[1][1] <= 1.5 * base else "MISSED"
    print(f"goal profile <= 1.5x df.summary(): {verdict} ({rows[1][1] / base:.2f}x)")


if __name__ == "__main__":
    main()
