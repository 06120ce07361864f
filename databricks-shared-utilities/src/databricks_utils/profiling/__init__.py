"""Profile a DataFrame: per-column statistics and semantics in a bounded number of Spark queries.

Importing this package imports no pyspark. :func:`profile_dataframe` measures (at most 3 Spark
queries whatever the number of columns); the pure functions of
:mod:`databricks_utils.profiling.classify` decide what each column means.

Example:
    >>> from databricks_utils.profiling import profile_dataframe
    >>> profile = profile_dataframe(spark.table("main.sales.orders").limit(100_000).cache())  # doctest: +SKIP
    >>> profile.column("order_id").semantic_class  # doctest: +SKIP
    <SemanticClass.IDENTIFIER: 'identifier'>
"""

from databricks_utils.profiling.classify import (
    StringTypeInference,
    TypeFamily,
    classify_column,
    infer_string_type,
    is_all_distinct,
    type_family,
)
from databricks_utils.profiling.findings import Finding, RuleProposal
from databricks_utils.profiling.model import (
    CandidateKey,
    ColumnProfile,
    DatasetProfile,
    LengthStats,
    Quantiles,
    SemanticClass,
)
from databricks_utils.profiling.monte_carlo import monte_carlo_monitors
from databricks_utils.profiling.profiler import profile_dataframe
from databricks_utils.profiling.rules import propose_rules

__all__ = [
    "CandidateKey",
    "ColumnProfile",
    "DatasetProfile",
    "Finding",
    "LengthStats",
    "Quantiles",
    "RuleProposal",
    "SemanticClass",
    "StringTypeInference",
    "TypeFamily",
    "classify_column",
    "infer_string_type",
    "is_all_distinct",
    "monte_carlo_monitors",
    "profile_dataframe",
    "propose_rules",
    "type_family",
]
