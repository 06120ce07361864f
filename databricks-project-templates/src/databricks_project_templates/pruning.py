"""Which rendered files a set of answers switches off; the post-generation hook deletes them.

Standard library only (see :mod:`databricks_project_templates.answers`). Paths are relative to the
rendered project and may be globs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

CI_FILES: Final[Mapping[str, tuple[str, ...]]] = {
    "github": (".github",),
    "gitlab": (".gitlab-ci.yml",),
    "azure_devops": ("azure-pipelines.yml",),
}
SAMPLE_FORMATS: Final = ("csv", "json", "parquet")
CACHE_DIRS: Final = ("__pycache__", ".ruff_cache", ".pytest_cache", ".mypy_cache")
"""Tool caches that may sit in the template folder (an editable install, a lint run) and must not be copied."""


def paths_to_prune(answers: Mapping[str, object]) -> list[str]:
    """Paths (globs) of the rendered project that the answers switch off.

    Example:
        >>> paths_to_prune({"project_slug": "orders", "dashboard": "no", "ci_provider": "github",
        ...                 "source_format": "csv", "databricks_app": "yes", "streaming_ingestion": "yes",
        ...                 "ml_feature_table": "yes"})[:2]
        ['dashboards/*.lvdash.json', 'resources/orders.dashboard.yml']
    """
    slug = str(answers["project_slug"])
    prune: list[str] = []
    # The dashboards/ and databricks_apps/ folders stay, with a README saying how to add one later.
    if answers.get("dashboard") != "yes":
        prune += ["dashboards/*.lvdash.json", f"resources/{slug}.dashboard.yml"]
    if answers.get("databricks_app") != "yes":
        prune += [f"databricks_apps/{slug}", f"resources/{slug}.app.yml"]
    if answers.get("streaming_ingestion") != "yes":
        prune += ["pipelines/bronze/stream.py", "tests/unit/test_bronze_stream.py"]
    if answers.get("ml_feature_table") != "yes":
        prune += ["pipelines/gold/features.py", "tests/unit/test_gold_features.py"]
    chosen_ci = str(answers.get("ci_provider"))
    prune += [path for provider, paths in CI_FILES.items() if provider != chosen_ci for path in paths]
    chosen_format = str(answers.get("source_format"))
    prune += [f"data/sample/*.{fmt}" for fmt in SAMPLE_FORMATS if fmt != chosen_format]
    return prune
