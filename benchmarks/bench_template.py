"""Template render time and the rendered project's `make test` time, with their floors in the same run.

Render: `render_template` in-process (answers resolved and checked, hooks run) and the plain `cookiecutter`
CLI as a user runs it, against copying the template folder with shutil.copytree (the cost of writing the
same files without any templating). Goal: a render < 1 s.

Rendered project tests: `make test` of a freshly rendered default project (installed once with
`make install`), JVM start included, against the same project's pytest running one trivial Spark test (the
JVM + Delta session floor). Goal: <= 30 s on this machine.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from databricks_project_templates import render_template, template_path

RENDERS = 10
TEST_RUNS = 3
FLOOR_TEST = """
def test_floor(spark_session):
    assert spark_session.range(1).count() == 1
"""


def median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: imports, file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fresh(parent: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=parent))


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    return env


def run(command: list[str], cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, env=clean_env(), check=True, capture_output=True)


def render_times(scratch: Path) -> list[tuple[str, float]]:
    source = template_path("databricks-pipeline")
    cli = [sys.executable, "-m", "cookiecutter", str(source), "--no-input", "-o"]
    return [
        (
            "copytree of the template folder (floor)",
            median_seconds(lambda: shutil.copytree(source, fresh(scratch) / "t"), RENDERS),
        ),
        (
            "render_template (in-process)",
            median_seconds(lambda: render_template("databricks-pipeline", fresh(scratch)), RENDERS),
        ),
        ("cookiecutter CLI (new process)", median_seconds(lambda: run([*cli, str(fresh(scratch))], scratch), RENDERS)),
    ]


def test_times(scratch: Path) -> list[tuple[str, float]]:
    project = render_template("databricks-pipeline", fresh(scratch))
    run(["make", "install"], project)
    floor_dir = project / "tests" / "floor"
    floor_dir.mkdir()
    (floor_dir / "test_floor.py").write_text(FLOOR_TEST, encoding="utf-8")
    pytest_floor = [str(project / ".venv" / "bin" / "python"), "-m", "pytest", "-q", "tests/floor"]
    floor = median_seconds(lambda: run(pytest_floor, project), TEST_RUNS)
    shutil.rmtree(floor_dir)
    return [
        ("pytest with one Spark test (JVM + Delta floor)", floor),
        ("rendered project: make test", median_seconds(lambda: run(["make", "test"], project), TEST_RUNS)),
    ]


def report(title: str, rows: list[tuple[str, float]], goal: float) -> None:
    base = rows[0][1]
    print(f"\n{title}")
    for name, seconds in rows:
        print(f"  {name:<48} {seconds:>8.3f}s {seconds / base:>7.2f}x floor")
    worst = max(seconds for _, seconds in rows[1:])
    print(f"  goal <= {goal:g} s: {'met' if worst <= goal else 'MISSED'} ({worst:.2f} s)")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-template-") as scratch:
        report(f"Render databricks-pipeline (median of {RENDERS})", render_times(Path(scratch)), goal=1.0)
        report(f"Rendered project tests (median of {TEST_RUNS})", test_times(Path(scratch)), goal=30.0)


if __name__ == "__main__":
    main()
