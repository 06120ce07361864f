"""Reading databricks.yml and its includes: root file, YAML errors, duplicate keys, globs, merge, redefinitions."""

from pathlib import Path

from databricks_utils.bundle import BundleProblem, validate_bundle
from databricks_utils.bundle.loader import load_bundle

INCLUDE_FIX = "Fix: write globs relative to the bundle root that match configuration files, such as 'resources/*.yml'"


def only(report) -> BundleProblem:
    assert len(report.problems) == 1, report.format()
    return report.problems[0]


def test_includes_are_merged_into_one_document_with_their_origins(bundle: Path, line) -> None:
    loaded = load_bundle(bundle)

    assert loaded.problems == ()
    document = loaded.document
    assert document is not None
    assert list(document.mapping("resources", "jobs")) == ["orders_classic", "orders"]  # glob order
    assert list(document.mapping("resources", "schemas")) == ["orders"]
    job = bundle / "resources" / "orders_job.yml"
    origin = document.origin_of(("resources", "jobs", "orders", "tasks", 2, "depends_on", 0, "task_key"))
    assert (origin.file, origin.line) == ("resources/orders_job.yml", line(job, "- task_key: silver", 2))
    assert document.origin_of(("bundle", "name")).line == 2


def test_a_missing_key_is_placed_at_its_closest_written_parent(bundle: Path) -> None:
    document = load_bundle(bundle).document

    assert document.origin_of(("resources", "jobs", "orders", "nope", 3)).line == 3
    assert document.origin_of(("nowhere",)) is None
    assert document.problem(("nowhere",), "m") == BundleProblem(
        file="databricks.yml", line=None, path="nowhere", message="m"
    )


def test_databricks_yaml_and_bundle_yml_are_root_files_too(tmp_path: Path) -> None:
    for name in ("databricks.yaml", "bundle.yml"):
        root = tmp_path / name.replace(".", "_")
        root.mkdir()
        (root / name).write_text("bundle:\n  name: b\n")

        report = validate_bundle(root)

        assert report.ok, report.format()
        assert report.bundle_name == "b"
        assert report.targets == ()
        assert report.format().startswith("OK: b: 0 resources, targets: none (schema: not checked)")


