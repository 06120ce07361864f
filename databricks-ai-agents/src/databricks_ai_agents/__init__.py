"""databricks-ai-agents: skeleton package, filled in by its own issue."""

from importlib.metadata import version

__version__ = version("databricks-ai-agents")
__all__ = ["__version__"]
