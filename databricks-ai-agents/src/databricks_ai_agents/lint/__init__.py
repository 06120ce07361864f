r"""The code reviewer behind ``databricks-agent quality``: PySpark and Databricks rules.

It reviews Python files and notebooks, with ``# noqa`` suppressions, ``pyproject.toml`` configuration,
scores and SARIF output.

Example:
    >>> from databricks_ai_agents.lint import review_text
    >>> [f.rule for f in review_text("if df.count() == 0:\\n    pass\\n", path="job.py")]  # doctest: +SKIP
    ['DBA102']
"""

from databricks_ai_agents.lint.config import QualityConfig, QualityConfigError, find_pyproject, load_config
from databricks_ai_agents.lint.engine import review, review_text
from databricks_ai_agents.lint.model import Category, FileReport, Finding, LintReport, RuleSpec, Severity
from databricks_ai_agents.lint.rules import all_rules
from databricks_ai_agents.lint.sources import LintInputError

__all__ = [
    "Category",
    "FileReport",
    "Finding",
    "LintInputError",
    "LintReport",
    "QualityConfig",
    "QualityConfigError",
    "RuleSpec",
    "Severity",
    "all_rules",
    "find_pyproject",
    "load_config",
    "review",
    "review_text",
]
