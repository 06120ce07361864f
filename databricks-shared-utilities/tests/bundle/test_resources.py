"""Resources load into the databricks-bundles typed classes; failures are placed at the key that caused them."""

import sys
from pathlib import Path

import pytest

from databricks_utils.bundle import BundleProblem, validate_bundle
from databricks_utils.bundle.resources import RESOURCE_CLASSES
from databricks_utils.errors.exceptions import DependencyMissingError

JOB_FIX_TYPE = "Fix: write a value of the type the field expects"


def only(report) -> BundleProblem:
    assert len(report.problems) == 1, report.format()
    return report.problems[0]


def write(root: Path, resources: str) -> Path:
    (root / "databricks.yml").write_text(
        "bundle:\n  name: b\nvariables:\n  hours:\n    default: 1\n  mode:\n    default: ALL\nresources:\n" + resources
    )
    return root


def test_the_table_covers_every_resource_type_of_the_library() -> None:
    from databricks.bundles.core._resource_type import _ResourceType  # the library's own (private) list

    library = {
        t.plural_name: (t.resource_type.__module__.split("._models")[0], t.resource_type.__name__)
        for t in _ResourceType.all()
    }

    assert library == RESOURCE_CLASSES


def test_an_unknown_field_is_placed_at_its_key(bundle: Path, edit, line) -> None:
    job = bundle / "resources" / "orders_job.yml"
    edit(
        job,
        "- task_key: silver\n          depends_on",
        "- task_key: silver\n          retries: 2\n          depends_on",
    )

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_job.yml",
        line=line(job, "retries: 2"),
        path="resources.jobs.orders.tasks[1].retries",
        message="does not load as a Job (databricks-bundles): Unexpected field 'retries' for class Task. "
        "Fix: remove the key or correct its spelling",
    )


def test_a_value_of_the_wrong_type_is_placed_at_its_key(bundle: Path, edit) -> None:
    edit(bundle / "resources" / "orders_classic_job.yml", "num_workers: 2", "num_workers: two")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_classic_job.yml",
        line=15,
        path="resources.jobs.orders_classic.job_clusters[0].new_cluster.num_workers",
        message="does not load as a Job (databricks-bundles): invalid literal for int() with base 10: 'two'. "
        + JOB_FIX_TYPE,
    )


def test_a_value_outside_an_enum_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "resources" / "orders_job.yml", "pause_status: UNPAUSED", "pause_status: STOPPED")

    assert only(validate_bundle(bundle)).message == (
        "does not load as a Job (databricks-bundles): 'STOPPED' is not a valid PauseStatus. "
        "Fix: use one of the values the field accepts"
    )


def test_a_missing_required_field_is_placed_at_its_mapping(bundle: Path, edit, line) -> None:
    job = bundle / "resources" / "orders_job.yml"
    edit(job, "        - task_key: gold\n", "        - description: gold\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_job.yml",
        line=line(job, "description: gold"),
        path="resources.jobs.orders.tasks[2]",
        message="does not load as a Job (databricks-bundles): Task.__init__() missing 1 required keyword-only "
        "argument: 'task_key'. Fix: add the missing field",
    )


def test_a_mapping_where_a_list_belongs_is_placed_at_the_key(bundle: Path, edit) -> None:
    edit(
        bundle / "resources" / "orders_classic_job.yml",
        "        on_failure:\n          - data-team@example.com",
        "        - data-team@example.com",
    )

    problem = only(validate_bundle(bundle))

    assert (problem.line, problem.path) == (7, "resources.jobs.orders_classic.email_notifications")
    assert problem.message == (
        "does not load as a Job (databricks-bundles): Unexpected type: JobEmailNotifications for "
        f"['data-team@example.com']. {JOB_FIX_TYPE}"
    )


def test_every_error_of_a_resource_is_reported(bundle: Path, edit) -> None:
    classic = bundle / "resources" / "orders_classic_job.yml"
    edit(classic, "num_workers: 2", "num_workers: two")
    edit(classic, "max_concurrent_runs: 1", "max_concurrent_runs: one\n      colour: blue")

    report = validate_bundle(bundle)

    assert [(p.line, p.path.rsplit(".", 1)[-1]) for p in report.problems] == [
        (5, "max_concurrent_runs"),
        (6, "colour"),
        (16, "num_workers"),
    ]


