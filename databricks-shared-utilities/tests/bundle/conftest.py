"""A realistic bundle written to tmp_path, and helpers to break it one way at a time.

The bundle: ``databricks.yml`` with variables, an artifact, targets dev (development, default) and prod
(production, with permissions and run_as); ``include: resources/*.yml`` with a serverless job (three
python_wheel_task tasks bronze -> silver -> gold on an environment, a schedule, parameters), the same job on a
classic job cluster, and a Unity Catalog schema.
"""

from collections.abc import Callable
from pathlib import Path

import pytest

from databricks_utils.bundle import SCHEMA_ENV_VAR

DATABRICKS_YML = """\
bundle:
  name: orders_pipeline

include:
  - resources/*.yml

variables:
  catalog:
    description: Unity Catalog catalog of the medallion tables
  schema:
    description: Schema of the medallion tables
    default: orders
  node_type:
    description: Node type of the classic job cluster
    default: Standard_DS3_v2

artifacts:
  orders_wheel:
    type: whl
    build: uv build --wheel
    path: .

targets:
  dev:
    mode: development
    default: true
    workspace:
      host: https://adb-1234567890123456.7.azuredatabricks.net
    variables:
      catalog: dev
  prod:
    mode: production
    workspace:
      host: https://adb-1234567890123456.7.azuredatabricks.net
      root_path: /Workspace/Shared/.bundle/${bundle.name}/${bundle.target}
    variables:
      catalog: prod
    permissions:
      - group_name: data-engineers
        level: CAN_MANAGE
    run_as:
      service_principal_name: 9f0c2c1e-8d4e-4a43-9d53-1c1f4b2d7e11
"""

SERVERLESS_JOB_YML = """\
resources:
  jobs:
    orders:
      name: orders_medallion_${bundle.target}
      schedule:
        quartz_cron_expression: "0 0 6 * * ?"
        timezone_id: Europe/Amsterdam
        pause_status: UNPAUSED
      parameters:
        - name: catalog
          default: ${var.catalog}
        - name: schema
          default: ${var.schema}
      environments:
        - environment_key: default
          spec:
            environment_version: "2"
            dependencies:
              - ../dist/*.whl
      tasks:
        - task_key: bronze
          environment_key: default
          python_wheel_task:
            package_name: orders_pipeline
            entry_point: bronze
            parameters: ["--catalog", "${var.catalog}", "--schema", "${var.schema}"]
        - task_key: silver
          depends_on:
            - task_key: bronze
          environment_key: default
          python_wheel_task:
            package_name: orders_pipeline
            entry_point: silver
            parameters: ["--catalog", "${var.catalog}", "--schema", "${var.schema}"]
        - task_key: gold
          depends_on:
            - task_key: silver
          environment_key: default
          python_wheel_task:
            package_name: orders_pipeline
            entry_point: gold
            parameters: ["--catalog", "${var.catalog}", "--schema", "${var.schema}"]
"""

CLASSIC_JOB_YML = """\
resources:
  jobs:
    orders_classic:
      name: orders_medallion_classic_${bundle.target}
      max_concurrent_runs: 1
      timeout_seconds: 3600
      email_notifications:
        on_failure:
          - data-team@example.com
      job_clusters:
        - job_cluster_key: medallion
          new_cluster:
            spark_version: 15.4.x-scala2.12
            node_type_id: ${var.node_type}
            num_workers: 2
            data_security_mode: SINGLE_USER
      tasks:
        - task_key: bronze
          job_cluster_key: medallion
          python_wheel_task:
            package_name: orders_pipeline
            entry_point: bronze
          libraries:
            - whl: ../dist/*.whl
        - task_key: silver
          depends_on:
            - task_key: bronze
          job_cluster_key: medallion
          python_wheel_task:
            package_name: orders_pipeline
            entry_point: silver
          libraries:
            - whl: ../dist/*.whl
        - task_key: gold
          depends_on:
            - task_key: silver
          job_cluster_key: medallion
          python_wheel_task:
            package_name: orders_pipeline
            entry_point: gold
          libraries:
            - whl: ../dist/*.whl
"""

SCHEMA_YML = """\
resources:
  schemas:
    orders:
      catalog_name: ${var.catalog}
      name: ${var.schema}
      comment: Medallion tables of the orders pipeline
"""


def _schema_file() -> Path | None:
    repo = Path(__file__).resolve().parents[3]
    for candidate in (
        repo.parent / "shared" / "schemas" / "databricks-bundle.schema.json",
        Path("/work/shared/schemas/databricks-bundle.schema.json"),
    ):
        if candidate.is_file():
            return candidate
    return None


@pytest.fixture(autouse=True)
def no_ambient_schema(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No schema from the environment: no $DATABRICKS_BUNDLE_SCHEMA, no `databricks` on PATH."""
    monkeypatch.delenv(SCHEMA_ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("empty_path")))


@pytest.fixture
def schema_file() -> Path:
    """The official bundle schema, read from ../shared/schemas (never copied into the repository)."""
    found = _schema_file()
    if found is None:
        pytest.skip("databricks-bundle.schema.json is in neither <repo>/../shared/schemas nor /work/shared/schemas")
    return found


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """The valid bundle's root folder."""
    root = tmp_path / "orders_pipeline"
    (root / "resources").mkdir(parents=True)
    (root / "databricks.yml").write_text(DATABRICKS_YML)
    (root / "resources" / "orders_job.yml").write_text(SERVERLESS_JOB_YML)
    (root / "resources" / "orders_classic_job.yml").write_text(CLASSIC_JOB_YML)
    (root / "resources" / "orders_schema.yml").write_text(SCHEMA_YML)
    return root


@pytest.fixture
def edit() -> Callable[[Path, str, str], None]:
    """``edit(file, old, new)``: replace the one occurrence of ``old`` in ``file``."""

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text()
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        path.write_text(text.replace(old, new))

    return replace


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line of ``path`` containing ``needle``."""
    hits = [number for number, line in enumerate(path.read_text().splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


@pytest.fixture
def line() -> Callable[..., int]:
    """``line(path, needle, occurrence=1)``: where a text is written, to assert exact problem lines."""
    return line_of
