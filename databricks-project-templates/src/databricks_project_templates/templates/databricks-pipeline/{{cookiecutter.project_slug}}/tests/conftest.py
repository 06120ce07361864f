"""Shared test helpers. Spark fixtures (``spark_session``, ``temp_tables``...) come from the databricks-utils
pytest plugin: one local JVM per test run, an isolated session per test."""

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_root() -> Path:
    """The project folder (holds config/, data_validation/ and data/sample/)."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def project_root_path() -> Path:
    """:func:`project_root` for module- and session-scoped fixtures."""
    return PROJECT_ROOT
