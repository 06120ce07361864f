"""The optional LLM engine: Claude through the anthropic SDK, imported only when an agent uses it."""
