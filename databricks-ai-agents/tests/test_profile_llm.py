"""`databricks-agent profile --engine llm`: the real anthropic SDK in a CLI subprocess talks to the loopback
Messages API server (tests/conftest.py), never the real API; every rule Claude proposes is checked on the data."""

import json
import os
import subprocess
import sys

import pytest

from databricks_ai_agents.testing import tool_use

pytestmark = [pytest.mark.spark, pytest.mark.subprocess]

CSV = "order_id,customer,amount,status\n" + "".join(
    f"{i},C{i % 40:03d},{10 + i % 90}.5,{'open' if i % 3 else 'shipped'}\n" for i in range(1, 121)
)


def test_claude_names_columns_and_only_rules_that_hold_are_kept(messages_api, tmp_path):
    (tmp_path / "orders.csv").write_text(CSV, encoding="utf-8")
    messages_api.reply(
        200,
        tool_use(
            "propose_semantics_and_rules",
            {
                "semantics": {"amount": "order amount in EUR", "ghost": "not a column"},
                "rules": [
                    {
                        "name": "customer_code",
                        "check": "matches_regex",
                        "column": "customer",
                        "arguments": {"pattern": "^C[0-9]{3}$"},
                        "criticality": "warn",
                    },
                    {"name": "small_ids", "check": "in_range", "column": "order_id", "arguments": {"max": 100}},
                    {"name": "ghost_present", "check": "not_null", "column": "ghost"},
                    {"name": "odd", "check": "bogus", "column": "amount"},
                ],
            },
        ),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env |= {"ANTHROPIC_API_KEY": "sk-ant-loopback", "ANTHROPIC_BASE_URL": messages_api.url}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from databricks_ai_agents.cli.main import main; main()",
            "--json",
            "profile",
            "orders.csv",
            "--engine",
            "llm",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "llm"
    assert payload["semantics"] == {"amount": "order amount in EUR"}
    rules = {r["name"]: r for r in payload["proposal"]["rules"]["rules"]}
    assert rules["customer_code"]["provenance"]["source"] == "llm"
    assert "small_ids" not in rules and "ghost_present" not in rules and "odd" not in rules
    dropped = " ".join(f["message"] for f in payload["proposal"]["findings"])
    assert "'small_ids' was dropped: it fails on 20 of the profiled rows" in dropped
    assert "'ghost_present' was dropped: it names a column the data does not have" in dropped
    assert "'odd' was dropped: not a valid rule" in dropped
    [request] = messages_api.requests
    prompt = request["body"]["messages"][0]["content"]
    assert "order_id | int | identifier" in prompt
