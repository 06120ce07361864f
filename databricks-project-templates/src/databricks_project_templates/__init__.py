"""databricks-project-templates: skeleton package, filled in by its own issue."""

from importlib.metadata import version

__version__ = version("databricks-project-templates")
__all__ = ["__version__"]
