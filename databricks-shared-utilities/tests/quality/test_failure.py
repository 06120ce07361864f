"""Failure: the three renderings of a rule's branches agree, NULL conditions count as passing."""

import pytest

from databricks_utils.quality.failure import Failure

pytestmark = pytest.mark.spark


def render(frame, failure):
    df = frame([(1,), (None,), (5,)], "x int")
    rows = df.select(failure.failed.alias("failed"), failure.reason.alias("reason"), failure.reasons.alias("reasons"))
    return [tuple(row) for row in rows.collect()]


def test_first_branch_that_fires_gives_the_reason(frame):
    from pyspark.sql import functions as sf

    x = sf.col("x")
    failure = Failure.first(
        Failure("r", ((x < 2, sf.lit("r: small")),)),
        Failure("r", ((x < 10, sf.lit("r: medium")),)),
    )
    assert render(frame, failure) == [
        (True, "r: small", ["r: small"]),
        (False, None, []),  # NULL conditions do not fire
        (True, "r: medium", ["r: medium"]),
    ]


def test_a_failure_without_branches_never_fires(frame):
    assert render(frame, Failure("r")) == [(False, None, [])] * 3


def test_first_needs_failures_of_one_rule(spark_session):
    with pytest.raises(ValueError, match=r"Failure.first needs failures of one rule, got \['a', 'b'\]"):
        Failure.first(Failure("a"), Failure("b"))
    with pytest.raises(ValueError, match="got \\[\\]"):
        Failure.first()