def test_references_are_accepted_wherever_they_are_the_whole_value(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
  jobs:
    refs:
      name: refs
      max_concurrent_runs: ${var.hours}
      tags: ${var.mode}
      tasks:
        - task_key: a
          run_if: ${var.mode}
          max_retries: ${var.hours}
          notebook_task: {notebook_path: ./a}
        - ${var.mode}
""",
    )

    assert validate_bundle(tmp_path).ok


def test_references_inside_text_are_accepted_where_the_classes_want_a_number_or_an_enum(tmp_path: Path) -> None:
    # The CLI resolves "${var.hours}0" to "10" before it types the value; the typed classes would say
    # "invalid literal for int()". Such values are checked as if they were the bare reference.
    write(
        tmp_path,
        """\
  jobs:
    refs:
      name: refs
      timeout_seconds: ${var.hours}0
      tasks:
        - task_key: a
          run_if: ${var.mode}_SUCCESS
          max_retries: nine
          notebook_task: {notebook_path: ./a}
""",
    )

    problem = only(validate_bundle(tmp_path))

    assert (problem.line, problem.path) == (16, "resources.jobs.refs.tasks[0].max_retries")


def test_pipelines_schemas_and_volumes_are_loaded_too(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
  pipelines:
    silver:
      name: silver
      catalog: main
      serverless: maybe
      libraries:
        - glob:
            include: ../src/silver/**
  schemas:
    sales:
      catalog_name: main
      name: sales
      grants: all
  volumes:
    raw:
      catalog_name: main
      schema_name: sales
      name: raw
      volume_type: MANAGED
""",
    )

    report = validate_bundle(tmp_path)

    assert [(p.line, p.path, p.message.split(": ", 1)[0]) for p in report.problems] == [
        (13, "resources.pipelines.silver.serverless", "does not load as a Pipeline (databricks-bundles)"),
        (21, "resources.schemas.sales.grants", "does not load as a Schema (databricks-bundles)"),
    ]


def test_a_whole_resource_of_the_wrong_shape_is_one_problem(tmp_path: Path) -> None:
    write(tmp_path, "  jobs:\n    empty:\n    text: ${var.mode}\n  schemas: {}\n  volumes: [raw]\n")

    report = validate_bundle(tmp_path)

    assert [(p.line, p.path) for p in report.problems] == [(10, "resources.jobs.empty"), (11, "resources.jobs.text")]
    assert report.problems[0].message == (
        f"does not load as a Job (databricks-bundles): Unexpected type: Job for None. {JOB_FIX_TYPE}"
    )


def test_a_kind_without_a_typed_class_gets_a_note(tmp_path: Path) -> None:
    write(tmp_path, "  postgres_projects:\n    main:\n      display_name: main\n")

    report = validate_bundle(tmp_path)

    assert report.ok
    assert report.notes[0] == (
        "resources.postgres_projects not loaded into typed classes: the installed databricks-bundles has no class "
        "for them (the JSON schema still checks them)"
    )


def test_an_older_library_without_a_kind_gets_a_note(bundle: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "databricks.bundles.schemas", None)  # as if that module did not exist

    report = validate_bundle(bundle)

    assert report.ok
    assert report.notes[0].startswith("resources.schemas not loaded into typed classes: ")


def test_at_most_twenty_problems_per_resource(tmp_path: Path) -> None:
    fields = "".join(f"      field_{number:02}: 1\n" for number in range(25))
    write(tmp_path, f"  jobs:\n    noisy:\n      name: noisy\n{fields}")

    report = validate_bundle(tmp_path)

    assert [p.path for p in report.problems] == [f"resources.jobs.noisy.field_{number:02}" for number in range(20)]


def test_without_databricks_bundles_the_install_command_is_given(bundle: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "databricks.bundles", None)  # what an environment without the library sees

    with pytest.raises(DependencyMissingError, match=r"pip install 'databricks-utils\[bundle\]'"):
        validate_bundle(bundle)
