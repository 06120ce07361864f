"""Every load failure is one line naming file, line, field, the bad value (never a secret) and a fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from databricks_utils.config import ConfigLoader
from databricks_utils.errors.exceptions import ConfigError, ConfigFileNotFoundError

Write = Callable[[str, str], Path]


@pytest.fixture
def project(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write("project.yaml", "name: orders\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _message(env: str = "dev", *, environ: dict[str, str] | None = None, **kwargs: object) -> str:
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ=environ or {}, **kwargs).load(env)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_yaml_syntax_error_names_line_and_column(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: local\n bad: indent\n")
    message = _message()
    # The problem text differs between libyaml and the pure-Python parser; the frame around it does not.
    assert message.startswith("config/dev.yaml:3:2: YAML syntax error: ")
    assert message.endswith(". Fix the indentation/quoting at that line.")
    assert any(problem in message for problem in ("did not find expected key", "expected <block end>"))


def test_top_level_must_be_a_mapping(project: Path, write: Write) -> None:
    write("dev.yaml", "- spark\n- catalog\n")
    assert _message() == (
        "config/dev.yaml:1: the top level must be a mapping of keys such as 'spark:', got a list. "
        "Fix: write 'key: value' lines at the start of the file."
    )


def test_duplicate_keys_are_rejected_with_both_lines(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: a\n  delta: true\n  master: b\n")
    assert _message() == (
        "config/dev.yaml:4: duplicate key 'spark.master' (first set at line 2); YAML would silently keep only the "
        "last one. Fix: delete or merge one of the two."
    )


def test_wrong_type_names_file_line_field_and_value(project: Path, write: Write) -> None:
    write("dev.yaml", "owner: me\n\nspark:\n  shuffle_partitions: many\n")
    assert _message() == "config/dev.yaml:4: spark.shuffle_partitions must be an integer >= 1, got 'many'"


def test_constraint_violation(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partitions: 0\n")
    assert _message() == "config/dev.yaml:2: spark.shuffle_partitions must be an integer >= 1, got 0"


def test_several_errors_are_joined_in_file_order(project: Path, write: Write) -> None:
    write("project.yaml", "name: ''\n")
    write("dev.yaml", "spark:\n  mode: fast\n  delta: maybe\nobservability:\n  log_format: xml\n")
    assert _message() == (
        "config/dev.yaml:2: spark.mode must be one of 'auto', 'local', 'connect', 'databricks', got 'fast'; "
        "config/dev.yaml:3: spark.delta must be true or false, got 'maybe'; "
        "config/dev.yaml:5: observability.log_format must be one of 'json', 'text', got 'xml'; "
        "config/project.yaml:1: name must be a non-empty string, got ''"
    )


def test_number_for_a_text_field_suggests_quoting(project: Path, write: Write) -> None:
    write("dev.yaml", "catalog:\n  schema: 2024\n")
    assert _message() == (
        "config/dev.yaml:2: catalog.schema must be a non-empty string, got 2024 (quote it in YAML to keep it text)"
    )


def test_section_of_wrong_shape(project: Path, write: Write) -> None:
    write("dev.yaml", "spark: [local]\nparams: 3\n")
    message = _message()
    assert message.startswith("config/dev.yaml:1: spark must be a mapping with keys such as ")
    assert message.endswith(", got a list; config/dev.yaml:2: params must be a mapping, got 3")


def test_mapping_value_types_are_described(project: Path, write: Write) -> None:
    write("dev.yaml", "observability:\n  quiet_loggers: 3\n")
    assert _message() == (
        "config/dev.yaml:2: observability.quiet_loggers must be a mapping of names to one of 'DEBUG', 'INFO', "
        "'WARNING', 'ERROR', 'CRITICAL', got 3"
    )


def test_unknown_key_with_suggestion(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: local\n\n\n  shuffle_partition: 3\n")
    assert _message() == "config/dev.yaml:5: unknown key 'spark.shuffle_partition' (did you mean 'shuffle_partitions'?)"


def test_unknown_key_without_suggestion_lists_valid_keys(project: Path, write: Write) -> None:
    write("dev.yaml", "catalog:\n  zzz: 1\n")
    assert (
        _message()
        == "config/dev.yaml:2: unknown key 'catalog.zzz'; valid keys under 'catalog': catalog, schema, volume"
    )


def test_unknown_top_level_key(project: Path, write: Write) -> None:
    write("dev.yaml", "sprak:\n  master: x\n")
    assert _message() == "config/dev.yaml:1: unknown key 'sprak' (did you mean 'spark'?)"


def test_unknown_key_set_to_null_is_still_reported(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partition: null\n")
    assert _message() == "config/dev.yaml:2: unknown key 'spark.shuffle_partition' (did you mean 'shuffle_partitions'?)"


def test_alias_and_field_name_together_are_an_error(project: Path, write: Write) -> None:
    write("dev.yaml", "catalog:\n  schema: a\n  schema_name: b\n")
    assert _message() == (
        "config/dev.yaml:3: 'catalog.schema' and 'catalog.schema_name' are the same setting. "
        "Fix: keep only one of them."
    )


def test_value_error_from_a_validator_keeps_its_text(project: Path, write: Write) -> None:
    write("dev.yaml", "environment:\n  workspace_host: 3\n")
    assert (
        _message()
        == "config/dev.yaml:2: environment.workspace_host must be a string, got 3 (quote it in YAML to keep it text)"
    )


def test_unknown_environment_suggests_the_closest(project: Path) -> None:
    assert _message("prd") == (
        "argument: unknown environment 'prd' (did you mean 'prod'?); valid environments: local, lab, dev, prod. "
        "Fix: pass env= one of them."
    )


def test_unknown_environment_from_dbx_env(project: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ={"DBX_ENV": "staging"}).load()
    assert str(caught.value) == (
        "env DBX_ENV: unknown environment 'staging'; valid environments: local, lab, dev, prod. "
        "Fix: set DBX_ENV to one of them."
    )


def test_file_may_not_set_another_environment_name(project: Path, write: Write) -> None:
    write("dev.yaml", "environment:\n  name: prod\n")
    assert _message() == (
        "config/dev.yaml:2: environment.name is 'prod' but the environment being loaded is 'dev'. "
        "Fix: remove environment.name; the environment is chosen with env= or DBX_ENV."
    )


def test_variable_may_not_set_another_environment_name(project: Path) -> None:
    message = _message(environ={"DBX_ENVIRONMENT__NAME": "prod"})
    assert message.startswith("env DBX_ENVIRONMENT__NAME: environment.name is 'prod' but")


def test_unset_variable_names_file_line_field_variable_and_fix(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  master: local\n  remote: sc://${SPARK_HOST}:15002\n")
    assert _message() == (
        "config/dev.yaml:3: spark.remote uses ${SPARK_HOST} but the environment variable SPARK_HOST is not set. "
        "Fix: export SPARK_HOST=... or write ${SPARK_HOST:-default} in the file."
    )


def test_interpolated_value_of_wrong_type_names_the_variable(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partitions: ${PARTS}\n")
    message = _message(environ={"PARTS": "lots"})
    assert message == "config/dev.yaml:2: spark.shuffle_partitions must be an integer >= 1, got 'lots' (from ${PARTS})"


def test_given_config_folder_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigFileNotFoundError) as caught:
        ConfigLoader("cfg", environ={})
    message = str(caught.value)
    assert message == (
        f"config directory 'cfg' ({tmp_path / 'cfg'}, from the config_dir argument) does not exist. "
        "Fix: create it with a project.yaml, or point config_dir argument at the folder that holds project.yaml."
    )
    assert isinstance(caught.value, FileNotFoundError)


def test_dbx_config_dir_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(
        ConfigFileNotFoundError, match=r"from env DBX_CONFIG_DIR\) does not exist\. Fix: .*DBX_CONFIG_DIR"
    ):
        ConfigLoader(environ={"DBX_CONFIG_DIR": str(missing)})


def test_config_folder_that_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cfg").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'cfg' \(from the config_dir argument\) is a file, not a folder\. Fix"):
        ConfigLoader("cfg", environ={})


def test_missing_project_yaml_says_how_to_create_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigFileNotFoundError) as caught:
        ConfigLoader("config", environ={}).load()
    assert str(caught.value) == (
        "config/project.yaml: file not found. Fix: create it (for example: echo 'name: my_project' > "
        "config/project.yaml) or point config_dir / DBX_CONFIG_DIR at the folder that holds it."
    )


def test_missing_extra_file(project: Path) -> None:
    with pytest.raises(ConfigFileNotFoundError) as caught:
        ConfigLoader("config", environ={}, extra_files=["team.yaml"]).load()
    assert str(caught.value) == "config/team.yaml: file not found. Fix: create it or remove it from extra_files."


def test_layer_file_that_is_a_folder(project: Path, config_dir: Path) -> None:
    (config_dir / "dev.yaml").mkdir()
    assert _message().startswith("config/dev.yaml: cannot read the config file (")


def test_file_that_is_not_utf8(project: Path, config_dir: Path) -> None:
    (config_dir / "dev.yaml").write_bytes(b"owner: \xff\xfe\n")
    assert _message() == (
        "config/dev.yaml: not UTF-8 text (invalid start byte at byte 7). Fix: save the file as UTF-8."
    )


def test_errors_are_config_errors_and_value_errors(project: Path, write: Write) -> None:
    write("dev.yaml", "spark:\n  shuffle_partitions: x\n")
    with pytest.raises(ValueError, match="shuffle_partitions") as caught:
        ConfigLoader("config", environ={}).load("dev")
    assert caught.value.__cause__ is not None  # chained to the pydantic error when no secret is involved


def test_secret_values_never_appear_in_errors(project: Path, write: Write) -> None:
    write("dev.yaml", "environment:\n  token: 918273645\nsecrets:\n  db: [918273645]\n")
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ={}).load("dev")
    message = str(caught.value)
    assert message == (
        "config/dev.yaml:2: environment.token must be a string, got ********** (quote it in YAML to keep it text); "
        "config/dev.yaml:4: secrets.db must be a string, got **********"
    )
    assert caught.value.__cause__ is None  # the pydantic error, which repeats the input, is not chained
    assert caught.value.__suppress_context__


def test_secret_looking_params_key_is_redacted_in_errors(project: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ={}).load("dev", overrides={"spark.app_name": 5, "name": {"password": "x1"}})
    message = str(caught.value)
    assert "argument: name must be a non-empty string, got a mapping" in message
    assert "spark.app_name must be a string, got 5" in message


def test_long_values_are_shortened(project: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ={}).load("dev", overrides={"spark.mode": "x" * 100})
    assert str(caught.value).endswith("got '" + "x" * 56 + "...")


def test_error_without_a_schema_description_uses_pydantic_text(project: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigLoader("config", environ={}).load("dev", overrides={"observability": {"quiet_loggers": {1: "DEBUG"}}})
    assert str(caught.value) == "argument: observability.quiet_loggers.1.[key]: input should be a valid string, got 1"


def test_override_below_a_scalar_override_clashes(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"argument overrides: 'spark' is set twice"):
        ConfigLoader("config", environ={}).load("dev", overrides={"spark": "x", "spark.master": "y"})
