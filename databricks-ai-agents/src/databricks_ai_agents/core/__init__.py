"""The agent framework: definitions (YAML), the agent contract, and the registry that joins them."""
