"""Fixtures of the profiling tests: small DataFrames built inside the JVM (see databricks_utils.testing.frames)."""

import functools

import pytest

from databricks_utils.testing import build_frame


@pytest.fixture
def frame(spark_session):
    """``frame(rows, schema)``: a JVM-local DataFrame on the test's isolated session."""
    return functools.partial(build_frame, spark_session)
