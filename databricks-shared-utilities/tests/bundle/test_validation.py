"""validate_bundle end to end: the realistic bundle passes every check; problems are sorted, placed and unique."""

from pathlib import Path

from databricks_utils.bundle import BundleProblem, validate_bundle


def test_the_realistic_bundle_passes_the_structural_checks(bundle: Path) -> None:
    report = validate_bundle(bundle)

    assert report.problems == ()
    assert report.ok
    assert report.bundle_name == "orders_pipeline"
    assert report.targets == ("dev", "prod")
    assert report.target == "dev"  # the default target's view was checked too
    assert report.resource_count == 3
    assert report.schema_source is None
    assert (
        report.format().splitlines()[0] == "OK: orders_pipeline: 3 resources, targets: dev, prod (schema: not checked)"
    )


def test_the_realistic_bundle_passes_the_json_schema_in_every_target(bundle: Path, schema_file: Path) -> None:
    for target in ("dev", "prod"):
        report = validate_bundle(bundle, schema=schema_file, target=target)

        assert report.problems == (), report.format()
        assert report.target == target
        assert report.schema_source == str(schema_file)
        assert report.notes == ()
        assert report.format() == (f"OK: orders_pipeline: 3 resources, targets: dev, prod (schema: {schema_file})")


def test_the_classic_variant_alone_passes_too(bundle: Path, schema_file: Path) -> None:
    (bundle / "resources" / "orders_job.yml").unlink()

    report = validate_bundle(bundle, schema=schema_file, target="prod")

    assert report.ok, report.format()
    assert report.resource_count == 2


def test_the_root_defaults_to_the_current_folder(bundle: Path, monkeypatch) -> None:
    monkeypatch.chdir(bundle)

    report = validate_bundle()

    assert report.ok
    assert report.root == "."


def test_a_missing_root_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    report = validate_bundle(tmp_path)

    assert not report.ok
    assert report.bundle_name is None
    assert report.resource_count == 0
    assert report.problems == (
        BundleProblem(
            file="databricks.yml",
            line=None,
            path="",
            message=f"no bundle configuration in {tmp_path} (looked for databricks.yml, databricks.yaml, "
            "bundle.yml). Fix: run from the bundle's folder or pass it as ROOT",
        ),
    )


def test_problems_are_sorted_by_file_and_line(bundle: Path, edit, line) -> None:
    job = bundle / "resources" / "orders_job.yml"
    edit(job, "            - task_key: silver", "            - task_key: silverr")
    edit(bundle / "databricks.yml", "mode: production", "mode: prod")
    edit(job, "            - task_key: bronze", "            - task_key: bronzee")

    report = validate_bundle(bundle)

    assert [(p.file, p.line) for p in report.problems] == [
        ("databricks.yml", line(bundle / "databricks.yml", "mode: prod")),
        ("resources/orders_job.yml", line(job, "task_key: bronzee")),
        ("resources/orders_job.yml", line(job, "task_key: silverr")),
    ]
    assert report.format().splitlines()[-2] == f"3 problems in the bundle at {bundle}"


def test_a_problem_seen_by_the_root_and_the_target_view_is_reported_once(bundle: Path, edit) -> None:
    edit(
        bundle / "resources" / "orders_job.yml",
        "- task_key: silver\n          environment",
        "- task_key: silver\n          retries: 2\n          environment",
    )

    report = validate_bundle(bundle, target="prod")

    assert [p.path for p in report.problems] == ["resources.jobs.orders.tasks[2].retries"]


def test_the_schema_message_replaces_the_typed_class_one_at_the_same_line(
    bundle: Path, edit, schema_file: Path
) -> None:
    edit(bundle / "resources" / "orders_classic_job.yml", "max_concurrent_runs: 1", "max_concurrent_runs: many")

    structural = validate_bundle(bundle)
    with_schema = validate_bundle(bundle, schema=schema_file)

    assert [p.message.split(":")[0] for p in structural.problems] == ["does not load as a Job (databricks-bundles)"]
    assert [p.message for p in with_schema.problems] == [
        "expected integer or a ${...} reference, got 'many' (JSON schema). Fix: write a value of that type"
    ]


def test_the_target_view_finds_what_only_the_override_breaks(bundle: Path, edit, line) -> None:
    databricks_yml = bundle / "databricks.yml"
    edit(
        databricks_yml,
        "      catalog: prod\n",
        "      catalog: prod\n    resources:\n      jobs:\n        orders:\n          tasks:\n"
        "            - task_key: gold\n              depends_on:\n                - task_key: platinum\n",
    )

    assert validate_bundle(bundle, target="dev").ok
    report = validate_bundle(bundle, target="prod")

    assert report.problems == (
        BundleProblem(
            file="databricks.yml",
            line=line(databricks_yml, "task_key: platinum"),
            path="resources.jobs.orders.tasks[2].depends_on[1].task_key",
            message="task 'gold' depends on 'platinum', which is not a task of job 'orders' (tasks: bronze, silver, "
            "gold). Fix: use one of those task keys",
        ),
    )


def test_no_target_view_without_a_default_target(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "    default: true\n", "")

    report = validate_bundle(bundle)

    assert report.target is None
    assert [p.path for p in report.problems] == ["targets"]
