from importlib.metadata import version

import databricks_ai_agents


def test_version_comes_from_the_installed_distribution() -> None:
    assert databricks_ai_agents.__version__ == version("databricks-ai-agents")
    assert databricks_ai_agents.__all__ == ["__version__"]


def test_depends_on_databricks_utils_from_this_workspace() -> None:
    import databricks_utils

    assert databricks_utils.__version__ == version("databricks-utils")
