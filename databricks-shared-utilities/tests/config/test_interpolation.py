"""${VAR} / ${VAR:-default} interpolation in string values of config files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from databricks_utils.config import ConfigLoader
from databricks_utils.config._interpolation import interpolate
from databricks_utils.config._yaml_source import parse_yaml
from databricks_utils.errors.exceptions import ConfigError

Write = Callable[[str, str], Path]


def _expand(text: str, environ: dict[str, str]) -> dict[str, object]:
    return interpolate(parse_yaml(text, label="f.yaml"), environ, label="f.yaml").data


@pytest.mark.parametrize(
    ("value", "environ", "expected"),
    [
        ("${HOST}", {"HOST": "db"}, "db"),
        ("jdbc://${HOST}:5432/${DB}", {"HOST": "db", "DB": "sales"}, "jdbc://db:5432/sales"),
        ("${HOST:-localhost}", {}, "localhost"),
        ("${HOST:-localhost}", {"HOST": ""}, "localhost"),  # ':-' also covers set-but-empty, as in shells
        ("${HOST:-}", {}, ""),
        ("${HOST}", {"HOST": ""}, ""),
        ("${HOST:-a:-b}", {}, "a:-b"),
        ("$${HOST}", {"HOST": "db"}, "${HOST}"),
        ("cost: $5 and ${X}", {"X": "y"}, "cost: $5 and y"),
        ("${A}${B}", {"A": "1", "B": "2"}, "12"),
        ("${X:-${Y}", {}, "${Y"),  # no nesting: the default runs to the first '}'
        ("plain", {}, "plain"),
    ],
)
def test_expansion(value: str, environ: dict[str, str], expected: str) -> None:
    assert _expand(f"key: '{value}'\n", environ) == {"key": expected}


def test_values_are_not_expanded_recursively() -> None:
    assert _expand("key: ${A}\n", {"A": "${B}", "B": "no"}) == {"key": "${B}"}


def test_strings_inside_lists_and_nested_mappings_are_expanded() -> None:
    data = _expand("a:\n  b: [x, '${V}', {c: '${V}'}]\n", {"V": "v"})
    assert data == {"a": {"b": ["x", "v", {"c": "v"}]}}


def test_keys_and_non_strings_are_untouched() -> None:
    assert _expand("'${K}': 1\nn: 2\n", {"K": "x"}) == {"${K}": 1, "n": 2}


def test_variables_read_are_reported_with_their_values() -> None:
    result = interpolate(parse_yaml("a: ${A}\nb: ${B:-x}\nc: ['${A}']\n", label="f"), {"A": "1"}, label="f")
    assert result.variables == {"A": "1", "B": None}
    assert result.via == {("a",): ("A",), ("b",): ("B",), ("c",): ("A",)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${1ABC}", "f.yaml:1: key: malformed reference '${1ABC}'. Fix: use ${NAME} or ${NAME:-default}"),
        ("${}", "f.yaml:1: key: malformed reference '${}'"),
        ("${A B}", "f.yaml:1: key: malformed reference '${A B}'"),
        ("x${OPEN", "f.yaml:1: key: unclosed '${' in 'x${OPEN'. Fix: write ${NAME}, or $${ for a literal '${'."),
    ],
)
def test_malformed_references_are_errors(value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _expand(f"key: '{value}'\n", {})
    assert str(caught.value).startswith(expected)


def test_unset_variable_inside_a_list_names_the_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _expand("a: 1\nitems:\n  - x\n  - ${MISSING}\n", {})
    assert str(caught.value).startswith("f.yaml:2: items uses ${MISSING} but the environment variable MISSING")


def test_interpolated_text_is_converted_by_the_model(write: Write, config_dir: Path) -> None:
    write("project.yaml", "spark:\n  shuffle_partitions: ${PARTS:-4}\n  delta: ${DELTA}\n")
    cfg = ConfigLoader(config_dir, environ={"DELTA": "false"}).load()
    assert (cfg.spark.shuffle_partitions, cfg.spark.delta) == (4, False)
    assert ConfigLoader(config_dir, environ={"DELTA": "true", "PARTS": "9"}).load().spark.shuffle_partitions == 9


def test_environment_and_argument_values_are_literal(write: Write, config_dir: Path) -> None:
    write("project.yaml", "name: x\n")
    loader = ConfigLoader(config_dir, environ={"DBX_PARAMS__A": "${HOME}", "HOME": "/root"})
    cfg = loader.load(overrides={"params.b": "${HOME}"})
    assert cfg.params == {"a": "${HOME}", "b": "${HOME}"}
