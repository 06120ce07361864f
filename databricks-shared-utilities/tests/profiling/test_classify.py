import pytest

from databricks_utils.profiling import (
    SemanticClass,
    TypeFamily,
    classify_column,
    infer_string_type,
    is_all_distinct,
    type_family,
)


@pytest.mark.parametrize(
    ("spark_type", "family"),
    [
        ("string", TypeFamily.STRING),
        ("varchar(20)", TypeFamily.STRING),
        ("int", TypeFamily.INTEGRAL),
        ("bigint", TypeFamily.INTEGRAL),
        ("decimal(12,0)", TypeFamily.INTEGRAL),
        ("decimal(10,2)", TypeFamily.FRACTIONAL),
        ("double", TypeFamily.FRACTIONAL),
        ("date", TypeFamily.TEMPORAL),
        ("timestamp_ntz", TypeFamily.TEMPORAL),
        ("boolean", TypeFamily.BOOLEAN),
        ("array<int>", TypeFamily.NESTED),
        ("map<string,int>", TypeFamily.NESTED),
        ("struct<a:int>", TypeFamily.NESTED),
        ("binary", TypeFamily.OTHER),
    ],
)
def test_type_family(spark_type, family):
    assert type_family(spark_type) is family


def test_a_float_with_all_distinct_values_is_a_measure_not_a_key():
    assert classify_column(TypeFamily.FRACTIONAL, count=500, approx_distinct=500) is SemanticClass.MEASURE


def test_an_integer_with_all_distinct_values_is_an_identifier():
    assert classify_column(TypeFamily.INTEGRAL, count=500, approx_distinct=500) is SemanticClass.IDENTIFIER


def test_an_integer_repeating_few_values_is_categorical_and_otherwise_a_measure():
    assert classify_column(TypeFamily.INTEGRAL, count=500, approx_distinct=5) is SemanticClass.CATEGORICAL
    assert classify_column(TypeFamily.INTEGRAL, count=500, approx_distinct=300) is SemanticClass.MEASURE


@pytest.mark.parametrize(
    ("distinct", "mean_length", "inferred", "expected"),
    [
        (500, 8.0, "string", SemanticClass.IDENTIFIER),
        (500, 40.0, "string", SemanticClass.IDENTIFIER),
        (500, 120.0, "string", SemanticClass.FREE_TEXT),
        (480, 120.0, "string", SemanticClass.FREE_TEXT),
        (4, 7.0, "string", SemanticClass.CATEGORICAL),
        (300, 9.0, "string", SemanticClass.CATEGORICAL),
        (300, 36.0, "uuid", SemanticClass.IDENTIFIER),
        (500, 4.0, "integer", SemanticClass.IDENTIFIER),
        (500, 5.0, "decimal", SemanticClass.MEASURE),
        (200, 10.0, "date", SemanticClass.TEMPORAL),
        (2, 4.0, "boolean", SemanticClass.BOOLEAN),
    ],
)
def test_strings_are_classified_by_their_inferred_type_cardinality_and_length(
    distinct, mean_length, inferred, expected
):
    result = classify_column(
        TypeFamily.STRING,
        count=500,
        approx_distinct=distinct,
        inferred_type=inferred,
        mean_length=mean_length,
        wordy_share=0.9 if mean_length > 100 else 0.0,
    )

    assert result is expected


@pytest.mark.parametrize(
    ("family", "count", "expected"),
    [
        (TypeFamily.NESTED, 10, SemanticClass.NESTED),
        (TypeFamily.NESTED, 0, SemanticClass.NESTED),
        (TypeFamily.INTEGRAL, 0, SemanticClass.UNKNOWN),
        (TypeFamily.OTHER, 10, SemanticClass.UNKNOWN),
        (TypeFamily.BOOLEAN, 10, SemanticClass.BOOLEAN),
        (TypeFamily.TEMPORAL, 10, SemanticClass.TEMPORAL),
    ],
)
def test_classes_decided_by_type_alone(family, count, expected):
    assert classify_column(family, count=count, approx_distinct=None) is expected


def test_uniqueness_needs_two_values_and_tolerates_the_sketch_error():
    assert not is_all_distinct(1, 1)
    assert not is_all_distinct(10, None)
    assert is_all_distinct(1000, 960)
    assert not is_all_distinct(1000, 900)


def test_numbers_with_na_tokens_are_integers_with_a_null_value_suggestion():
    inference = infer_string_type(10, {"integer": 7, "decimal": 7}, {"NA": 2, "N/A": 1, "NULL": 0})

    assert inference.inferred_type == "integer"
    assert inference.share == pytest.approx(0.7)
    assert inference.sentinel_tokens == ("NA", "N/A")
    assert inference.sentinel_count == 3
    assert inference.reader_options == {"nullValue": "NA"}


def test_the_most_specific_type_wins_and_blanks_do_not_count_against_it():
    inference = infer_string_type(10, {"integer": 4, "decimal": 8}, {}, empties=2)

    assert (inference.inferred_type, inference.share) == ("decimal", 0.8)
    assert inference.reader_options == {}


def test_plain_text_is_a_string_and_tokens_in_it_are_not_sentinels():
    inference = infer_string_type(10, {"email": 1}, {"NA": 1}, empties=1)

    assert (inference.inferred_type, inference.share) == ("string", 0.9)
    assert inference.sentinel_tokens == ()


def test_tokens_in_a_non_numeric_type_are_not_sentinels():
    inference = infer_string_type(10, {"email": 9}, {"-": 1})

    assert inference.inferred_type == "email"
    assert inference.reader_options == {}


def test_a_column_of_only_tokens_or_no_values_is_a_string():
    assert infer_string_type(0, {}, {}).inferred_type == "string"
    only_tokens = infer_string_type(3, {}, {"NA": 3})
    assert (only_tokens.inferred_type, only_tokens.sentinel_tokens) == ("string", ())
