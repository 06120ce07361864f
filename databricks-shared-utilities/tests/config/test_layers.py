"""Deep merge of layers with provenance; properties checked with hypothesis."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from databricks_utils.config._layers import DEFAULT, Layer, LayerStack, Origin, deep_merge

KEYS = st.sampled_from(["a", "b", "c", "d"])
LEAVES = st.one_of(st.integers(-3, 3), st.sampled_from(["x", "y"]), st.lists(st.integers(0, 2), max_size=2))
TREES = st.recursive(LEAVES, lambda inner: st.dictionaries(KEYS, inner, max_size=3), max_leaves=6)
MAPPINGS = st.dictionaries(KEYS, TREES, max_size=4)


def _shaped(depth: int) -> st.SearchStrategy[dict[str, object]]:
    """Mappings where a key is always a section ("a", "b") or always a value ("c", "d"), as in a schema."""
    values: st.SearchStrategy[dict[str, object]] = st.dictionaries(st.sampled_from(["c", "d"]), LEAVES, max_size=2)
    if depth == 0:
        return values
    sections = st.dictionaries(st.sampled_from(["a", "b"]), _shaped(depth - 1), max_size=2)
    return st.builds(lambda v, s: {**v, **s}, values, sections)


SHAPED = _shaped(3)
# Generation is cheap, but a CI machine busy with Spark tests can make it look slow: not a defect.
RELAXED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _leaves(tree: object, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    if isinstance(tree, dict) and tree:
        found: dict[tuple[str, ...], object] = {}
        for key, value in tree.items():
            found.update(_leaves(value, (*path, key)))
        return found
    return {path: tree}


@RELAXED
@given(SHAPED, SHAPED, SHAPED)
def test_merge_is_associative(a: dict[str, object], b: dict[str, object], c: dict[str, object]) -> None:
    # Only for consistently shaped layers: a mapping over a scalar starts afresh, so with a key that is a
    # mapping in one layer and a scalar in the next the grouping matters (as in every deep merge).
    assert deep_merge(deep_merge(a, b), c) == deep_merge(a, deep_merge(b, c))


@RELAXED
@given(MAPPINGS, MAPPINGS)
def test_later_layer_wins_on_every_leaf_it_sets(a: dict[str, object], b: dict[str, object]) -> None:
    merged = _leaves(deep_merge(a, b))
    for path, value in _leaves(b).items():
        if path and value != {}:
            assert merged[path] == value


@RELAXED
@given(MAPPINGS, MAPPINGS)
def test_leaves_not_overridden_survive(a: dict[str, object], b: dict[str, object]) -> None:
    merged = _leaves(deep_merge(a, b))
    b_paths = set(_leaves(b))
    for path, value in _leaves(a).items():
        shadowed = any(path[: len(p)] == p or p[: len(path)] == path for p in b_paths)
        if path and not shadowed:
            assert merged[path] == value


@RELAXED
@given(MAPPINGS, MAPPINGS)
def test_inputs_are_not_changed(a: dict[str, object], b: dict[str, object]) -> None:
    a_before, b_before = copy.deepcopy(a), copy.deepcopy(b)
    deep_merge(a, b)
    assert (a, b) == (a_before, b_before)


@RELAXED
@given(MAPPINGS)
def test_empty_layers_are_identities(a: dict[str, object]) -> None:
    assert deep_merge(a, {}) == a
    assert deep_merge({}, a) == a


def test_origins_follow_the_layer_that_set_each_key() -> None:
    stack = LayerStack({"spark": {"master": "m", "conf": {"x": "1"}}})
    f = Origin("f.yaml")
    stack.apply(
        Layer({"spark": {"conf": {"y": "2"}}}, fallback=f, origins={("spark", "conf", "y"): Origin("f.yaml", 3)})
    )
    assert stack.origins[("spark", "master")] is DEFAULT
    assert stack.origins[("spark", "conf", "x")] is DEFAULT
    assert str(stack.origins[("spark", "conf", "y")]) == "f.yaml:3"


def test_replacing_a_mapping_by_a_scalar_forgets_its_key_origins() -> None:
    stack = LayerStack({})
    stack.apply(Layer({"a": {"b": 1}}, fallback=Origin("one")))
    stack.apply(Layer({"a": 5}, fallback=Origin("two")))
    assert stack.data == {"a": 5}
    assert set(stack.origins) == {("a",)}
    stack.apply(Layer({"a": {"c": 1}}, fallback=Origin("three")))
    assert stack.data == {"a": {"c": 1}}


def test_null_restores_the_default_and_records_who_reset_it() -> None:
    stack = LayerStack({"a": {"b": 1}, "c": 2})
    stack.apply(Layer({"a": {"b": 5}, "c": 3, "d": 4}, fallback=Origin("one")))
    stack.apply(Layer({"a": None, "c": None, "d": None}, fallback=Origin("two", 7)))
    assert stack.data == {"a": {"b": 1}, "c": 2}
    assert str(stack.origins[("a", "b")]) == "default (reset by null at two:7)"
    assert set(stack.nulls) == {("a",), ("c",), ("d",)}


def test_nested_layer_origin_falls_back_to_the_enclosing_key() -> None:
    layer = Layer({"a": {"b": 1}}, fallback=Origin("f"), origins={("a",): Origin("f", 2)})
    assert str(layer.origin(("a", "b"))) == "f:2"
    assert str(layer.origin(("z",))) == "f"


def test_origin_text_lists_interpolated_variables() -> None:
    assert str(Origin("config/dev.yaml", 4, via=("HOST", "PORT"))) == "config/dev.yaml:4 via ${HOST}, ${PORT}"
    assert Origin("config/dev.yaml", 4, via=("HOST",)).location == "config/dev.yaml:4"