def test_two_root_files_are_a_problem(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_text("bundle:\n  name: b\n")
    (tmp_path / "databricks.yaml").write_text("bundle:\n  name: c\n")

    assert only(validate_bundle(tmp_path)) == BundleProblem(
        file="databricks.yaml",
        line=None,
        path="",
        message="databricks.yml and databricks.yaml are both bundle root files; the CLI refuses to choose. "
        "Fix: keep only databricks.yml",
    )


def test_a_root_that_is_not_a_folder_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nope"

    assert only(validate_bundle(missing)).message == (
        f"the bundle root {missing} is not a folder. Fix: pass the folder that holds databricks.yml"
    )


def test_a_yaml_syntax_error_is_a_problem_at_its_line(bundle: Path, edit) -> None:
    edit(bundle / "resources" / "orders_schema.yml", "comment: Medallion", "comment: [Medallion")

    problem = only(validate_bundle(bundle))

    assert (problem.file, problem.line, problem.path) == ("resources/orders_schema.yml", 7, "")
    # libyaml and PyYAML's Python reader word it differently ("did not find expected ','" / "expected ','").
    assert problem.message.startswith("YAML syntax error: ")
    assert "expected ',' or ']'" in problem.message
    assert problem.message.endswith(". Fix the indentation/quoting at that line.")


def test_a_syntax_error_in_the_root_file_stops_there(bundle: Path) -> None:
    (bundle / "databricks.yml").write_text("bundle:\n  name: [b\n")

    report = validate_bundle(bundle)

    assert [(p.file, p.line) for p in report.problems] == [("databricks.yml", 3)]
    assert report.bundle_name is None


def test_a_file_that_is_not_utf8_is_a_problem_without_a_line(bundle: Path) -> None:
    (bundle / "resources" / "orders_schema.yml").write_bytes(b"resources: \xff\n")

    problem = only(validate_bundle(bundle))

    assert (problem.file, problem.line) == ("resources/orders_schema.yml", None)
    assert problem.message.startswith("not UTF-8 text (invalid start byte at byte 11)")


def test_duplicate_keys_are_problems_naming_both_lines(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "    default: orders\n", "    default: orders\n    default: sales\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=13,
        path="variables.schema.default",
        message="duplicate key (first written at line 12); YAML keeps only the last one. "
        "Fix: delete or merge one of the two",
    )


def test_a_top_level_that_is_not_a_mapping_is_a_problem(bundle: Path) -> None:
    (bundle / "resources" / "orders_schema.yml").write_text("- schemas\n")
    (bundle / "databricks.yml").write_text("just text\n")

    problem = only(validate_bundle(bundle))

    assert problem == BundleProblem(
        file="databricks.yml",
        line=1,
        path="",
        message="the top level must be a mapping such as 'bundle:', got the value 'just text'. "
        "Fix: write 'key: value' lines at the start of the file",
    )


def test_an_included_file_that_is_not_a_mapping_is_skipped_with_a_problem(bundle: Path) -> None:
    (bundle / "resources" / "orders_schema.yml").write_text("- schemas\n")

    report = validate_bundle(bundle)

    assert [(p.file, p.line, p.message[:38]) for p in report.problems] == [
        ("resources/orders_schema.yml", 1, "the top level must be a mapping such a")
    ]
    assert report.resource_count == 2


def test_an_empty_file_is_an_empty_configuration(bundle: Path) -> None:
    (bundle / "resources" / "orders_schema.yml").write_text("# nothing yet\n")

    report = validate_bundle(bundle)

    assert report.ok
    assert report.resource_count == 2


def test_empty_sections_in_an_included_file_change_nothing(bundle: Path) -> None:
    (bundle / "resources" / "orders_schema.yml").write_text("resources:\nvariables:\n  schema:\n")

    loaded = load_bundle(bundle)

    assert loaded.problems == ()
    assert loaded.document.data["variables"]["schema"] == {
        "description": "Schema of the medallion tables",
        "default": "orders",
    }


def test_an_include_glob_that_matches_nothing_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "  - resources/*.yml\n", "  - resources/*.yml\n  - jobs/*.yml\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="databricks.yml",
        line=6,
        path="include[1]",
        message=f"'jobs/*.yml' matches no file under the bundle root. {INCLUDE_FIX}",
    )


def test_an_include_must_be_a_list_of_strings(bundle: Path, edit) -> None:
    edit(bundle / "databricks.yml", "  - resources/*.yml\n", "  - resources/*.yml\n  - {glob: x}\n")

    assert only(validate_bundle(bundle)).message == f"an include entry must be a glob, got a mapping. {INCLUDE_FIX}"

    edit(bundle / "databricks.yml", "include:\n  - resources/*.yml\n  - {glob: x}\n", "include: resources/*.yml\n")

    problem = only(validate_bundle(bundle))
    assert (problem.line, problem.path) == (4, "include")
    assert problem.message == f"'include' must be a list of globs, got the value 'resources/*.yml'. {INCLUDE_FIX}"


def test_an_included_file_must_be_yaml_or_json(bundle: Path, edit) -> None:
    (bundle / "resources" / "notes.txt").write_text("hello\n")
    edit(bundle / "databricks.yml", "  - resources/*.yml\n", "  - resources/*\n")

    assert only(validate_bundle(bundle)).message == (
        f"'resources/*' matches resources/notes.txt, which is not a .yml, .yaml or .json file. {INCLUDE_FIX}"
    )


