"""`databricks-agent --help` wall time in a new process, against a bare `python -c pass` in the same run.

Goal: <= 150 ms median (the CLI imports no heavy package before a command runs). Median of 15 runs after
one warm-up, each a fresh interpreter as a user's shell starts it.
"""

import shutil
import statistics
import subprocess
import sys
import time

RUNS = 15


def median_ms(command: list[str]) -> float:
    subprocess.run(command, check=True, capture_output=True)  # warm-up: file cache, bytecode
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    agent = shutil.which("databricks-agent") or sys.exit("databricks-agent is not on PATH: run it with `make bench`")
    rows = [
        ("python -c pass (floor)", median_ms([sys.executable, "-c", "pass"])),
        ("databricks-agent --help", median_ms([agent, "--help"])),
        ("databricks-agent templates --help", median_ms([agent, "templates", "--help"])),
    ]
    base = rows[0][1]
    print(f"Python {sys.version.split()[0]}, median of {RUNS}")
    for name, ms in rows:
        print(f"  {name:<36} {ms:>7.1f} ms {ms / base:>6.2f}x floor")
    print(f"  goal --help <= 150 ms: {'met' if rows[1][1] <= 150 else 'MISSED'} ({rows[1][1]:.1f} ms)")


if __name__ == "__main__":
    main()
