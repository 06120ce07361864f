"""get_spark() after the first call: median cost per call, against baselines measured in the same process.

Goal: <= 1 us per call. Baselines: reading a module attribute (the floor of any cached lookup) and
`SparkSession.getActiveSession()` (what hand-rolled helpers call); `SparkSession.builder.getOrCreate()`
on a live session (what most projects do) is timed too, with fewer repetitions since it is slow.
"""

import statistics
import sys
import tempfile
import timeit
from pathlib import Path

from databricks_utils.config.schema import ProjectConfig, SparkConfig
from databricks_utils.spark import SparkSessionFactory, get_spark
from databricks_utils.spark import factory as factory_module

CALLS = 200_000
REPEATS = 9


def per_call_us(stmt: str, namespace: dict[str, object], *, number: int = CALLS, repeat: int = REPEATS) -> float:
    times = timeit.repeat(stmt, globals=namespace, number=number, repeat=repeat)
    return statistics.median(times) / number * 1e6


def main() -> None:
    warehouse = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    SparkSessionFactory.create(ProjectConfig(spark=SparkConfig(warehouse_dir=warehouse)))
    from pyspark.sql import SparkSession

    ns: dict[str, object] = {"get_spark": get_spark, "state": factory_module._STATE, "SparkSession": SparkSession}
    rows = [
        ("attribute read (floor)", per_call_us("state.session", ns)),
        ("get_spark()", per_call_us("get_spark()", ns)),
        ("SparkSession.getActiveSession()", per_call_us("SparkSession.getActiveSession()", ns, number=20_000)),
        ("builder.getOrCreate()", per_call_us("SparkSession.builder.getOrCreate()", ns, number=20, repeat=5)),
    ]
    floor = rows[0][1]
    target = rows[1][1]
    print(f"Python {sys.version.split()[0]}, {CALLS} calls x {REPEATS} repeats (median per call)")
    print(f"{'what':<38} {'median/call':>14} {'x floor':>9}")
    for name, value in rows:
        print(f"{name:<38} {value:>11.3f} us {value / floor:>9.1f}")
    print(f"goal get_spark() <= 1 us: {'met' if target <= 1.0 else 'MISSED'} ({target:.3f} us)")
    SparkSessionFactory.stop()


if __name__ == "__main__":
    main()