def test_json_files_folders_and_the_root_file_itself(bundle: Path, edit) -> None:
    (bundle / "resources" / "more").mkdir()
    (bundle / "resources" / "extra.json").write_text(
        '{"resources": {"volumes": {"raw": {"catalog_name": "main", "schema_name": "orders", "name": "raw"}}}}'
    )
    edit(bundle / "databricks.yml", "  - resources/*.yml\n", "  - resources/*\n  - '*.yml'\n  - resources/*.yml\n")

    report = validate_bundle(bundle)

    assert report.ok, report.format()
    assert report.resource_count == 4  # each file once; the folder and databricks.yml are skipped


def test_include_in_an_included_file_is_a_problem(bundle: Path, edit) -> None:
    edit(bundle / "resources" / "orders_schema.yml", "resources:\n", "include:\n  - other/*.yml\nresources:\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/orders_schema.yml",
        line=1,
        path="include",
        message="'include' in an included file is ignored by the CLI. Fix: move the globs to the root file",
    )


def test_the_same_resource_in_two_files_is_a_problem_naming_both(bundle: Path) -> None:
    (bundle / "resources" / "z_copy.yml").write_text(
        "resources:\n  jobs:\n    other:\n      name: o\n    orders:\n      name: copy\n"
    )

    report = validate_bundle(bundle)

    assert only(report) == BundleProblem(
        file="resources/z_copy.yml",
        line=5,
        path="resources.jobs.orders",
        message="resource 'orders' is defined twice under jobs: in resources/orders_job.yml:3 and in "
        "resources/z_copy.yml:5; the CLI stops here. Fix: rename one of them or delete the copy",
    )
    jobs = load_bundle(bundle).document.mapping("resources", "jobs")
    assert jobs["orders"]["name"] == "orders_medallion_${bundle.target}"  # the first definition is kept
    assert jobs["other"] == {"name": "o"}


def test_a_resource_in_the_root_file_and_an_include_is_a_problem(bundle: Path, edit) -> None:
    edit(
        bundle / "databricks.yml",
        "artifacts:",
        "resources:\n  schemas:\n    orders:\n      catalog_name: main\n      name: x\n\nartifacts:",
    )

    problem = only(validate_bundle(bundle))

    assert problem.path == "resources.schemas.orders"
    assert "in databricks.yml:19 and in resources/orders_schema.yml:3" in problem.message


def test_resources_that_are_not_mappings_are_merged_as_given(bundle: Path) -> None:
    (bundle / "resources" / "z_odd.yml").write_text("resources:\n  volumes: none\n")

    loaded = load_bundle(bundle)

    assert loaded.problems == ()
    assert loaded.document.mapping("resources")["volumes"] == "none"


def test_a_mapping_and_a_list_cannot_merge(bundle: Path) -> None:
    (bundle / "resources" / "z_odd.yml").write_text("variables:\n  - catalog\n")

    assert only(validate_bundle(bundle)) == BundleProblem(
        file="resources/z_odd.yml",
        line=1,
        path="variables",
        message="cannot merge a list into a mapping (set at databricks.yml:7); the CLI stops here. "
        "Fix: write the same kind of value (mapping, list or scalar) in both places",
    )


def test_lists_concatenate_and_scalars_are_replaced(bundle: Path) -> None:
    (bundle / "resources" / "z_more.yml").write_text(
        "bundle:\n  name: renamed\nresources:\n  jobs:\n    extra:\n      name: e\n"
        "permissions:\n  - level: CAN_VIEW\n    group_name: users\n"
    )
    (bundle / "resources" / "z_zmore.yml").write_text("permissions:\n  - level: CAN_VIEW\n    user_name: a@b.c\n")

    document = load_bundle(bundle).document

    assert document.data["bundle"]["name"] == "renamed"
    assert document.origin_of(("bundle", "name")).file == "resources/z_more.yml"
    assert [p.get("group_name", p.get("user_name")) for p in document.data["permissions"]] == ["users", "a@b.c"]
    assert document.origin_of(("permissions", 1, "user_name")).file == "resources/z_zmore.yml"
