"""explain(): the final value and the origin of every leaf setting; secrets never shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from databricks_utils.config import ConfigExplanation, ConfigLoader
from databricks_utils.config.explain import format_value
from databricks_utils.errors.exceptions import ConfigError

Write = Callable[[str, str], Path]
TOKEN = "dapi-very-secret-0123"  # noqa: S105 - a fake token the tests make sure never appears


@pytest.fixture
def explanation(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ConfigExplanation:
    write("project.yaml", "name: orders\nspark:\n  shuffle_partitions: 6\n  master: local[2]\nparams:\n  tables: [a]\n")
    write(
        "dev.yaml",
        "spark:\n  shuffle_partitions: null\n\n  master: ${MASTER}\nenvironment:\n  token: ${DATABRICKS_TOKEN}\n"
        "params:\n  api_key: k-123\n  conns: [{host: h, password: pw-1}]\n  path: /x\n",
    )
    monkeypatch.chdir(tmp_path)
    environ = {"MASTER": "local[1]", "DATABRICKS_TOKEN": TOKEN, "DBX_CATALOG__SCHEMA": "sales"}
    return ConfigLoader("config", environ=environ).explain("dev", overrides={"owner": "me"})


def test_sources_of_each_layer(explanation: ConfigExplanation) -> None:
    sources = {row.key: row.source for row in explanation}
    assert sources["name"] == "config/project.yaml:1"
    assert sources["spark.master"] == "config/dev.yaml:4 via ${MASTER}"
    assert sources["spark.shuffle_partitions"] == "default (reset by null at config/dev.yaml:2)"
    assert sources["catalog.schema"] == "env DBX_CATALOG__SCHEMA"
    assert sources["owner"] == "argument"
    assert sources["environment.name"] == "argument"
    assert sources["observability.log_level"] == "default"
    assert sources["params.tables"] == "config/project.yaml:6"


def test_final_values_are_the_validated_ones(explanation: ConfigExplanation) -> None:
    assert explanation["spark.shuffle_partitions"].value == 4
    assert explanation["spark.master"].value == "local[1]"
    assert explanation["spark.warehouse_dir"].value is None
    assert explanation["spark.conf"].value == {}


def test_every_model_field_has_a_row(explanation: ConfigExplanation) -> None:
    keys = {row.key for row in explanation}
    assert {"spark.mode", "spark.fast_local", "catalog.volume", "environment.serverless", "description"} <= keys
    assert "observability.quiet_loggers.py4j" in keys
    assert len(explanation) == len(explanation.rows) == len(keys)


def test_secrets_are_redacted_everywhere(explanation: ConfigExplanation) -> None:
    token = explanation["environment.token"]
    assert (token.value, token.secret, token.source) == (
        "**********",
        True,
        "config/dev.yaml:6 via ${DATABRICKS_TOKEN}",
    )
    assert explanation["params.api_key"].value == "**********"
    assert explanation["params.conns"].value == [{"host": "h", "password": "**********"}]
    rendered = explanation.to_text() + repr(explanation) + json.dumps(explanation.to_dicts())
    for secret in (TOKEN, "k-123", "pw-1"):
        assert secret not in rendered
    assert TOKEN not in repr(explanation.config)  # SecretStr fields are redacted by the model itself
    assert explanation["environment.token"].secret
    assert not explanation["params.path"].secret


def test_unset_secret_shows_null(write: Write, config_dir: Path) -> None:
    write("project.yaml", "name: x\n")
    row = ConfigLoader(config_dir, environ={}).explain()["environment.token"]
    assert (row.value, row.secret) == (None, True)


def test_empty_secrets_mapping_shows_empty(write: Write, config_dir: Path) -> None:
    write("project.yaml", "name: x\n")
    row = ConfigLoader(config_dir, environ={}).explain()["secrets"]
    assert (row.value, row.secret) == ({}, True)


def test_secret_in_secrets_mapping(write: Write, config_dir: Path) -> None:
    write("project.yaml", "secrets:\n  db: ${DB_PW}\n")
    explanation = ConfigLoader(config_dir, environ={"DB_PW": "s3cr3t"}).explain()
    assert explanation["secrets.db"].value == "**********"
    assert "s3cr3t" not in str(explanation)


def test_text_table_is_aligned(explanation: ConfigExplanation) -> None:
    lines = explanation.to_text().splitlines()
    assert lines[0] == "environment: dev (argument)"
    assert lines[1] == "config dir:  config"
    assert lines[2] == "files:       config/project.yaml, config/dev.yaml"
    header = lines[4]
    value_col, source_col = header.index("VALUE"), header.index("SOURCE")
    master = next(line for line in lines if line.startswith("spark.master "))
    assert master[value_col:].startswith("local[1]")
    assert master[source_col:] == "config/dev.yaml:4 via ${MASTER}"
    assert str(explanation) == explanation.to_text()


def test_rows_as_dicts(explanation: ConfigExplanation) -> None:
    rows = explanation.to_dicts()
    assert {"key": "owner", "value": "me", "source": "argument", "secret": False} in rows


def test_unknown_key_lookup_lists_neighbours(explanation: ConfigExplanation) -> None:
    with pytest.raises(KeyError, match=r"no setting 'spark.mastr'; keys under 'spark': spark.mode, spark.master"):
        explanation["spark.mastr"]
    with pytest.raises(KeyError, match="keys under 'zzz': none"):
        explanation["zzz"]


def test_explain_without_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    explanation = ConfigLoader(environ={"DBX_ENV": "lab"}).explain()
    text = explanation.to_text()
    assert "config dir:  none found: defaults and environment variables only" in text
    assert "files:       none" in text
    assert explanation["environment.name"].source == "env DBX_ENV"
    assert explanation.env_source == "env DBX_ENV"


def test_explain_reports_errors_like_load(write: Write, config_dir: Path) -> None:
    write("project.yaml", "spark:\n  shuffle_partitions: x\n")
    with pytest.raises(ConfigError, match=r"project\.yaml:2: spark\.shuffle_partitions must be"):
        ConfigLoader(config_dir, environ={}).explain()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        ("", '""'),
        (" padded", '" padded"'),
        ("two\nlines", '"two\\nlines"'),
        ("plain", "plain"),
        ([1, "a"], '[1, "a"]'),
        ({}, "{}"),
        (2.5, "2.5"),
        ("x" * 60, "x" * 45 + "..."),
    ],
)
def test_value_formatting(value: object, text: str) -> None:
    assert format_value(value) == text


def test_paths_and_secrets_inside_lists_are_plain_and_redacted(write: Write, config_dir: Path) -> None:
    from pydantic import SecretStr

    write("project.yaml", "name: x\n")
    explanation = ConfigLoader(config_dir, environ={}).explain(
        overrides={"spark.warehouse_dir": "/tmp/wh", "params.items": [SecretStr("zz"), Path("/p"), ("t",)]}
    )
    assert explanation["spark.warehouse_dir"].value == "/tmp/wh"
    assert explanation["params.items"].value == ["**********", "/p", ["t"]]


def test_rows_without_origins_are_defaults() -> None:
    from databricks_utils.config import ProjectConfig
    from databricks_utils.config.explain import explain_rows

    assert {row.source for row in explain_rows(ProjectConfig(), {})} == {"default"}
