"""Fixtures for the logging tests: every test starts from, and leaves behind, the same logging state."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from databricks_utils.logging import DATABRICKS_ENV_FIELDS


@pytest.fixture(autouse=True)
def restore_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Save root handlers/level and every logger's level; restore them after the test.

    Also clears the Databricks id variables so a test run on a cluster sees the same (empty) context.
    """
    for variable in DATABRICKS_ENV_FIELDS:
        monkeypatch.delenv(variable, raising=False)
    root = logging.getLogger()
    handlers = list(root.handlers)
    root_level = root.level
    levels = {
        name: lg.level for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)
    }
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(root_level)
    for name, lg in logging.Logger.manager.loggerDict.items():
        if isinstance(lg, logging.Logger):
            lg.setLevel(levels.get(name, logging.NOTSET))


@pytest.fixture
def stream() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def json_lines(stream: io.StringIO) -> Callable[[], list[dict[str, object]]]:
    """Parse what was written to ``stream`` so far: one JSON object per line, nothing else."""

    def parse() -> list[dict[str, object]]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    return parse
