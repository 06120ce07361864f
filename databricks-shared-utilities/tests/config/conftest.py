"""Shared fixtures of the config tests: a clean loader cache, a clean DBX_ environment, a file writer."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from databricks_utils.config import ConfigLoader

Write = Callable[[str, str], Path]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    ConfigLoader.clear_cache()
    yield
    ConfigLoader.clear_cache()


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """os.environ without DBX_* variables (the Makefile exports DBX_SPARK__REQUIRE_DELTA for test runs)."""
    for name in list(os.environ):
        if name.upper().startswith("DBX_"):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


@pytest.fixture
def write(config_dir: Path) -> Write:
    """Write a dedented YAML file into the config folder and return its path."""

    def _write(name: str, text: str) -> Path:
        path = config_dir / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
