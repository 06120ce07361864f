"""The JSON schema check: where the schema comes from, \\p{L} patterns, short messages at the right key."""

import json
import os
import sys
from pathlib import Path

import pytest

from databricks_utils.bundle import SCHEMA_ENV_VAR, BundleProblem, validate_bundle
from databricks_utils.bundle.document import BundleDocument
from databricks_utils.bundle.json_schema import choose_schema, compiled_validator, schema_problems
from databricks_utils.errors.exceptions import ConfigError, ConfigFileNotFoundError, DependencyMissingError


def only(report) -> BundleProblem:
    assert len(report.problems) == 1, report.format()
    return report.problems[0]


def fake_cli(folder: Path, script: str) -> Path:
    """A `databricks` executable on PATH that runs ``script`` (sh)."""
    folder.mkdir(exist_ok=True)
    executable = folder / "databricks"
    executable.write_text(f"#!/bin/sh\n{script}\n")
    executable.chmod(0o755)
    return executable


def check(schema: dict, data: dict) -> list[BundleProblem]:
    document = BundleDocument(data=data, origins={}, root_file="databricks.yml")
    return schema_problems(document, json.dumps(schema).encode(), source="test")


# Where the schema comes from


def test_without_a_schema_a_note_says_how_to_enable_it(bundle: Path) -> None:
    report = validate_bundle(bundle)

    assert report.schema_source is None
    assert report.notes == (
        "JSON schema not checked: no --schema given, no working 'databricks' CLI on PATH, and "
        "$DATABRICKS_BUNDLE_SCHEMA is not set. Fix: pass --schema FILE (the output of 'databricks bundle schema') "
        "or set DATABRICKS_BUNDLE_SCHEMA to that file",
    )


def test_the_environment_variable_names_a_schema_file(bundle: Path, schema_file: Path, monkeypatch) -> None:
    monkeypatch.setenv(SCHEMA_ENV_VAR, str(schema_file))

    report = validate_bundle(bundle)

    assert report.ok
    assert report.schema_source == f"$DATABRICKS_BUNDLE_SCHEMA={schema_file}"


def test_the_databricks_cli_on_path_comes_before_the_environment_variable(
    bundle: Path, schema_file: Path, tmp_path: Path, monkeypatch
) -> None:
    executable = fake_cli(tmp_path / "bin", f"exec /bin/cat '{schema_file}'")
    monkeypatch.setenv("PATH", str(executable.parent))
    monkeypatch.setenv(SCHEMA_ENV_VAR, str(tmp_path / "missing.json"))

    report = validate_bundle(bundle)

    assert report.ok, report.format()
    assert report.schema_source == f"databricks bundle schema ({executable})"


def test_the_schema_argument_comes_first(bundle: Path, schema_file: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(fake_cli(tmp_path / "bin", "exit 3").parent))

    report = validate_bundle(bundle, schema=str(schema_file))

    assert report.schema_source == str(schema_file)
    assert report.notes == ()


@pytest.mark.parametrize(
    ("script", "failure"),
    [
        ("echo 'Error: unknown command \"bundle\"' >&2; exit 1", 'exit code 1: Error: unknown command "bundle"'),
        ("exit 2", "exit code 2: no message"),
        ("echo 'Usage: databricks [OPTIONS] COMMAND'", "its output is not JSON (an old CLI without bundle support?)"),
    ],
)
def test_a_failing_cli_is_a_note_and_the_environment_variable_is_tried(
    bundle: Path, schema_file: Path, tmp_path: Path, monkeypatch, *, script: str, failure: str
) -> None:
    executable = fake_cli(tmp_path / "bin", script)
    monkeypatch.setenv("PATH", str(executable.parent))
    monkeypatch.setenv(SCHEMA_ENV_VAR, str(schema_file))

    report = validate_bundle(bundle)

    assert report.ok
    assert report.schema_source == f"$DATABRICKS_BUNDLE_SCHEMA={schema_file}"
    assert report.notes == (f"'{executable} bundle schema' failed ({failure}); trying $DATABRICKS_BUNDLE_SCHEMA",)


def test_a_cli_that_cannot_run_or_times_out_is_a_note(tmp_path: Path, monkeypatch) -> None:
    executable = tmp_path / "bin" / "databricks"
    executable.parent.mkdir()
    executable.write_bytes(b"\x00\x01 not a program")
    executable.chmod(0o755)
    monkeypatch.setenv("PATH", str(executable.parent))

    choice = choose_schema()

    assert choice.text is None
    assert choice.notes[0].startswith(f"'{executable} bundle schema' failed (OSError: [Errno 8] Exec format error")
    assert choice.notes[1].startswith("JSON schema not checked:")

    fake_cli(tmp_path / "bin", "exec /bin/sleep 5")  # killed at the timeout
    assert "(TimeoutExpired: Command " in choose_schema(timeout=0.05).notes[0]


