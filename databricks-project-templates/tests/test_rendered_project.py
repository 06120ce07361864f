"""A rendered project, as a user gets it: its own fresh .venv, `make install`, `make lint`, `make validate`,
`make run` twice (Delta tables with the expected rows, then nothing changed), and `make test`.

Real subprocesses, real uv, real local Spark and Delta. Slow (minutes): it is the proof that the template works.
The project installs databricks-utils from this checkout, as recorded at render time.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from databricks_project_templates import render_template

REPO = Path(__file__).resolve().parents[2]
VARIANTS = {
    "defaults": {},
    "all-switches-on": {
        "project_name": "Shop Events",
        "streaming_ingestion": "yes",
        "ml_feature_table": "yes",
        "dashboard": "yes",
        "databricks_app": "yes",
        "source_format": "json",
        "compute": "classic",
        "ci_provider": "gitlab",
    },
}
# What the sample data must produce (see the rendered tests/integration/test_pipeline.py for why).
EXPECTED_ROWS = {"bronze": 42, "silver": 32, "quarantine": 8}

STATE_SCRIPT = textwrap.dedent(
    """
    import json, logging
    from pathlib import Path
    from {package}.runner import open_run
    logging.disable(logging.CRITICAL)
    run = open_run("local", Path("."))
    state = {{}}
    for name in {tables!r}:
        table = run.table(name)
        version = run.spark.sql(f"DESCRIBE HISTORY {{table}}").agg({{"version": "max"}}).first()[0]
        state[name] = [run.spark.table(table).count(), version]
    print("STATE " + json.dumps(state))
    """
)


def clean_env() -> dict[str, str]:
    """This process's environment without the monorepo's virtualenv, so the project uses its own .venv."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "UV_PROJECT", "COV"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return env


def make(project: Path, *targets: str, **variables: str) -> str:
    command = ["make", *targets, *(f"{key}={value}" for key, value in variables.items())]
    result = subprocess.run(command, cwd=project, env=clean_env(), capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed in {project}:\n{output[-6000:]}"
    return output


def table_state(project: Path, package: str, tables: list[str]) -> dict[str, list[int]]:
    script = STATE_SCRIPT.format(package=package, tables=tables)
    result = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", script],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("STATE ")]
    return json.loads(line.removeprefix("STATE "))


@pytest.mark.timeout(1800)  # install, two pipeline runs and the project's suite: ~5 min on 2 cores
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_rendered_project_installs_runs_twice_idempotently_and_passes_its_tests(tmp_path, bundle_schema, variant):
    answers = {"python_version": f"{sys.version_info.major}.{sys.version_info.minor}", **VARIANTS[variant]}
    project = render_template("databricks-pipeline", tmp_path, answers)
    recorded = json.loads((project / ".databricks-template.json").read_text(encoding="utf-8"))
    assert Path(recorded["databricks_utils_source"]) == REPO / "databricks-shared-utilities"

    make(project, "install")
    make(project, "lint")
    assert "OK:" in make(project, "validate", BUNDLE_SCHEMA=str(bundle_schema))

    first = make(project, "run")
    assert "appended_rows=42" in first
    assert "valid_rows=32 quarantined_rows=8 warned_rows=2" in first
    tables = ["bronze", "silver", "quarantine", "daily_sales", "customer_summary"]
    if recorded["ml_feature_table"] == "yes":
        tables.append("customer_features")
    after_first = table_state(project, recorded["package_name"], tables)
    assert {name: after_first[name][0] for name in EXPECTED_ROWS} == EXPECTED_ROWS
    assert all(after_first[name][0] > 0 for name in tables)

    second = make(project, "run")
    assert "appended_rows=0" in second
    assert "tables_rewritten=0" in second
    assert table_state(project, recorded["package_name"], tables) == after_first

    assert " passed" in make(project, "test")
