"""The YAML reader: key lines, duplicate keys, merge keys, anchors, odd inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from databricks_utils.config._yaml_source import load_value, parse_yaml, read_yaml
from databricks_utils.errors.exceptions import ConfigError


def test_lines_of_every_key_path() -> None:
    doc = parse_yaml("# comment\nspark:\n  master: x\n\n  conf:\n    a.b: 1\nparams:\n  l: [{k: 1}]\n", label="f")
    assert doc.data == {"spark": {"master": "x", "conf": {"a.b": 1}}, "params": {"l": [{"k": 1}]}}
    assert doc.lines == {
        ("spark",): 2,
        ("spark", "master"): 3,
        ("spark", "conf"): 5,
        ("spark", "conf", "a.b"): 6,
        ("params",): 7,
        ("params", "l"): 8,
    }


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_documents_are_empty_mappings(text: str) -> None:
    doc = parse_yaml(text, label="f")
    assert (doc.data, doc.lines) == ({}, {})


def test_keys_are_taken_as_written() -> None:
    assert parse_yaml("on: 1\n1: 2\nnull: 3\n", label="f").data == {"on": 1, "1": 2, "null": 3}


def test_merge_keys_apply_and_explicit_keys_win() -> None:
    text = "base: &b\n  master: a\n  delta: true\nspark:\n  <<: *b\n  master: c\n"
    doc = parse_yaml(text, label="f")
    assert doc.data["spark"] == {"master": "c", "delta": True}
    assert doc.lines[("spark", "master")] == 6
    assert doc.lines[("spark", "delta")] == 3  # where the merged value is written


def test_aliases_are_copied_not_shared() -> None:
    doc = parse_yaml("a: &x {k: [1]}\nb: *x\n", label="f")
    assert doc.data["a"] == doc.data["b"]
    assert doc.data["a"] is not doc.data["b"]


@pytest.mark.parametrize("text", ["a: &x\n  b: *x\n", "a: &x [*x]\n"])
def test_recursive_aliases_are_rejected(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^f:\d: 'a(\.b)?' refers to itself through a YAML alias\. Fix"):
        parse_yaml(text, label="f")


def test_non_scalar_keys_are_rejected() -> None:
    with pytest.raises(ConfigError, match=r"^f:2: a key under 'a' is a list; config keys must be plain names"):
        parse_yaml("a:\n  ? [x, y]\n  : 1\n", label="f")


def test_duplicate_inside_a_list_item_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"^f:3: duplicate key 'l.k' \(first set at line 2\)"):
        parse_yaml("l:\n  - k: 1\n    k: 2\n", label="f")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("just text\n", "the scalar 'just text'"), ("!!set {a, b}\n", "a set"), ("[1, 2]\n", "a list")],
)
def test_top_level_kinds(text: str, kind: str) -> None:
    with pytest.raises(ConfigError, match=rf"^f:1: the top level must be a mapping .* got {kind}\. Fix"):
        parse_yaml(text, label="f")


def test_several_documents_are_rejected() -> None:
    with pytest.raises(ConfigError, match=r"^f:2:1: YAML syntax error: .*Fix the indentation/quoting"):
        parse_yaml("a: 1\n---\nb: 2\n", label="f")


def test_python_tags_are_rejected_with_a_position() -> None:
    with pytest.raises(ConfigError, match=r"^f:1:4: YAML syntax error: could not determine a constructor"):
        parse_yaml("a: !!python/name:os.system x\n", label="f")


def test_control_characters_are_a_yaml_error() -> None:
    with pytest.raises(ConfigError, match=r"^f: YAML error: .*\. Fix the file's encoding or syntax\.$|^f:1:\d+: YAML"):
        parse_yaml("a: \x07\n", label="f")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("\ufeffname: caf\u00e9\n".encode())
    assert read_yaml(path, label="f.yaml").data == {"name": "caf\u00e9"}


def test_load_value_reads_yaml_scalars_and_flow() -> None:
    assert (load_value("8"), load_value("[a, b]"), load_value("x")) == (8, ["a", "b"], "x")


def test_same_results_with_the_pure_python_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from databricks_utils.config import _yaml_source

    text = "a:\n  b: [1, {c: 2}]\nd: &x {e: 1}\nf:\n  <<: *x\n  g: 2\n"
    fast = parse_yaml(text, label="f")
    monkeypatch.setattr(_yaml_source, "_Loader", yaml.SafeLoader)
    slow = parse_yaml(text, label="f")
    assert (slow.data, slow.lines) == (fast.data, fast.lines)
    with pytest.raises(ConfigError, match=r"^f: YAML error: unacceptable character #x0007.*\. Fix the file's"):
        parse_yaml("a: \x07\n", label="f")
