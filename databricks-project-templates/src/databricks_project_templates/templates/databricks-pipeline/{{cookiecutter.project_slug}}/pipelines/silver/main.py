"""Silver entry point: validate bronze orders with data_validation/rules.yml, upsert valid rows, quarantine the rest."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from databricks_utils.quality import apply_rules, load_rules, write_validated

from {{ cookiecutter.package_name }}.runner import LayerRun, run_layers

from pipelines.silver.transform import standardise


def refine(run: LayerRun) -> Mapping[str, int]:
    """Validate every bronze order; MERGE valid rows on the key, append new quarantined rows.

    Re-running with the same bronze table changes neither table (see ``write_validated``).
    """
    rules = load_rules(run.path(run.settings.rules_path))
    # Cached: the summary and the writes read the input several times, and must all see the same rows.
    orders = standardise(run.spark.table(run.table("bronze"))).cache()
    try:
        result = apply_rules(orders, rules)
        summary = result.summary()
        write_validated(
            result,
            target_table=run.table("silver"),
            quarantine_table=run.table("quarantine"),
            keys=list(run.settings.keys),
            mode="merge",
        )
    finally:
        orders.unpersist()
    return {
        "input_rows": summary.total_rows,
        "valid_rows": summary.valid_rows,
        "quarantined_rows": summary.quarantined_rows,
        "warned_rows": summary.warned_rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Console script ``{{ cookiecutter.project_slug }}-silver``."""
    return run_layers(argv, [("silver", refine)], description=__doc__ or "silver")


if __name__ == "__main__":
    sys.exit(main())
