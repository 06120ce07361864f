"""`databricks-agent profile`: a real CSV profiled by real local Spark in a CLI subprocess, reports written."""

import json
import subprocess
import sys

import pytest
import yaml

from databricks_ai_agents.testing import run_cli as agent

pytestmark = [pytest.mark.spark, pytest.mark.subprocess]

STATUSES = ("shipped", "shipped", "shipped", "open", "cancelled")


def orders_csv(rows=200):
    """Orders as an export would write them: a sentinel 'NA' in a numeric column, one huge amount, a column
    name with a space and one with unicode, one missing customer."""
    lines = ["order_id,customer,amount,status,order_date,discount pct,größe"]
    for i in range(1, rows + 1):
        amount = "99999.0" if i == 77 else f"{10 + (i * 37) % 90}.{i % 100:02d}"
        discount = "NA" if i % 10 == 0 else str(i % 15)
        customer = "" if i == 5 else f"C{i % 40:03d}"
        lines.append(
            f"{i},{customer},{amount},{STATUSES[i % 5]},2024-{1 + i % 12:02d}-{1 + i % 28:02d},{discount},{i % 3}"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def profiled(tmp_path_factory):
    work = tmp_path_factory.mktemp("profile")
    (work / "orders.csv").write_text(orders_csv(), encoding="utf-8")
    result = agent("--json", "profile", "orders.csv", "--out", "report", cwd=work)
    assert result.returncode == 0, result.stderr
    return work, json.loads(result.stdout)


def test_the_profile_finds_keys_sentinels_outliers_and_odd_names(profiled):
    _, payload = profiled
    profile = payload["profile"]
    columns = {c["name"]: c for c in profile["columns"]}
    assert profile["row_count"] == 200
    assert profile["jobs_used"] <= 3
    assert columns["order_id"]["semantic_class"] == "identifier"
    assert columns["status"]["semantic_class"] == "categorical"
    assert columns["discount pct"]["sentinel_tokens"] == ["NA"]
    assert columns["discount pct"]["suggested_reader_options"] == {"nullValue": "NA"}
    assert columns["amount"]["outliers"] >= 1
    assert "größe" in columns


def test_the_reports_and_rule_files_are_written_and_parse(profiled):
    work, payload = profiled
    report = work / "report"
    names = sorted(p.name for p in report.iterdir())
    assert names == sorted(
        ["profile.json", "profile.md", "profile.html", "rules.yml", "dqx_checks.yml", "monte_carlo.yml"]
    )
    assert json.loads((report / "profile.json").read_text(encoding="utf-8"))["row_count"] == 200
    rules = yaml.safe_load((report / "rules.yml").read_text(encoding="utf-8"))
    assert len(rules["rules"]) == len(payload["proposal"]["rules"]["rules"]) > 0
    assert all(r["provenance"]["source"] == "profiler" for r in rules["rules"])
    assert isinstance(yaml.safe_load((report / "dqx_checks.yml").read_text(encoding="utf-8")), list)
    assert yaml.safe_load((report / "monte_carlo.yml").read_text(encoding="utf-8"))
    assert "<svg" in (report / "profile.html").read_text(encoding="utf-8")


def test_the_proposed_rules_hold_on_the_data_they_came_from(profiled):
    """Applied with the rules evaluator to the same CSV, no row is quarantined."""
    work, _ = profiled
    probe = (
        "from databricks_utils.quality import apply_rules, load_rules\n"
        "from databricks_utils.spark import get_spark\n"
        "spark = get_spark()\n"
        "df = spark.read.options(header='true', inferSchema='true').csv('orders.csv')\n"
        "print(apply_rules(df, load_rules('report/rules.yml')).quarantine.count())\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0"


def test_text_output_is_a_summary_table(tmp_path):
    (tmp_path / "orders.csv").write_text(orders_csv(50), encoding="utf-8")
    result = agent("profile", "orders.csv", "--sample-rows", "30", "--seed", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "orders.csv: 30 rows, 7 columns" in result.stdout
    assert "seeded random sample of up to 30 rows (seed 3)" in result.stdout
    assert "nulls written as NA" in result.stdout
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize(
    ("args", "setup", "code", "message"),
    [
        (["missing.csv"], None, 1, "no such file or folder"),
        (["blob.bin"], "blob.bin", 1, "cannot tell the format from the file names"),
        (["broken.parquet"], "broken.parquet", 1, "cannot be read"),
        (["x.csv", "--sample-rows", "5", "--sample-fraction", "0.5"], "x.csv", 2, "not both"),
        (["x.csv", "--option", "nokey"], "x.csv", 2, "'nokey' is not KEY=VALUE"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, args, setup, code, message):
    if setup:
        (tmp_path / setup).write_text("a,b\n1,2\n", encoding="utf-8")
    result = agent("profile", *args, cwd=tmp_path)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_dataset_is_a_valid_profile_with_no_rules(tmp_path):
    (tmp_path / "empty.csv").write_text("a,b\n", encoding="utf-8")
    result = agent("--json", "profile", "empty.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["profile"]["row_count"] == 0
    assert payload["proposal"]["rules"]["rules"] == []
