"""`databricks-agent serve` as IDE assistants run it: a real subprocess driven by the MCP SDK's stdio client."""

import json
import os
import sys
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def server_params(root, *extra, usage_log):
    return StdioServerParameters(
        command=sys.executable,
        args=["-c", "from databricks_ai_agents.cli.main import main; main()", "serve", "--root", str(root), *extra],
        # The client passes only a minimal environment; keep the test's usage log and no API key.
        env={"DATABRICKS_AGENT_USAGE_LOG": str(usage_log), "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=str(root),
    )


async def with_session(params, work):
    with Path(os.devnull).open("w") as errlog:  # the server's logs; the protocol is on stdout only
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await work(session)


def run(root, work, *extra, usage_log):
    return anyio.run(with_session, server_params(root, *extra, usage_log=usage_log), work)


def payload(result):
    assert result.structured_content is not None, result
    return result.structured_content


@pytest.fixture
def usage_log(tmp_path):
    return tmp_path / "usage.jsonl"


def test_tools_resources_and_prompts_are_generated_from_the_registry(tmp_path, usage_log):
    async def work(session):
        return (
            await session.list_tools(),
            await session.list_resources(),
            await session.list_prompts(),
            await session.read_resource("databricks-agent://agents/init"),
            await session.get_prompt("init", {"description": "orders from CSV"}),
        )

    tools, resources, prompts, agent_doc, prompt = run(tmp_path, work, usage_log=usage_log)
    by_name = {t.name: t for t in tools.tools}
    assert set(by_name) == {"init_project", "propose_project", "profile_data", "review_code", "list_templates"}
    init = by_name["init_project"]
    assert init.input_schema["required"] == ["description"]
    assert init.input_schema["properties"]["output_dir"]["x-workspace-path"] is True
    assert "force" not in init.input_schema["properties"]  # hidden: an assistant never overwrites a project
    assert (init.annotations.read_only_hint, init.annotations.destructive_hint) == (False, False)
    assert by_name["propose_project"].annotations.read_only_hint is True
    assert {str(r.uri) for r in resources.resources} == {
        "databricks-agent://templates/databricks-pipeline",
        "databricks-agent://agents/init",
        "databricks-agent://agents/profile",
        "databricks-agent://agents/quality",
        "databricks-agent://agents/template",
    }
    definition = json.loads(agent_doc.contents[0].text)
    assert definition["mcp"]["tool"] == "init_project"
    assert "description" in definition["input_schema"]["properties"]
    assert {p.name for p in prompts.prompts} == {"init", "profile", "quality", "template"}
    assert "orders from CSV" in prompt.messages[0].content.text


def test_init_project_creates_the_project_inside_the_root(tmp_path, usage_log):
    async def work(session):
        dry = await session.call_tool("init_project", {"description": "daily sales from CSV", "dry_run": True})
        created = await session.call_tool(
            "init_project",
            {"description": "daily sales from CSV", "output_dir": "projects", "answers": {"compute": "classic"}},
        )
        again = await session.call_tool(
            "init_project", {"description": "daily sales from CSV", "output_dir": "projects"}
        )
        return dry, created, again

    dry, created, again = run(tmp_path, work, usage_log=usage_log)
    assert not dry.is_error
    assert payload(dry)["written"] is False
    assert not (tmp_path / "daily-sales").exists()
    assert not created.is_error, created.content
    result = payload(created)
    project = tmp_path / "projects" / "daily-sales"
    assert result["project_dir"] == str(project)
    assert result["answers"]["compute"] == "classic"
    assert (project / "databricks.yml").is_file()
    recorded = json.loads((project / ".databricks-template.json").read_text(encoding="utf-8"))
    assert recorded["_generated_by"]["engine"] == "rules"
    assert recorded["_generated_by"]["reasons"]["source_format"] == "the description says 'csv'"
    # A second call does not overwrite: the tool has no force, and the error says what to do.
    assert again.is_error
    assert "already exists and is not empty" in again.content[0].text
    outcomes = [json.loads(line)["outcome"] for line in usage_log.read_text(encoding="utf-8").splitlines()]
    assert outcomes == ["dry_run", "created", "failed"]


@pytest.mark.parametrize("escape", ["..", "../elsewhere", "/", "sub/../../x", "link"])
def test_paths_escaping_the_root_are_refused_and_nothing_is_written(tmp_path, usage_log, escape):
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)  # a symlink out of the root is an escape too

    async def work(session):
        refused = await session.call_tool("init_project", {"description": "orders", "output_dir": escape})
        still_serving = await session.call_tool("propose_project", {"description": "orders from JSON"})
        return refused, still_serving

    refused, still_serving = run(root, work, usage_log=usage_log)
    assert refused.is_error
    assert "is outside the workspace root" in refused.content[0].text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]
    assert payload(still_serving)["answers"]["source_format"] == "json"


