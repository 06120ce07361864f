"""Per-test cost of the `spark_session` fixture over `spark_session_long_running`, across 100 trivial tests each.

Runs one pytest process (one JVM) with 100 tests on each fixture, records every test's
setup+call+teardown time with a hook, and reports medians and the difference. Goal: <= 5 ms per test.
"""

import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

N = 100

CONFTEST = """
import json, time, pytest

TIMES = {}

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start = time.perf_counter_ns()
    yield
    TIMES[item.name] = (time.perf_counter_ns() - start) / 1e6

def pytest_sessionfinish(session):
    with open("times.json", "w") as fh:
        json.dump(TIMES, fh)
"""


def write_suite(folder: Path) -> None:
    (folder / "conftest.py").write_text(CONFTEST)
    warm = (
        "def test_0_warm_up(spark_session_long_running):\n    assert spark_session_long_running.range(1).count() == 1\n"
    )
    longs = "".join(
        f"def test_a_long_{i:03d}(spark_session_long_running):\n    assert spark_session_long_running\n"
        for i in range(N)
    )
    isolated = "".join(f"def test_b_isolated_{i:03d}(spark_session):\n    assert spark_session\n" for i in range(N))
    (folder / "test_overhead.py").write_text(textwrap.dedent(warm + longs + isolated))


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-fixtures-"))
    write_suite(folder)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_overhead.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"benchmark suite failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    times = json.loads((folder / "times.json").read_text())
    longs = [v for k, v in times.items() if k.startswith("test_a_long")]
    isolated = [v for k, v in times.items() if k.startswith("test_b_isolated")]
    long_median, iso_median = statistics.median(longs), statistics.median(isolated)
    print(f"{N} trivial tests per fixture, one JVM (warm-up test excluded: {times['test_0_warm_up']:.0f} ms)")
    print(f"{'fixture':<28} {'median ms/test':>15} {'p90 ms':>8}")
    for name, values in (("spark_session_long_running", longs), ("spark_session", isolated)):
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"{name:<28} {statistics.median(values):>15.2f} {p90:>8.2f}")
    overhead = iso_median - long_median
    print(f"overhead of spark_session: {overhead:.2f} ms/test (goal <= 5 ms: {'met' if overhead <= 5 else 'MISSED'})")


if __name__ == "__main__":
    main()
