"""databricks-ai-agents: the databricks-agent CLI and MCP server, and the agents behind them."""

# A literal, not importlib.metadata (~70 ms at import): `databricks-agent --help` must start fast.
# tests/test_package.py checks it against the installed distribution.
__version__ = "0.1.0"
__all__ = ["__version__"]
