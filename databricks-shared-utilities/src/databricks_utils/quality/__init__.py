"""Data-quality rules for medallion pipelines: one YAML format, validated, exported to DQX, Lakeflow and Delta.

Importing this package imports no pyspark. The rules format is documented in
:mod:`databricks_utils.quality.model` and ``specs/001-ai-native-data-eng-process/contracts/rules.md``.

Example:
    >>> from databricks_utils.quality import load_rules, to_lakeflow_expectations
    >>> rules = load_rules("data_validation/rules.yml")  # doctest: +SKIP
    >>> to_lakeflow_expectations(rules).expect_or_drop  # doctest: +SKIP
    {'order_id_present': '`order_id` IS NOT NULL'}
"""

from databricks_utils.errors.exceptions import RuleError, RuleFileNotFoundError
from databricks_utils.quality.constraints import (
    LakeflowExpectations,
    rule_to_sql,
    to_delta_check_constraints,
    to_lakeflow_expectations,
)
from databricks_utils.quality.dataset_checks import DatasetCheckResult
from databricks_utils.quality.dqx import DqxExport, dump_dqx, from_dqx, to_dqx
from databricks_utils.quality.evaluator import (
    ERRORS_COLUMN,
    WARNINGS_COLUMN,
    ValidationResult,
    ValidationSummary,
    apply_rules,
)
from databricks_utils.quality.loader import dump_rules, load_rules, parse_rules
from databricks_utils.quality.model import (
    CHECK_ARGUMENTS,
    DATASET_CHECKS,
    ROW_CHECKS,
    CheckName,
    Criticality,
    Provenance,
    Rule,
    RuleSet,
)
from databricks_utils.quality.sql_safety import validate_sql_expression
from databricks_utils.quality.writer import WriteOutcome, batch_fingerprint, write_validated

__all__ = [
    "CHECK_ARGUMENTS",
    "DATASET_CHECKS",
    "ERRORS_COLUMN",
    "ROW_CHECKS",
    "WARNINGS_COLUMN",
    "CheckName",
    "Criticality",
    "DatasetCheckResult",
    "DqxExport",
    "LakeflowExpectations",
    "Provenance",
    "Rule",
    "RuleError",
    "RuleFileNotFoundError",
    "RuleSet",
    "ValidationResult",
    "ValidationSummary",
    "WriteOutcome",
    "apply_rules",
    "batch_fingerprint",
    "dump_dqx",
    "dump_rules",
    "from_dqx",
    "load_rules",
    "parse_rules",
    "rule_to_sql",
    "to_delta_check_constraints",
    "to_dqx",
    "to_lakeflow_expectations",
    "validate_sql_expression",
    "write_validated",
]