def test_a_missing_schema_file_is_an_error(bundle: Path, tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(ConfigFileNotFoundError, match=r"^--schema: schema file .*missing.json does not exist\. Fix: "):
        validate_bundle(bundle, schema=tmp_path / "missing.json")

    monkeypatch.setenv(SCHEMA_ENV_VAR, str(tmp_path / "gone.json"))
    with pytest.raises(ConfigFileNotFoundError, match=r"^\$DATABRICKS_BUNDLE_SCHEMA: schema file .*gone.json"):
        validate_bundle(bundle)


def test_an_unreadable_schema_file_is_an_error(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text("{}")
    schema.chmod(0)
    if os.access(schema, os.R_OK):  # root reads anything: take a file that no one can read from its start
        schema = Path("/proc/self/mem")
    if not schema.is_file():
        pytest.skip("no unreadable file on this machine")

    with pytest.raises(ConfigError, match=f"^--schema: cannot read schema file {schema} \\(.+\\)\\. Fix: check its"):
        choose_schema(schema)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        ("[1, 2]", "a JSON schema is an object, got list. Fix: check the file"),
        ('{"type": 12}', "not a valid Draft 2020-12 schema (12 is not valid under any of the given schemas)"),
        ('{"pattern": "[unclosed"}', "not a valid Draft 2020-12 schema ('[unclosed' is not a 'regex')"),
    ],
)
def test_a_schema_that_is_not_usable_is_an_error_naming_the_file(bundle: Path, tmp_path: Path, text, message) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(text)

    with pytest.raises(ConfigError) as caught:
        validate_bundle(bundle, schema=schema)

    assert str(caught.value).startswith(f"{schema}: {message}")


def test_the_compiled_validator_is_cached_per_schema_text(schema_file: Path) -> None:
    text = schema_file.read_bytes()

    assert compiled_validator(text) is compiled_validator(bytes(text))
    assert compiled_validator(b'{"type": "object"}') is not compiled_validator(text)


