"""Offline validation of Databricks Asset Bundles: ``databricks.yml``, its includes and targets, no workspace needed.

Structural checks always run (YAML, keys, includes, targets, variables, job task graphs) and every resource
is loaded into its ``databricks-bundles`` typed class; the official JSON schema is checked too when one is
at hand. Needs the ``bundle`` extra: ``pip install 'databricks-utils[bundle]'``.

Example:
    >>> from databricks_utils.bundle import validate_bundle
    >>> report = validate_bundle("my_project", target="dev")  # doctest: +SKIP
    >>> report.ok, [str(problem) for problem in report.problems]  # doctest: +SKIP
    (False, ["resources/orders_job.yml:24: resources.jobs.orders.tasks[2].depends_on[0].task_key: task ..."])
"""

from databricks_utils.bundle.json_schema import SCHEMA_ENV_VAR
from databricks_utils.bundle.loader import ROOT_FILE_NAMES
from databricks_utils.bundle.report import BundleProblem, BundleReport
from databricks_utils.bundle.validation import validate_bundle

__all__ = ["ROOT_FILE_NAMES", "SCHEMA_ENV_VAR", "BundleProblem", "BundleReport", "validate_bundle"]
