"""The agents. Each has a deterministic engine that does the whole job offline."""
