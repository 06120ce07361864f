"""Schema navigation by key path: canonical keys, dotted splits, env names, type descriptions, secrets."""

from __future__ import annotations

import pytest

from databricks_utils.config._field_paths import (
    FieldSpec,
    canonical_key,
    expected,
    is_secret,
    mapping_value,
    resolve_env_path,
    spec_at,
    split_dotted,
    suggest_key,
    wants_text,
)


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("spark.master", ("spark", "master")),
        ("spark.conf.spark.sql.ansi.enabled", ("spark", "conf", "spark.sql.ansi.enabled")),
        ("secrets.db.password", ("secrets", "db.password")),
        ("params.a.b", ("params", "a", "b")),
        ("catalog.schema_name", ("catalog", "schema")),
        ("sprak.master", ("sprak", "master")),
    ],
)
def test_split_dotted(key: str, path: tuple[str, ...]) -> None:
    assert split_dotted(key) == path


def test_canonical_key_uses_the_alias() -> None:
    assert canonical_key(("catalog",), "schema_name") == "schema"
    assert canonical_key(("catalog",), "unknown") == "unknown"
    assert canonical_key(("nowhere",), "x") == "x"


def test_resolve_env_path_ignores_case_and_matches_existing_keys() -> None:
    assert resolve_env_path(["CATALOG", "SCHEMA"], {})[0] == ("catalog", "schema")
    assert resolve_env_path(["PARAMS", "MYKEY"], {"params": {"myKey": 1}})[0] == ("params", "myKey")
    path, spec = resolve_env_path(["SPARK", "NOPE", "DEEP"], {})
    assert (path, spec) == (("spark", "nope", "deep"), None)


def test_spec_at_follows_models_and_mappings() -> None:
    spec = spec_at(("observability", "quiet_loggers", "py4j"))
    assert spec is not None
    assert expected(spec) == "one of 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'"
    assert spec_at(("spark", "master", "deeper")) is None
    assert spec_at(("params", "any", "depth")) is not None


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("spark", "shuffle_partitions"), "an integer >= 1"),
        (("spark", "health_check_interval_s"), "a number >= 0"),
        (("spark", "delta"), "true or false"),
        (("spark", "warehouse_dir"), "a path"),
        (("spark", "master"), "a string"),
        (("name",), "a non-empty string"),
        (("environment", "token"), "a string"),
        (("secrets",), "a mapping of names to a string"),
        (("params",), "a mapping"),
        (("params", "x"), None),
    ],
)
def test_expected_descriptions(path: tuple[str, ...], text: str | None) -> None:
    assert expected(spec_at(path)) == text


def test_expected_of_nothing() -> None:
    assert expected(None) is None


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("spark", "master"), True),
        (("catalog", "schema"), True),
        (("spark", "warehouse_dir"), True),
        (("spark", "mode"), True),
        (("spark", "shuffle_partitions"), False),
        (("params", "x"), False),
    ],
)
def test_wants_text(path: tuple[str, ...], text: bool) -> None:
    assert wants_text(spec_at(path)) is text


def test_wants_text_of_nothing() -> None:
    assert wants_text(None) is False


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        (("environment", "token"), True),
        (("secrets", "db"), True),
        (("params", "api_key"), True),
        (("params", "db_password"), True),
        (("params", "passwd"), True),
        (("params", "aws_credentials"), True),
        (("params", "key"), True),
        (("params", "keyspace"), False),
        (("params", "monkey"), False),
        (("spark", "master"), False),
        (("nowhere", "x"), False),
    ],
)
def test_is_secret(path: tuple[str, ...], secret: bool) -> None:
    assert is_secret(path) is secret


def test_suggest_key() -> None:
    assert suggest_key(("spark",), "MASTER") == ("master", suggest_key(("spark",), "x")[1])
    assert suggest_key(("catalog",), "schema_nam")[0] == "schema"
    assert suggest_key(("params",), "x") == (None, [])


def test_mapping_value_of_bare_dict() -> None:
    assert mapping_value(dict) is not None
    assert mapping_value(FieldSpec(int).annotation) is None


def test_unwrap_optional_leaves_real_unions_alone() -> None:
    from databricks_utils.config._field_paths import unwrap_optional

    assert unwrap_optional(int | None) is int
    assert unwrap_optional(int | str) == int | str
