"""The MCP server behind ``databricks-agent serve``: the registry's agents as tools, sandboxed to a root.

``mcp`` is imported only by :mod:`databricks_ai_agents.mcp_server.server`; importing this package is cheap.
"""

from databricks_ai_agents.mcp_server.sandbox import WorkspaceRoot

__all__ = ["WorkspaceRoot"]
