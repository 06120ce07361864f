from importlib.metadata import version

import databricks_project_templates


def test_version_comes_from_the_installed_distribution() -> None:
    assert databricks_project_templates.__version__ == version("databricks-project-templates")


def test_public_api_is_exported() -> None:
    for name in databricks_project_templates.__all__:
        assert getattr(databricks_project_templates, name) is not None
