"""Helpers for the rule tests: review a snippet as if it were a file at a given path."""

import textwrap

import pytest

from databricks_ai_agents.lint import review_text


@pytest.fixture
def hits():
    """``hits(code, "DBA102", path=...)``: the findings of one rule on a dedented snippet."""

    def run(code: str, rule: str, *, path: str = "src/project/transforms.py"):
        return [f for f in review_text(textwrap.dedent(code), path=path) if f.rule == rule]

    return run
