"""What a profile tells a data engineer besides statistics: proposed rules, and findings that are not rules.

A finding is something worth a look that must not quarantine rows on day one: a column that is nearly
always filled (0.7 % nulls), sentinel tokens standing for nulls, outliers, a nearly unique column.

Example:
    >>> Finding(column="amount", kind="outliers", severity="warning",
    ...         message="12 values outside the IQR fences", evidence="p25=3.1, p75=9.8, fences [-6.95, 19.85]").kind
    'outliers'
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from databricks_utils.quality.model import RuleSet

FindingKind = Literal[
    "near_not_null",
    "sentinel_nulls",
    "outliers",
    "near_unique",
    "mixed_types",
    "all_null",
    "constant",
    "empty_dataset",
    "high_cardinality",
    "other",
]


class Finding(BaseModel):
    """One observation about the data that is reported, not enforced."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str | None = Field(default=None, description="The column, or None for the whole dataset.")
    kind: FindingKind
    severity: Literal["info", "warning"] = "info"
    message: str = Field(min_length=1, description="What was seen and what to do about it.")
    evidence: str = Field(default="", description="The statistics behind it, e.g. 'nulls 7 of 1000 (0.7 %)'.")


class RuleProposal(BaseModel):
    """Rules derived from a profile (each with provenance: evidence and confidence) and the findings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: RuleSet
    findings: tuple[Finding, ...] = ()
