"""Variables: ${var.NAME} names a declared variable; every target gives every variable a value."""

from pathlib import Path

import pytest

from databricks_utils.bundle import BundleProblem, validate_bundle
from databricks_utils.bundle.variables import REFERENCE, referenced_variable


def only(report) -> BundleProblem:
    assert len(report.problems) == 1, report.format()
    return report.problems[0]


def test_a_reference_to_an_undeclared_variable_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "resources" / "orders_schema.yml", "name: ${var.schema}", "name: ${var.schemaa}")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_schema.yml",
        line=5,
        path="resources.schemas.orders.name",
        message="${var.schemaa} refers to variable 'schemaa', which is not declared (declared: catalog, schema, "
        "node_type). Fix: declare 'schemaa' under top-level 'variables:' or correct the name",
    )


def test_references_inside_text_and_lists_are_found(bundle: Path, edit) -> None:
    edit(bundle / "resources" / "orders_classic_job.yml", "data-team@example.com", "${var.team}@example.com")

    problem = only(validate_bundle(bundle))

    assert (problem.line, problem.path) == (9, "resources.jobs.orders_classic.email_notifications.on_failure[0]")


def test_the_long_form_variables_namespace_is_checked_too(bundle: Path, edit) -> None:
    edit(bundle / "resources" / "orders_schema.yml", "name: ${var.schema}", "name: ${variables.schema.value}")
    assert validate_bundle(bundle).ok

    edit(bundle / "resources" / "orders_schema.yml", "${variables.schema.value}", "${variables.shema.value}")
    assert "refers to variable 'shema'" in only(validate_bundle(bundle)).message


@pytest.mark.parametrize(
    "value",
    [
        "${bundle.name}_${workspace.current_user.short_name}",
        "${resources.jobs.orders.id}",
        "$${var.not_a_reference}",
        "${var}",
        "{{job.parameters.catalog}}",
    ],
)
def test_other_namespaces_and_escaped_references_are_left_alone(bundle: Path, edit, value: str) -> None:
    edit(
        bundle / "resources" / "orders_schema.yml",
        "comment: Medallion tables of the orders pipeline",
        f"comment: '{value}'",
    )

    assert validate_bundle(bundle).ok


def test_referenced_variable_reads_the_name() -> None:
    assert [match.group(1) for match in REFERENCE.finditer("${var.a}-${var.b[0].c}-$${var.c}")] == [
        "var.a",
        "var.b[0].c",
    ]
    assert referenced_variable("var.b[0].c") == "b"
    assert referenced_variable("variables.b.value") == "b"
    assert referenced_variable("workspace.host") is None
    assert referenced_variable("var") is None


def test_a_variable_a_target_leaves_unset_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "    variables:\n      catalog: prod\n", "")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=31,
        path="targets.prod.variables.catalog",
        message="variable 'catalog' has no default and target 'prod' gives it no value, so deploying 'prod' fails. "
        "Fix: write 'catalog: <value>' under targets.prod.variables or give variables.catalog a default",
    )


def test_every_target_is_checked_not_only_the_selected_one(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "      catalog: prod\n", "      schema: sales\n")

    problem = only(validate_bundle(bundle, target="dev"))

    assert (problem.line, problem.path) == (36, "targets.prod.variables.catalog")


@pytest.mark.parametrize(
    "value",
    [
        "      catalog: {default: prod}\n",
        "      catalog:\n        lookup:\n          metastore: main\n",
        "      catalog: 0\n",
    ],
)
def test_a_target_sets_a_variable_with_a_value_a_default_or_a_lookup(bundle: Path, edit, value: str) -> None:
    edit(bundle / "databricks.yml", "      catalog: prod\n", value)

    assert validate_bundle(bundle, target="prod").ok


def test_a_target_mapping_without_default_or_lookup_sets_nothing(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "      catalog: prod\n", "      catalog:\n        description: the prod one\n")

    assert only(validate_bundle(bundle)).path == "targets.prod.variables.catalog"


def test_a_lookup_or_a_default_at_the_top_needs_no_target_value(bundle: Path, edit) -> None:
    edit(
        bundle / "databricks.yml",
        "    description: Unity Catalog catalog of the medallion tables\n",
        "    lookup:\n      metastore: main\n",
    )
    edit(bundle / "databricks.yml", "    variables:\n      catalog: prod\n", "")

    assert validate_bundle(bundle).ok


def test_without_targets_a_variable_needs_a_default(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_text(
        "bundle:\n  name: b\nvariables:\n  catalog:\n    description: c\n  empty:\n  schema: plain\n"
    )

    report = validate_bundle(tmp_path)

    assert [(p.line, p.path) for p in report.problems] == [(4, "variables.catalog"), (6, "variables.empty")]
    assert report.problems[0].message == (
        "variable 'catalog' has neither a default nor a lookup, and there is no target to set it. "
        "Fix: give it a 'default:'"
    )


def test_a_target_variable_that_is_not_declared_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "      catalog: dev\n", "      catalog: dev\n      warehouse: small\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=31,
        path="targets.dev.variables.warehouse",
        message="target 'dev' sets variable 'warehouse', which is not declared under top-level 'variables'. "
        "Fix: declare 'warehouse' there (with a description) or correct the name",
    )


def test_complex_variables_take_a_mapping_from_the_target(tmp_path: Path, schema_file: Path) -> None:
    (tmp_path / "databricks.yml").write_text(
        """\
bundle:
  name: b
variables:
  cluster:
    description: the job cluster
    type: complex
    default:
      spark_version: 15.4.x-scala2.12
      node_type_id: small
      num_workers: 1
targets:
  dev:
    default: true
    variables:
      cluster:
        node_type_id: medium
  prod:
    variables:
      cluster:
        default:
          node_type_id: large
resources:
  jobs:
    nightly:
      name: nightly
      job_clusters:
        - job_cluster_key: main
          new_cluster: ${var.cluster}
      tasks:
        - task_key: run
          job_cluster_key: main
          spark_python_task:
            python_file: run.py
"""
    )

    for target in ("dev", "prod"):
        report = validate_bundle(tmp_path, target=target, schema=schema_file)
        assert report.ok, report.format()
