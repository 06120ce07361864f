"""Structural checks: bundle.name, top-level keys, target modes, the one default target, --target."""

import json
from pathlib import Path

from databricks_utils.bundle import BundleProblem, validate_bundle
from databricks_utils.bundle.structure import TOP_LEVEL_KEYS


def only(report) -> BundleProblem:
    assert len(report.problems) == 1, report.format()
    return report.problems[0]


def test_the_top_level_keys_are_the_schema_roots_properties(schema_file: Path) -> None:
    schema = json.loads(schema_file.read_text())

    assert set(schema["properties"]) == TOP_LEVEL_KEYS


def test_a_missing_bundle_name_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "  name: orders_pipeline\n", "  uuid: 3f1e\n")

    report = validate_bundle(bundle)

    assert only(report) == BundleProblem(
        file="databricks.yml",
        line=1,
        path="bundle.name",
        message="bundle.name is missing; the CLI needs it to name the deployment. "
        "Fix: write 'bundle:' then '  name: my_bundle' in databricks.yml",
    )
    assert report.bundle_name is None


def test_an_empty_or_non_text_bundle_name_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "  name: orders_pipeline\n", "  name: ''\n")
    assert only(validate_bundle(bundle)).message.startswith("bundle.name is the value '', not a name;")

    edit(bundle / "databricks.yml", "  name: ''\n", "  name: [a]\n")
    problem = only(validate_bundle(bundle))
    assert (problem.line, problem.message[:36]) == (2, "bundle.name is a list, not a name; t")


def test_no_bundle_section_at_all(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "bundle:\n  name: orders_pipeline\n", "")

    problem = only(validate_bundle(bundle))

    assert (problem.file, problem.line, problem.path) == ("databricks.yml", None, "bundle.name")


def test_an_unknown_top_level_key_is_a_problem_with_a_suggestion(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "artifacts:", "artifact:")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=17,
        path="artifact",
        message="unknown top-level key 'artifact'; the CLI rejects it. Fix: did you mean 'artifacts'? Top-level keys "
        "are artifacts, bundle, environments, experimental, include, permissions, presets, python, resources, "
        "run_as, scripts, sync, targets, variables, workspace",
    )


def test_an_unknown_top_level_key_in_an_include_is_placed_there(bundle: Path) -> None:
    (bundle / "resources" / "z_odd.yml").write_text("zzz_settings: {}\n")

    problem = only(validate_bundle(bundle))

    assert (problem.file, problem.line, problem.path) == ("resources/z_odd.yml", 1, "zzz_settings")
    assert "did you mean" not in problem.message


def test_a_mode_that_is_not_a_deployment_mode_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "mode: production", "mode: prod")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=32,
        path="targets.prod.mode",
        message="mode 'prod' is not a deployment mode. Fix: write 'mode: development' or 'mode: production', "
        "or remove the line",
    )


def test_a_target_without_mode_is_fine(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "    mode: production\n", "")

    assert validate_bundle(bundle).ok


def test_two_default_targets_are_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "    mode: production\n", "    mode: production\n    default: true\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=33,
        path="targets.prod.default",
        message="targets dev, prod are all marked 'default: true'; the CLI needs exactly one. "
        "Fix: keep 'default: true' on dev only",
    )


def test_several_targets_and_no_default_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "    default: true\n", "    default: false\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=23,
        path="targets",
        message="none of the targets (dev, prod) has 'default: true', so every CLI command would need '-t NAME'. "
        "Fix: add 'default: true' to one target (usually the development one)",
    )


def test_a_single_target_needs_no_default(bundle: Path, edit) -> None:
    text = (bundle / "databricks.yml").read_text()
    (bundle / "databricks.yml").write_text(text[: text.index("  prod:")].replace("    default: true\n", ""))

    report = validate_bundle(bundle)

    assert report.ok, report.format()
    assert report.target == "dev"  # the CLI selects the only target


def test_targets_must_be_mappings(bundle: Path, edit) -> None:
    edit(
        bundle / "databricks.yml",
        "    description: Unity Catalog catalog of the medallion tables\n",
        "    default: main\n",
    )
    text = (bundle / "databricks.yml").read_text()
    (bundle / "databricks.yml").write_text(text[: text.index("targets:")] + "targets: [dev, prod]\n")

    assert only(validate_bundle(bundle)).message == (
        "'targets' must map target names to settings, got a list. Fix: write 'targets:' then '  dev:' with its "
        "settings indented below"
    )

    (bundle / "databricks.yml").write_text(text[: text.index("targets:")] + "targets:\n  dev: yes please\n")
    problem = only(validate_bundle(bundle))
    assert (problem.line, problem.path) == (24, "targets.dev")
    assert problem.message == (
        "target 'dev' must be a mapping of settings, got the value 'yes please'. Fix: write 'mode:', 'default:', "
        "'workspace:'... indented under it"
    )


def test_an_empty_target_is_allowed(bundle: Path, edit) -> None:
    edit(
        bundle / "databricks.yml",
        "    description: Unity Catalog catalog of the medallion tables\n",
        "    default: main\n",
    )
    text = (bundle / "databricks.yml").read_text()
    (bundle / "databricks.yml").write_text(text[: text.index("targets:")] + "targets:\n  dev:\n")

    report = validate_bundle(bundle)

    assert report.ok, report.format()
    assert report.target == "dev"


def test_the_target_asked_for_must_exist(bundle: Path) -> None:
    report = validate_bundle(bundle, target="staging")

    assert only(report) == BundleProblem(
        file="databricks.yml",
        line=23,
        path="targets",
        message="target 'staging' does not exist; the bundle defines: dev, prod. Fix: pass one of them to --target",
    )
    assert report.target is None


def test_a_target_asked_for_in_a_bundle_without_targets(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: b\n")

    problem = only(validate_bundle(tmp_path, target="dev"))

    assert (problem.line, problem.path) == (None, "targets")
    assert problem.message == (
        "target 'dev' does not exist; the bundle defines no targets. Fix: pass one of them to --target"
    )
