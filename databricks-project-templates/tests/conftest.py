"""Where the official Databricks bundle JSON schema is: read in place, never copied into this repository."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def bundle_schema_path() -> Path | None:
    """$DATABRICKS_BUNDLE_SCHEMA (CI downloads it), else ../shared/schemas next to this checkout, else /work/shared."""
    candidates = [
        Path(os.environ["DATABRICKS_BUNDLE_SCHEMA"]) if os.environ.get("DATABRICKS_BUNDLE_SCHEMA") else None,
        REPO.parent / "shared" / "schemas" / "databricks-bundle.schema.json",
        Path("/work/shared/schemas/databricks-bundle.schema.json"),
    ]
    return next((path for path in candidates if path is not None and path.is_file()), None)


@pytest.fixture(scope="session")
def bundle_schema() -> Path:
    """The schema file; a missing schema fails the tests that need it (it is part of what they check)."""
    path = bundle_schema_path()
    if path is None:
        pytest.fail("no Databricks bundle schema: set DATABRICKS_BUNDLE_SCHEMA or put it in ../shared/schemas")
    return path