def test_without_jsonschema_the_install_command_is_given(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema", None)

    with pytest.raises(DependencyMissingError, match=r"^'jsonschema' is needed to check a bundle's JSON schema"):
        check({"type": "object", "title": "never compiled before"}, {})


# Patterns with \p{L}, which Python's re cannot compile


def test_patterns_match_with_the_regex_module() -> None:
    schema = {"properties": {"name": {"type": "string", "pattern": r"^\p{L}[\p{L}\p{N}_]*$"}}}

    assert check(schema, {"name": "Ünïcode_2"}) == []
    assert check(schema, {"name": "2nd"}) == [
        BundleProblem(
            file="databricks.yml",
            line=None,
            path="name",
            message="'2nd' does not match '^\\\\p{L}[\\\\p{L}\\\\p{N}_]*$' (JSON schema). Fix: correct the value",
        )
    ]


def test_pattern_properties_and_additional_properties_match_with_the_regex_module() -> None:
    schema = {
        "type": "object",
        "patternProperties": {r"^\p{Lu}": {"type": "integer"}},
        "additionalProperties": False,
    }

    assert check(schema, {"Ärger": 1, "Zorn": 2}) == []
    assert [(p.path, p.message) for p in check(schema, {"Ärger": "x", "ärger": 1})] == [
        ("Ärger", "expected integer, got 'x' (JSON schema). Fix: write a value of that type"),
        ("ärger", "unknown key 'ärger' (not in the bundle schema). Fix: remove it or correct its spelling"),
    ]
    assert check({"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2})[0].path == "b"
    assert check({"patternProperties": {"x": {"type": "string"}}}, ["not an object"]) == []


def test_one_of_picks_the_branch_with_the_values_type_and_fewest_errors() -> None:
    schema = {
        "oneOf": [
            {"type": "object", "required": ["a", "b"]},
            {"type": "object", "required": ["c"], "properties": {"c": {"type": "string"}}},
            {"type": "array"},
        ]
    }

    assert [p.message for p in check(schema, {"c": 2})] == [
        "expected string, got 2 (JSON schema). Fix: write a value of that type"
    ]
    assert [p.message for p in check({"oneOf": [{"type": "object"}, {"required": []}]}, {})] == [
        "{} is valid under each of {'required': []}, {'type': 'object'} (JSON schema). Fix: correct the value"
    ]


# The official schema's errors, short and at the right key


def test_an_unknown_key_is_placed_at_the_key_with_a_suggestion(bundle: Path, edit, schema_file: Path, line) -> None:
    job = bundle / "resources" / "orders_job.yml"
    edit(job, "        pause_status: UNPAUSED\n", "        pause_status: UNPAUSED\n        timezone: UTC\n")

    assert only(validate_bundle(bundle, schema=schema_file)) == BundleProblem(
        file="resources/orders_job.yml",
        line=line(job, "timezone: UTC"),
        path="resources.jobs.orders.schedule.timezone",
        message="unknown key 'timezone' (not in the bundle schema). Fix: did you mean 'timezone_id'? Else remove it",
    )


def test_an_unknown_key_the_typed_classes_accept_is_caught_by_the_schema(bundle: Path, edit, schema_file: Path) -> None:
    edit(bundle / "databricks.yml", "    default: true\n", "    default: true\n    workspace_id: 12\n")

    problem = only(validate_bundle(bundle, schema=schema_file))

    assert (problem.line, problem.path) == (27, "targets.dev.workspace_id")
    assert problem.message == (
        "unknown key 'workspace_id' (not in the bundle schema). Fix: did you mean 'workspace'? Else remove it"
    )


def test_a_value_outside_an_enum_lists_the_allowed_values(bundle: Path, edit, schema_file: Path) -> None:
    edit(bundle / "resources" / "orders_classic_job.yml", "data_security_mode: SINGLE_USER", "data_security_mode: SOLO")

    problem = only(validate_bundle(bundle, schema=schema_file))

    assert (problem.line, problem.path) == (
        16,
        "resources.jobs.orders_classic.job_clusters[0].new_cluster.data_security_mode",
    )
    assert problem.message.startswith("'SOLO' is not one of NONE, SINGLE_USER, USER_ISOLATION, LEGACY_TABLE_ACL, ")
    assert problem.message.endswith(", ... (JSON schema). Fix: use one of those values")


def test_a_missing_required_key_is_named(bundle: Path, edit, schema_file: Path) -> None:
    edit(bundle / "resources" / "orders_schema.yml", "      catalog_name: ${var.catalog}\n", "")

    problem = only(validate_bundle(bundle, schema=schema_file))

    assert (problem.file, problem.line, problem.path) == ("resources/orders_schema.yml", 3, "resources.schemas.orders")
    assert problem.message == "'catalog_name' is a required property (JSON schema). Fix: add it"


def test_a_value_of_the_wrong_type_says_what_was_expected(bundle: Path, edit, schema_file: Path) -> None:
    edit(
        bundle / "resources" / "orders_schema.yml",
        "comment: Medallion tables of the orders pipeline",
        "comment: {text: x}",
    )
    edit(
        bundle / "resources" / "orders_classic_job.yml",
        "          - data-team@example.com\n",
        "          - data-team@example.com\n        no_alert_for_skipped_runs: sometimes\n",
    )

    report = validate_bundle(bundle, schema=schema_file)

    assert [(p.path, p.message) for p in report.problems] == [
        (
            "resources.jobs.orders_classic.email_notifications.no_alert_for_skipped_runs",
            "expected boolean or a ${...} reference, got 'sometimes' (JSON schema). Fix: write a value of that type",
        ),
        (
            "resources.schemas.orders.comment",
            "expected string, got {'text': 'x'} (JSON schema). Fix: write a value of that type",
        ),
    ]


def test_long_values_are_shortened_in_messages(bundle: Path, edit, schema_file: Path) -> None:
    edit(
        bundle / "resources" / "orders_classic_job.yml",
        "timeout_seconds: 3600",
        "timeout_seconds: [" + "1, " * 40 + "1]",
    )

    problem = only(validate_bundle(bundle, schema=schema_file))

    shortened = repr([1] * 41)[:57] + "..."
    assert problem.message == (
        f"expected integer or a ${{...}} reference, got {shortened} (JSON schema). Fix: write a value of that type"
    )


def test_errors_in_several_resources_are_all_reported(bundle: Path, edit, schema_file: Path) -> None:
    edit(bundle / "resources" / "orders_job.yml", "pause_status: UNPAUSED", "pause_status: NEVER")
    edit(bundle / "resources" / "orders_classic_job.yml", "num_workers: 2", "num_workers: two")
    edit(bundle / "resources" / "orders_schema.yml", "      comment:", "      commentary:")

    report = validate_bundle(bundle, schema=schema_file)

    assert [(p.file, p.line) for p in report.problems] == [
        ("resources/orders_classic_job.yml", 15),
        ("resources/orders_job.yml", 8),
        ("resources/orders_schema.yml", 6),
    ]
