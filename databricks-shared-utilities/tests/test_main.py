"""The `databricks-utils` command, run as a real subprocess the way users run it."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess


def run(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DBX_")}
    return subprocess.run(
        [sys.executable, "-m", "databricks_utils", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=clean | env,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    (config / "project.yaml").write_text(
        "name: orders\ncatalog:\n  catalog: main\n  schema: sales\nsecrets:\n  api_key: ${ORDERS_KEY:-s3cr3t-value}\n"
    )
    (config / "dev.yaml").write_text("spark:\n  shuffle_partitions: 8\n")
    return tmp_path


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("install-delta", "config-show", "config-explain", "doctor", "connect-server"):
        assert command in result.stdout


def test_no_command_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert "usage: databricks-utils" in result.stderr


def test_config_show_prints_resolved_json_without_secrets(project: Path) -> None:
    result = run("config-show", "--env", "dev", cwd=project)
    assert result.returncode == 0, result.stderr
    assert '"shuffle_partitions": 8' in result.stdout
    assert '"schema": "sales"' in result.stdout
    assert "s3cr3t-value" not in result.stdout
    assert "**********" in result.stdout


def test_config_explain_names_file_and_line(project: Path) -> None:
    result = run("config-explain", "--env", "dev", "--config-dir", str(project / "config"))
    assert result.returncode == 0, result.stderr
    assert "dev.yaml:2" in result.stdout
    assert "spark.shuffle_partitions" in result.stdout
    assert "s3cr3t-value" not in result.stdout


def test_malformed_yaml_is_one_line_error_without_traceback(project: Path) -> None:
    (project / "config" / "dev.yaml").write_text("spark:\n  shuffle_partitions: [1\n")
    result = run("config-show", "--env", "dev", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("databricks-utils config-show: error: ")
    assert "dev.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_env_suggests_the_right_one(project: Path) -> None:
    result = run("config-show", "--env", "prd", cwd=project)
    assert result.returncode == 1
    assert "prod" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_type_names_file_line_field_and_value(project: Path) -> None:
    (project / "config" / "dev.yaml").write_text("spark:\n  shuffle_partitions: many\n")
    result = run("config-show", "--env", "dev", cwd=project)
    assert result.returncode == 1
    assert "dev.yaml:2" in result.stderr
    assert "spark.shuffle_partitions" in result.stderr
    assert "'many'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unset_variable_names_the_variable_and_the_fix(project: Path) -> None:
    (project / "config" / "dev.yaml").write_text("spark:\n  master: ${SPARK_MASTER_URL}\n")
    result = run("config-show", "--env", "dev", cwd=project)
    assert result.returncode == 1
    assert "SPARK_MASTER_URL" in result.stderr
    assert "dev.yaml:2" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_verbose_shows_the_traceback(project: Path) -> None:
    result = run("--verbose", "config-show", "--env", "prd", cwd=project)
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_install_delta_with_a_complete_cache_starts_no_jvm() -> None:
    result = run("install-delta")
    assert result.returncode == 0, result.stderr
    assert "Delta Lake jars for io.delta:delta-spark_" in result.stdout


def test_install_delta_without_delta_spark_says_how_to_install(tmp_path: Path) -> None:
    # A Python that lacks delta-spark: run the module with the package importable but the
    # distribution metadata hidden, by pointing importlib.metadata at an empty site.
    code = (
        "import importlib.metadata as m, sys\n"
        "real = m.version\n"
        "def fake(name):\n"
        "    if name == 'delta-spark': raise m.PackageNotFoundError(name)\n"
        "    return real(name)\n"
        "m.version = fake\n"
        "from databricks_utils.__main__ import main\n"
        "sys.exit(main(['install-delta']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 1
    assert "pip install 'databricks-utils[local]'" in result.stderr


def test_doctor_reports_each_check(project: Path) -> None:
    result = run("doctor", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines] == ["java", "pyspark", "delta-spark", "delta", "spark"]
    assert "local: local (no cluster, Connect URL or workspace configured)" in result.stdout


def test_doctor_fails_with_fixes(project: Path, tmp_path: Path) -> None:
    (project / "config" / "dev.yaml").write_text("spark: [oops\n")
    no_jars = str(tmp_path / "empty")
    result = run("doctor", "--env", "dev", cwd=project, DATABRICKS_UTILS_JARS_DIR=no_jars, JAVA_HOME=str(tmp_path))
    assert result.returncode == 1
    assert "FAIL  java" in result.stdout
    assert "install OpenJDK 17" in result.stdout
    assert "FAIL  delta jars" in result.stdout
    assert "databricks-utils install-delta" in result.stdout
    assert "FAIL  config" in result.stdout


@pytest.mark.spark
@pytest.mark.slow
def test_connect_server_runs_until_interrupted() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DBX_")}
    with subprocess.Popen(
        [sys.executable, "-m", "databricks_utils", "connect-server", "--no-delta"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean,
    ) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Spark Connect server at sc://127.0.0.1:")
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "stopping" in out


# validate-bundle

BUNDLE_YML = """\
bundle:
  name: orders
