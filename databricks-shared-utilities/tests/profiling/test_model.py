import pytest

from databricks_utils.profiling import ColumnProfile, DatasetProfile, Quantiles, SemanticClass


def test_iqr_fences_are_one_and_a_half_iqr_outside_the_quartiles():
    quantiles = Quantiles(p01=0.0, p25=10.0, p50=15.0, p75=20.0, p99=30.0)

    assert quantiles.iqr_fences == (-5.0, 35.0)


def test_column_looks_up_a_profile_by_name_and_names_the_columns_when_absent():
    column = ColumnProfile(
        name="prix €", spark_type="double", semantic_class=SemanticClass.MEASURE, count=1, nulls=0, null_share=0.0
    )
    profile = DatasetProfile(row_count=1, columns=(column,), jobs_used=1)

    assert profile.column("prix €") is column
    with pytest.raises(KeyError, match="no column 'price' in the profile; columns: \\['prix €'\\]"):
        profile.column("price")


def test_profiles_are_frozen():
    profile = DatasetProfile(row_count=0, columns=(), jobs_used=1)

    with pytest.raises(ValueError, match="frozen"):
        profile.row_count = 3
