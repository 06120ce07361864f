from importlib.metadata import version

import databricks_ai_agents


def test_version_comes_from_the_installed_distribution() -> None:
    assert databricks_ai_agents.__version__ == version("databricks-ai-agents")
    assert databricks_ai_agents.__all__ == ["__version__"]
