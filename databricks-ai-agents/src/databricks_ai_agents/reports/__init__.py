"""Reports for people: a dataset profile and the rules proposed from it, as Markdown or as one HTML page.

Stdlib, pydantic and Jinja only (no Spark): the reports render a :class:`~databricks_utils.profiling.DatasetProfile`
that was measured elsewhere.

Example:
    >>> from databricks_utils.profiling import DatasetProfile
    >>> profile = DatasetProfile(row_count=0, columns=(), jobs_used=1)
    >>> profile_markdown(profile, title="orders").startswith("# orders")
    True
"""

from databricks_ai_agents.reports.profile_html import profile_html
from databricks_ai_agents.reports.profile_markdown import profile_markdown

__all__ = ["profile_html", "profile_markdown"]
