from pathlib import Path

import pytest

from databricks_utils.doctor import Check, run_checks


def test_checks_pass_in_this_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    checks = run_checks(None, None)
    assert all(isinstance(c, Check) for c in checks)
    assert {c.name: c.ok for c in checks} == {
        "java": True,
        "pyspark": True,
        "delta-spark": True,
        "delta jars": True,
        "spark mode": True,
    }


def test_missing_jars_name_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABRICKS_UTILS_JARS_DIR", str(tmp_path / "nothing-here"))
    jars = {c.name: c for c in run_checks(None, None)}["delta jars"]
    assert not jars.ok
    assert "run 'databricks-utils install-delta'" in jars.detail
