"""The whole pipeline in one process (``make run``): bronze, silver, gold, sharing one Spark session."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from {{ cookiecutter.package_name }}.runner import run_layers

from pipelines.bronze.main import ingest
from pipelines.gold.main import aggregate
from pipelines.silver.main import refine

LAYERS = (("bronze", ingest), ("silver", refine), ("gold", aggregate))


def main(argv: Sequence[str] | None = None) -> int:
    """Console script ``{{ cookiecutter.project_slug }}-pipeline``."""
    return run_layers(argv, LAYERS, description=__doc__ or "pipeline")


if __name__ == "__main__":
    sys.exit(main())