def test_bad_arguments_and_bad_answers_are_tool_errors_not_crashes(tmp_path, usage_log):
    async def work(session):
        return (
            await session.call_tool("init_project", {"description": ""}),
            await session.call_tool("init_project", {"description": "x", "answers": {"bogus": "1"}}),
            await session.call_tool("init_project", {"description": "x", "template": "no-such-template"}),
            await session.call_tool("list_templates", {}),
        )

    empty, bogus, unknown, listing = run(tmp_path, work, usage_log=usage_log)
    assert empty.is_error and "description" in empty.content[0].text
    assert bogus.is_error and "bogus is not an option of databricks-pipeline" in bogus.content[0].text
    assert unknown.is_error and "no-such-template" in unknown.content[0].text
    assert [t["name"] for t in payload(listing)["result"]] == ["databricks-pipeline"]
    assert list(Path(tmp_path).glob("*/databricks.yml")) == []


def test_read_only_serves_only_tools_that_write_nothing(tmp_path, usage_log):
    async def work(session):
        return await session.list_tools(), await session.list_prompts()

    tools, prompts = run(tmp_path, work, "--read-only", usage_log=usage_log)
    assert {t.name for t in tools.tools} == {"propose_project", "review_code", "list_templates"}
    assert all(t.annotations.read_only_hint for t in tools.tools)
    assert {p.name for p in prompts.prompts} == {"quality", "template"}


def test_streamable_http_on_loopback_serves_the_same_tools(tmp_path, usage_log):
    """The HTTP transport, started as a real subprocess on a free 127.0.0.1 port."""
    import socket
    import subprocess
    import time

    from mcp.client.streamable_http import streamable_http_client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from databricks_ai_agents.cli.main import main; main()", "serve"]
    server = subprocess.Popen(
        [*command, "--transport", "http", "--port", str(port), "--root", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "DATABRICKS_AGENT_USAGE_LOG": str(usage_log)},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)

        async def work():
            url = f"http://127.0.0.1:{port}/mcp"
            async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                proposal = await session.call_tool("propose_project", {"description": "orders from parquet"})
                return tools, proposal

        tools, proposal = anyio.run(work)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert {t.name for t in tools.tools} == {
        "init_project",
        "propose_project",
        "profile_data",
        "review_code",
        "list_templates",
    }
    assert payload(proposal)["answers"]["source_format"] == "parquet"


def test_profile_data_profiles_a_file_in_the_root_and_refuses_one_outside(tmp_path, usage_log):
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    rows = "".join(f"{i},{'NA' if i % 10 == 0 else i % 7},{'open' if i % 3 else 'shipped'}\n" for i in range(1, 61))
    (root / "data" / "orders.csv").write_text("order_id,score,status\n" + rows, encoding="utf-8")
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")

    async def work(session):
        profiled = await session.call_tool("profile_data", {"source": "data/orders.csv", "out_dir": "build/profile"})
        outside = await session.call_tool("profile_data", {"source": "../secret.csv"})
        escaping_out = await session.call_tool("profile_data", {"source": "data/orders.csv", "out_dir": "/tmp"})
        return profiled, outside, escaping_out

    profiled, outside, escaping_out = run(root, work, usage_log=usage_log)
    assert not profiled.is_error, profiled.content
    result = payload(profiled)
    columns = {c["name"]: c for c in result["profile"]["columns"]}
    assert result["profile"]["row_count"] == 60
    assert columns["score"]["suggested_reader_options"] == {"nullValue": "NA"}
    assert (root / "build" / "profile" / "profile.html").is_file()
    assert outside.is_error and "is outside the workspace root" in outside.content[0].text
    assert escaping_out.is_error and "out_dir" in escaping_out.content[0].text


def test_review_code_reviews_files_in_the_root_and_refuses_paths_outside(tmp_path, usage_log):
    root = tmp_path / "root"
    (root / "src").mkdir(parents=True)
    (root / "src" / "job.py").write_text("import pyspark\nif df.count() == 0:\n    pass\n", encoding="utf-8")
    (tmp_path / "elsewhere.py").write_text("x = 1\n", encoding="utf-8")

    async def work(session):
        tools = await session.list_tools()
        reviewed = await session.call_tool("review_code", {"paths": ["src"], "fail_on": "warning"})
        outside = await session.call_tool("review_code", {"paths": ["src", "../elsewhere.py"]})
        empty = await session.call_tool("review_code", {"paths": []})
        return tools, reviewed, outside, empty

    tools, reviewed, outside, empty = run(root, work, usage_log=usage_log)
    tool = next(t for t in tools.tools if t.name == "review_code")
    assert tool.annotations.read_only_hint is True
    assert tool.input_schema["properties"]["paths"]["x-workspace-path"] == "list"
    assert not reviewed.is_error, reviewed.content
    result = payload(reviewed)
    assert result["failed"] is True
    [finding] = result["report"]["files"][0]["findings"]
    assert (finding["rule"], finding["line"]) == ("DBA102", 2)
    assert outside.is_error and "is outside the workspace root" in outside.content[0].text
    assert empty.is_error
