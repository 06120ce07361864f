"""Files, Databricks source notebooks and .ipynb notebooks become Python with a map back to cells and lines."""

import json

import pytest

from databricks_ai_agents.lint import LintInputError, QualityConfig, review
from databricks_ai_agents.lint.sources import collect_files, read_source

DBX_NOTEBOOK = """# Databricks notebook source
from pyspark.sql import functions as F

# COMMAND ----------

# MAGIC %md
# MAGIC # Orders

# COMMAND ----------

# MAGIC %run ./setup

# COMMAND ----------

orders = spark.table("orders")
if orders.count() == 0:
    dbutils.notebook.exit("empty")
"""


def ipynb(*cells):
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "source": source, "metadata": {}, "outputs": [], "execution_count": None}
                if kind == "code"
                else {"cell_type": kind, "source": source, "metadata": {}}
                for kind, source in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def test_a_databricks_notebook_maps_findings_to_its_cells_and_file_lines(tmp_path):
    path = tmp_path / "orders_nb.py"
    path.write_text(DBX_NOTEBOOK, encoding="utf-8")
    source = read_source(path)
    assert source.kind == "databricks-notebook"
    assert [m.command for m in source.magics] == ["md", "run"]
    report = review([path], config=QualityConfig(select=["DBA102"]))
    [finding] = report.findings
    assert (finding.line, finding.cell) == (16, 4)
    assert report.files[0].kind == "databricks-notebook"


def test_an_ipynb_maps_findings_to_the_cell_and_the_line_within_it(tmp_path):
    path = tmp_path / "explore.ipynb"
    path.write_text(
        ipynb(
            ("markdown", "# Explore"),
            ("code", ["%pip install chispa\n", "from pyspark.sql import functions as F\n"]),
            ("code", "%%sql\nSELECT * FROM orders"),
            ("code", ["df = spark.table('orders')\n", "!ls /dbfs\n", "if df.count() == 0:\n", "    pass\n"]),
        ),
        encoding="utf-8",
    )
    source = read_source(path)
    assert source.kind == "ipynb"
    assert [m.text.split()[0] for m in source.magics] == ["%pip", "%%sql", "!ls"]
    report = review([path], config=QualityConfig(select=["DBA102"]))
    [finding] = report.findings
    assert (finding.cell, finding.line) == (4, 3)


def test_a_syntax_error_is_a_finding_and_the_other_files_are_still_reviewed(tmp_path):
    (tmp_path / "broken.py").write_text("def transform(df)\n    return df\n", encoding="utf-8")
    (tmp_path / "fine.py").write_text("import pyspark\nif df.count() == 0:\n    pass\n", encoding="utf-8")
    report = review([tmp_path], config=QualityConfig())
    by_file = {f.path.rsplit("/", 1)[-1]: [x.rule for x in f.findings] for f in report.files}
    assert by_file["broken.py"] == ["DBA001"]
    assert "DBA102" in by_file["fine.py"]
    broken = next(f for f in report.findings if f.rule == "DBA001")
    assert broken.line == 1
    assert "does not parse" in broken.message


def test_binary_non_utf8_and_bad_notebooks_are_skipped_with_the_reason(tmp_path):
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin.py").write_bytes("name = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    report = review([tmp_path, tmp_path / "notes.txt"], config=QualityConfig())
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in report.skipped}
    assert reasons["blob.py"] == "binary file"
    assert reasons["latin.py"].startswith("not UTF-8")
    assert "not a valid .ipynb" in reasons["bad.ipynb"]
    assert reasons["notes.txt"] == "not a Python file or notebook"
    assert report.files == []


def test_a_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(LintInputError, match=r"nope\.py: no such file or folder"):
        review([tmp_path / "nope.py"], config=QualityConfig())


def test_virtualenvs_caches_and_excluded_paths_are_not_walked(tmp_path):
    for folder in (".venv/lib", "build", "node_modules/x", "src/gen", "src/pkg"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text("x = 1\n", encoding="utf-8")
    files, _ = collect_files([tmp_path], exclude=("src/gen/*",))
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["src/pkg/m.py"]


def test_an_explicit_notebook_without_the_py_suffix_is_reviewed(tmp_path):
    path = tmp_path / "exported_notebook"
    path.write_text(DBX_NOTEBOOK, encoding="utf-8")
    files, skipped = collect_files([path])
    assert files == [path]
    assert skipped == []


def test_parallel_workers_give_the_same_report_as_one_process(tmp_path):
    (tmp_path / "tests").mkdir()
    for index in range(70):
        body = f"import pyspark\n\n\ndef step_{index}(df):\n    if df.count() == 0:\n        return df\n"
        body += "    return df.withColumn('x', df.a)\n" if index % 2 else "    return df  # noqa: DBA102\n"
        (tmp_path / f"job_{index:02d}.py").write_text(body, encoding="utf-8")
    test = "from job_00 import step_0\n\n\ndef test_it():\n    assert step_0\n"
    (tmp_path / "tests" / "test_job_00.py").write_text(test, encoding="utf-8")
    (tmp_path / "broken.py").write_text("def f(:\n", encoding="utf-8")
    one = review([tmp_path], config=QualityConfig(), jobs=1)
    two = review([tmp_path], config=QualityConfig(), jobs=2)
    assert one == two
    assert len(one.files) == 72
    assert {f.rule for f in one.findings} >= {"DBA001", "DBA102"}
