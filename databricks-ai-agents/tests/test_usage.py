"""The local usage log: where it is, writing and reading it, and what it says about template defaults."""

import json
import logging
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from databricks_ai_agents.errors import AgentError
from databricks_ai_agents.usage import (
    UsageLogError,
    UsageRecord,
    read_usage,
    record_usage,
    suggest,
    summarise,
    usage_log_path,
    usage_opt_out,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PIPELINE = "databricks-pipeline"


def run(answers=None, *, outcome="created", duration_s=1.0, template=PIPELINE, minutes=0, error=None):
    return UsageRecord(
        timestamp=T0 + timedelta(minutes=minutes),
        command="init",
        template=template,
        template_version="0.1.0",
        answers=answers or {},
        engine="rules",
        duration_s=duration_s,
        outcome=outcome,
        error=error,
    )


# --- where the log is --------------------------------------------------------------------------------------


def test_default_path_is_under_the_xdg_state_home_or_home():
    assert usage_log_path({"HOME": "/home/ana"}) == Path("/home/ana/.local/state/databricks-agent/usage.jsonl")
    assert usage_log_path({"HOME": "/home/ana", "XDG_STATE_HOME": "/state"}) == Path(
        "/state/databricks-agent/usage.jsonl"
    )
    # The XDG spec: a relative XDG_STATE_HOME is invalid and ignored.
    assert usage_log_path({"HOME": "/home/ana", "XDG_STATE_HOME": "rel"}) == Path(
        "/home/ana/.local/state/databricks-agent/usage.jsonl"
    )


def test_the_env_var_overrides_the_path_and_expands_the_home():
    env = {"XDG_STATE_HOME": "/state", "DATABRICKS_AGENT_USAGE_LOG": "~/logs/u.jsonl"}
    assert usage_log_path(env) == Path.home() / "logs" / "u.jsonl"
    assert usage_log_path({"DATABRICKS_AGENT_USAGE_LOG": "/tmp/u.jsonl"}) == Path("/tmp/u.jsonl")
    # An empty override is no override.
    assert usage_log_path({"HOME": "/h", "DATABRICKS_AGENT_USAGE_LOG": " "}) == Path(
        "/h/.local/state/databricks-agent/usage.jsonl"
    )


@pytest.mark.parametrize(
    ("env", "by"),
    [
        ({"DATABRICKS_AGENT_NO_USAGE": "1"}, "DATABRICKS_AGENT_NO_USAGE"),
        ({"DATABRICKS_AGENT_NO_USAGE": "TRUE"}, "DATABRICKS_AGENT_NO_USAGE"),
        ({"DATABRICKS_AGENT_NO_USAGE": "yes"}, "DATABRICKS_AGENT_NO_USAGE"),
        ({"DO_NOT_TRACK": "1"}, "DO_NOT_TRACK"),
        ({"DO_NOT_TRACK": "1", "DATABRICKS_AGENT_NO_USAGE": "on"}, "DATABRICKS_AGENT_NO_USAGE"),
    ],
)
def test_opting_out_wins_over_every_path(env, by):
    env = {**env, "DATABRICKS_AGENT_USAGE_LOG": "/tmp/u.jsonl", "HOME": "/h"}
    assert usage_opt_out(env) == by
    assert usage_log_path(env) is None


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off"])
def test_a_false_opt_out_value_keeps_tracking_on(value):
    env = {"DATABRICKS_AGENT_NO_USAGE": value, "DO_NOT_TRACK": value, "DATABRICKS_AGENT_USAGE_LOG": "/tmp/u.jsonl"}
    assert usage_opt_out(env) is None
    assert usage_log_path(env) == Path("/tmp/u.jsonl")


def test_without_an_environment_argument_the_process_environment_is_read(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABRICKS_AGENT_NO_USAGE", raising=False)
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    monkeypatch.setenv("DATABRICKS_AGENT_USAGE_LOG", str(tmp_path / "u.jsonl"))
    assert usage_log_path() == tmp_path / "u.jsonl"
    assert record_usage(run({"compute": "classic"})) is True
    assert [r.answers for r in read_usage(tmp_path / "u.jsonl").records] == [{"compute": "classic"}]
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    assert record_usage(run()) is False  # opted out: nothing written, no warning needed
    assert len(read_usage(tmp_path / "u.jsonl").records) == 1


# --- the record ----------------------------------------------------------------------------------------------


def test_a_record_is_validated_and_frozen():
    with pytest.raises(ValidationError, match="duration_s"):
        run(duration_s=-1)
    with pytest.raises(ValidationError, match="outcome"):
        run(outcome="done")
    with pytest.raises(ValidationError, match="extra_forbidden"):
        UsageRecord(command="init", template=PIPELINE, engine="rules", duration_s=1, outcome="created", user="ana")
    with pytest.raises(ValidationError, match="frozen"):
        run().outcome = "failed"


def test_timestamps_are_utc_and_now_stamps_the_current_time():
    assert run().timestamp == T0
    paris = timezone(timedelta(hours=1))
    record = UsageRecord(
        timestamp=datetime(2025, 3, 1, 13, 0, tzinfo=paris),
        command="init",
        template=PIPELINE,
        engine="llm",
        duration_s=0,
        outcome="dry_run",
    )
    assert record.timestamp == T0
    assert record.timestamp.tzinfo is UTC
    naive = UsageRecord(
        timestamp="2025-03-01T12:00:00",
        command="init",
        template=PIPELINE,
        engine="rules",
        duration_s=0,
        outcome="failed",
    )
    assert naive.timestamp == T0
    before = datetime.now(UTC)
    stamped = UsageRecord.now(command="init", template=PIPELINE, engine="rules", duration_s=0.5, outcome="created")
    assert before <= stamped.timestamp <= datetime.now(UTC)


def test_the_error_is_one_short_line_without_tokens():
    message = "render failed:\n  token dapi0123456789abcdef0123456789abcdef rejected\n" + "x" * 500
    error = run(outcome="failed", error=message).error
    assert "\n" not in error
    assert len(error) == 200
    assert error.startswith("render failed: token *** rejected x")
    assert error.endswith("…")
    assert "dapi0123" not in error


def test_secret_answers_are_redacted_by_name_and_by_shape(tmp_path):
    log = tmp_path / "usage.jsonl"
    record = run(
        {
            "compute": "classic",
            "API_KEY": "abc",
            "access_token": "t0k",
            "db_password": "hunter2",
            "client_secret": "s",
            "notes": "use Bearer abcdefghijklmnop",
            "host_token_value": "dapi0123456789abcdef0123456789abcdef",
            "owner_email": "ana@example.com",
        }
    )
    assert record_usage(record, path=log) is True
    line = log.read_text(encoding="utf-8")
    for secret in ('abc"', "t0k", "hunter2", '"s"', "abcdefghijklmnop", "dapi0123"):
        assert secret not in line
    answers = json.loads(line)["answers"]
    assert answers == {
        "compute": "classic",
        "API_KEY": "***",
        "access_token": "***",
        "db_password": "***",
        "client_secret": "***",
        "notes": "***",
        "host_token_value": "***",
        "owner_email": "ana@example.com",
    }


# --- writing and reading -------------------------------------------------------------------------------------


def test_records_round_trip_in_order_and_parent_folders_are_created(tmp_path):
    log = tmp_path / "deep" / "state" / "usage.jsonl"
    written = [run({"compute": "classic"}), run({"compute": "serverless"}, outcome="dry_run", minutes=1)]
    assert all(record_usage(record, path=log) for record in written)
    assert read_usage(log).records == tuple(written)
    assert read_usage(str(log)).skipped == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["timestamp"] == "2025-03-01T12:00:00Z"
    assert log.stat().st_mode & 0o777 == 0o600  # private to the user


def test_a_missing_log_is_empty(tmp_path):
    log = read_usage(tmp_path / "never-written.jsonl")
    assert (log.records, log.skipped, log.path) == ((), 0, tmp_path / "never-written.jsonl")


def test_corrupt_lines_are_skipped_and_counted(tmp_path):
    log = tmp_path / "usage.jsonl"
    good = run({"compute": "classic"})
    record_usage(good, path=log)
    with log.open("ab") as file:
        file.write(b"not json\n")
        file.write(b"\n")  # blank lines are not records, nor corruption
        file.write(b'{"command": "init"}\n')  # valid JSON, not a record
        file.write(b"\xff\xfe\n")  # not UTF-8
        file.write(json.dumps({**json.loads(good.model_dump_json()), "surprise": 1}).encode() + b"\n")
    record_usage(good, path=log)
    with log.open("ab") as file:
        file.write(b'{"timestamp": "2025-03-01T12:00:00Z", "comm')  # a torn last write
    parsed = read_usage(log)
    assert parsed.records == (good, good)
    assert parsed.skipped == 5


def test_a_folder_is_not_a_log(tmp_path):
    with pytest.raises(UsageLogError, match=r"usage log .* is a folder\. Fix: pass --log a \.jsonl file") as caught:
        read_usage(tmp_path)
    assert isinstance(caught.value, AgentError)


def test_an_unwritable_log_warns_once_and_returns_false(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="databricks_ai_agents"):
        assert record_usage(run(), path=blocker / "usage.jsonl") is False
        assert record_usage(run(), path=tmp_path) is False  # a folder in the way
    warnings = [r for r in caplog.records if r.name.startswith("databricks_ai_agents")]
    assert len(warnings) == 2
    assert all(r.levelno == logging.WARNING for r in warnings)
    assert "usage not recorded: cannot write" in warnings[0].getMessage()
    assert "DATABRICKS_AGENT_USAGE_LOG" in warnings[0].getMessage()
    assert warnings[0].exc_info is None  # one line, no traceback


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_a_read_only_folder_does_not_raise(tmp_path, caplog):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with caplog.at_level(logging.WARNING, logger="databricks_ai_agents"):
            assert record_usage(run(), path=folder / "usage.jsonl") is False
        assert "Permission denied" in caplog.text
    finally:
        folder.chmod(0o700)


def test_concurrent_appends_keep_every_line_whole(tmp_path):
    log = tmp_path / "usage.jsonl"
    long_answers = {f"option_{i}": "v" * 50 for i in range(40)}  # ~2.5 kB lines: interleaving would show
    threads = [
        threading.Thread(target=lambda i=i: [record_usage(run(long_answers, minutes=i), path=log) for _ in range(20)])
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    parsed = read_usage(log)
    assert (len(parsed.records), parsed.skipped) == (160, 0)


def test_concurrent_processes_append_whole_lines(tmp_path):
    log = tmp_path / "usage.jsonl"
    script = (
        "import sys\n"
        "from databricks_ai_agents.usage import UsageRecord, record_usage\n"
        "r = UsageRecord(timestamp='2025-03-01T12:00:00Z', command='init', template='t', engine='rules',"
        " duration_s=1, outcome='created', answers={f'o{i}': 'v' * 60 for i in range(50)})\n"
        "assert all(record_usage(r, path=sys.argv[1]) for _ in range(25))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(log)]) for _ in range(4)]
    assert [proc.wait(timeout=60) for proc in procs] == [0, 0, 0, 0]
    parsed = read_usage(log)
    assert (len(parsed.records), parsed.skipped) == (100, 0)


def test_importing_the_module_stays_light():
    probe = (
        "import sys\n"
        "import databricks_ai_agents.usage\n"
        "heavy = ('databricks_utils', 'databricks_project_templates', 'cookiecutter', 'anthropic', 'pyspark', 'mcp')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- summarise -------------------------------------------------------------------------------------------------


def test_summarise_counts_outcomes_median_time_and_created_answers():
    records = [
        run({"compute": "classic", "cloud": "aws"}, duration_s=2.0),
        run({"compute": "classic", "cloud": "azure"}, duration_s=4.0),
        run({"compute": "serverless", "cloud": "aws"}, duration_s=9.0),
        run({"compute": "serverless"}, outcome="dry_run", duration_s=0.1),
        run({"compute": "serverless"}, outcome="failed", duration_s=0.2, error="boom"),
        run({"flavour": "x"}, template="other", outcome="dry_run"),
    ]
    pipeline, other = summarise(records)
    assert pipeline.template == PIPELINE
    assert (pipeline.runs, pipeline.created, pipeline.dry_runs, pipeline.failed) == (5, 3, 1, 1)
    assert pipeline.median_duration_s == 4.0
    # Only created projects count, most chosen value first, ties by value.
    assert pipeline.answers == {"compute": {"classic": 2, "serverless": 1}, "cloud": {"aws": 2, "azure": 1}}
    assert list(pipeline.answers["compute"]) == ["classic", "serverless"]
    assert (other.template, other.runs, other.created, other.median_duration_s, other.answers) == (
        "other",
        1,
        0,
        None,
        {},
    )
    assert summarise([]) == ()


# --- suggest ---------------------------------------------------------------------------------------------------

DEFAULTS = {PIPELINE: {"compute": "serverless", "cloud": "aws", "catalog_dev": "dev"}}


def created(compute_values, **other):
    return [run({"compute": value, **other}, minutes=i) for i, value in enumerate(compute_values)]


def test_suggest_proposes_the_value_usage_clearly_favours():
    records = created(["classic"] * 8 + ["serverless"] * 2)
    (suggestion,) = suggest(records, DEFAULTS)
    assert (suggestion.template, suggestion.option, suggestion.current_default, suggestion.proposed) == (
        PIPELINE,
        "compute",
        "serverless",
        "classic",
    )
    assert (suggestion.count, suggestion.runs, suggestion.share) == (8, 10, 0.8)
    assert suggestion.reason == "8 of 10 created projects (80%) chose compute=classic; the default is serverless"
    assert suggestion.model_dump(mode="json")["share"] == 0.8


def test_suggest_stays_quiet_when_usage_is_not_clear_or_agrees_with_the_default():
    assert suggest(created(["classic"] * 5 + ["serverless"] * 5), DEFAULTS) == ()  # 50 %: no clear winner
    assert suggest(created(["serverless"] * 9 + ["classic"]), DEFAULTS) == ()  # usage agrees with the default
    assert suggest(created(["classic"] * 6 + ["serverless"] * 4), DEFAULTS, min_share=0.7) == ()
    assert len(suggest(created(["classic"] * 6 + ["serverless"] * 4), DEFAULTS, min_share=0.6)) == 1


def test_suggest_counts_only_created_runs():
    records = created(["serverless"] * 5) + [
        run({"compute": "classic"}, outcome=outcome) for outcome in ["dry_run", "failed"] * 10
    ]
    assert suggest(records, DEFAULTS) == ()


def test_suggest_needs_min_runs():
    four = created(["classic"] * 4)
    assert suggest(four, DEFAULTS) == ()
    assert [s.proposed for s in suggest(four, DEFAULTS, min_runs=4)] == ["classic"]
    # Runs that never answered the option (an older template version) do not count towards it.
    older = [*four, run({"cloud": "aws"}, minutes=9)]
    assert suggest(older, DEFAULTS) == ()


def test_suggest_skips_identity_and_near_unique_options():
    records = [
        run(
            {
                "project_name": "Same Name",
                "project_slug": "same-name",
                "package_name": "same_name",
                "description": "Same",
                "owner_email": "team@corp.com",
                "author_name": "Ana",
                "catalog_dev": f"dev_{i % 6}",  # 6 distinct values in 10 runs: nearly unique
            },
            minutes=i,
        )
        for i in range(10)
    ]
    defaults = {
        PIPELINE: {
            "project_name": "Orders Pipeline",
            "project_slug": "orders-pipeline",
            "package_name": "orders_pipeline",
            "description": "A pipeline",
            "owner_email": "data@example.com",
            "author_name": "Someone",
            "catalog_dev": "dev",
        }
    }
    assert suggest(records, defaults, min_share=0.1) == ()
    # A free-text option that most people set the same way is fair game.
    shared = [run({"catalog_dev": "main"}, minutes=i) for i in range(9)] + [run({"catalog_dev": "dev"})]
    assert [(s.option, s.proposed) for s in suggest(shared, defaults)] == [("catalog_dev", "main")]


def test_suggest_never_proposes_a_redacted_value_nor_options_or_templates_it_was_not_given():
    records = created(["classic"] * 10, api_key="abc", cloud="gcp")
    assert [(s.option, s.proposed) for s in suggest(records, {PIPELINE: {"api_key": "", "compute": "classic"}})] == []
    assert suggest(records, {"other-template": {"compute": "serverless"}}) == ()


def test_suggestions_are_ordered_by_template_then_strength():
    records = created(["classic"] * 7 + ["serverless"] * 3, cloud="gcp") + [
        run({"mode": "b"}, template="a-template", minutes=i) for i in range(5)
    ]
    defaults = {**DEFAULTS, "a-template": {"mode": "a"}}
    found = suggest(records, defaults)
    assert [(s.template, s.option, s.share) for s in found] == [
        ("a-template", "mode", 1.0),
        (PIPELINE, "cloud", 1.0),
        (PIPELINE, "compute", 0.7),
    ]
    assert suggest(list(reversed(records)), defaults) == found