variables:
  catalog:
    description: the catalog
targets:
  dev:
    mode: development
    default: true
    variables:
      catalog: dev
  prod:
    mode: production
    variables:
      catalog: prod
resources:
  jobs:
    nightly:
      name: nightly
      tasks:
        - task_key: extract
          notebook_task:
            notebook_path: ./extract
        - task_key: load
          depends_on:
            - task_key: extract
          notebook_task:
            notebook_path: ./load
"""


def run_bundle(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``databricks-utils validate-bundle``, with no schema from the environment (no CLI on PATH, no env var)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABRICKS_BUNDLE_SCHEMA", "PATH")}
    return subprocess.run(
        [sys.executable, "-m", "databricks_utils", "validate-bundle", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=clean | {"PATH": str(Path(sys.executable).parent)},
        timeout=120,
    )


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "orders"
    root.mkdir()
    (root / "databricks.yml").write_text(BUNDLE_YML)
    return root


def official_schema() -> Path:
    repo = Path(__file__).resolve().parents[2]
    for candidate in (
        repo.parent / "shared" / "schemas" / "databricks-bundle.schema.json",
        Path("/work/shared/schemas/databricks-bundle.schema.json"),
    ):
        if candidate.is_file():
            return candidate
    pytest.skip("databricks-bundle.schema.json is in neither <repo>/../shared/schemas nor /work/shared/schemas")


def test_help_lists_validate_bundle() -> None:
    result = run("validate-bundle", "--help")
    assert result.returncode == 0
    assert "--schema" in result.stdout
    assert "--target" in result.stdout
    assert "validate-bundle" in run("--help").stdout


def test_validate_bundle_prints_ok_and_exits_0(bundle: Path) -> None:
    result = run_bundle(cwd=bundle)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "OK: orders: 1 resource, targets: dev, prod (schema: not checked)"
    assert lines[1].startswith("note: JSON schema not checked: ")
    assert result.stderr == ""


def test_validate_bundle_with_the_official_schema_and_a_target(bundle: Path) -> None:
    schema = official_schema()
    result = run_bundle(str(bundle), "--schema", str(schema), "-t", "prod")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"OK: orders: 1 resource, targets: dev, prod (schema: {schema})\n"


def test_validate_bundle_prints_each_problem_and_exits_1(bundle: Path) -> None:
    text = BUNDLE_YML.replace("            - task_key: extract", "            - task_key: extrac")
    (bundle / "databricks.yml").write_text(text.replace("mode: production", "mode: prod"))
    result = run_bundle(str(bundle))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:3] == [
        "databricks.yml:13: targets.prod.mode: mode 'prod' is not a deployment mode. Fix: write 'mode: "
        "development' or 'mode: production', or remove the line",
        "databricks.yml:26: resources.jobs.nightly.tasks[1].depends_on[0].task_key: task 'load' depends on "
        "'extrac', which is not a task of job 'nightly' (tasks: extract, load). Fix: use one of those task keys",
        f"2 problems in the bundle at {bundle}",
    ]
    assert "Traceback" not in result.stderr


def test_validate_bundle_without_databricks_yml_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = run_bundle(str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"databricks.yml: no bundle configuration in {tmp_path} (looked for ")
    assert result.stderr == ""


def test_validate_bundle_reports_a_yaml_syntax_error_at_its_line(bundle: Path) -> None:
    (bundle / "databricks.yml").write_text("bundle:\n  name: [orders\n")
    result = run_bundle(str(bundle))
    assert result.returncode == 1
    assert result.stdout.startswith("databricks.yml:3: YAML syntax error: ")
    assert result.stderr == ""


def test_validate_bundle_unknown_target_exits_1(bundle: Path) -> None:
    result = run_bundle(str(bundle), "--target", "staging")
    assert result.returncode == 1
    assert "target 'staging' does not exist; the bundle defines: dev, prod" in result.stdout


def test_validate_bundle_missing_schema_file_is_a_one_line_error(bundle: Path, tmp_path: Path) -> None:
    result = run_bundle(str(bundle), "--schema", str(tmp_path / "nope.json"))
    assert result.returncode == 1
    assert result.stderr.startswith("databricks-utils validate-bundle: error: --schema: schema file ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_validate_bundle_usage_errors_exit_2(bundle: Path) -> None:
    for args in (("a", "b"), ("--target",), ("--no-such-option",)):
        result = run_bundle(*args, cwd=bundle)
        assert result.returncode == 2, args
        assert result.stderr.startswith("usage: databricks-utils"), args
        assert "Traceback" not in result.stderr
