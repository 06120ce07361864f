from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import sys
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from databricks_utils.logging import JsonFormatter, TextFormatter, configure_logging, get_logger, log_context

# 2026-11-26T09:30:01Z; the milliseconds are set on the record separately, as LogRecord itself does.
FIXED_SECONDS = dt.datetime(2026, 11, 26, 9, 30, 1, tzinfo=dt.UTC).timestamp()
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


class PipelineError(Exception):
    pass


def _record(msg: str = "Loaded %d rows", args: tuple[object, ...] = (3,), **attributes: object) -> logging.LogRecord:
    record = logging.LogRecord("orders.pipeline", logging.INFO, __file__, 10, msg, args, None)
    record.created, record.msecs = FIXED_SECONDS, 123.0
    record.__dict__.update(attributes)
    return record


def _json(record: logging.LogRecord, **kwargs: object) -> dict[str, object]:
    return json.loads(JsonFormatter(static_context={}, **kwargs).format(record))


def test_json_line_has_the_documented_keys_in_order(stream, json_lines) -> None:
    configure_logging(stream=stream)

    get_logger("orders.pipeline").warning("Loaded %d rows from %s", 3, "s3")

    assert stream.getvalue().count("\n") == 1
    [line] = json_lines()
    assert list(line) == ["timestamp", "level", "logger", "message", "context"]
    assert line["level"] == "WARNING"
    assert line["logger"] == "orders.pipeline"
    assert line["message"] == "Loaded 3 rows from s3"
    assert line["context"] == {}


def test_json_timestamp_is_utc_iso_with_milliseconds_and_z() -> None:
    assert _json(_record())["timestamp"] == "2026-11-26T09:30:01.123Z"


def test_json_timestamp_of_a_live_record_is_now_in_utc(stream, json_lines) -> None:
    configure_logging(stream=stream)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)

    get_logger("orders").info("now")

    stamp = json_lines()[0]["timestamp"]
    assert TIMESTAMP.match(stamp)
    parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert before <= parsed <= dt.datetime.now(dt.UTC)


def test_extras_are_nested_and_cannot_clobber_reserved_keys() -> None:
    record = _record(level="fake", timestamp="fake", context="fake", message_id=7, table="orders")

    line = _json(record)

    assert line["level"] == "INFO"
    assert line["context"] == {}
    assert line["extra"] == {
        "level": "fake",
        "timestamp": "fake",
        "context": "fake",
        "message_id": 7,
        "table": "orders",
    }


def test_private_record_attributes_are_not_extras() -> None:
    assert "extra" not in _json(_record(_internal=1))


def test_unserialisable_extras_are_rendered_as_text_without_raising() -> None:
    cycle: list[object] = []
    cycle.append(cycle)
    record = _record(
        when=dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC),
        day=dt.date(2026, 11, 26),
        at=dt.time(9, 30),
        path=Path("/dbfs/tmp/x"),
        thing=object(),
        tags={"b", "a"},
        mixed=frozenset({1, "a"}),
        raw=b"\x00ab",
        key=SecretStr("hunter2"),
        numbers={1: "one", (2, 3): "pair"},
        broken=Unprintable(),
        cycle=cycle,
    )

    extra = _json(record)["extra"]

    assert extra["when"] == "2026-11-26T09:30:00+00:00"
    assert extra["day"] == "2026-11-26"
    assert extra["at"] == "09:30:00"
    assert extra["path"] == "/dbfs/tmp/x"
    assert extra["thing"].startswith("<object object at 0x")
    assert extra["tags"] == ["a", "b"]
    assert sorted(map(str, extra["mixed"])) == ["1", "a"]
    assert extra["raw"] == "b'\\x00ab'"
    assert extra["key"] == "**********"
    assert extra["numbers"] == {"1": "one", "(2, 3)": "pair"}
    assert extra["broken"] == "<unprintable Unprintable: RuntimeError>"
    assert "[[[" in json.dumps(extra["cycle"])


def test_bad_percent_args_still_produce_a_line() -> None:
    # Formatted directly: pytest's own capture handler re-raises the same TypeError when it formats the record.
    line = _json(_record("expected a number: %d", ("three",)))

    assert line["message"] == "expected a number: %d <args ('three',) not applied: TypeError>"


def test_exception_is_serialised_with_type_message_and_traceback(stream, json_lines) -> None:
    configure_logging(stream=stream)

    try:
        try:
            raise KeyError("region")
        except KeyError as err:
            raise PipelineError("load failed for orders") from err
    except PipelineError:
        get_logger("orders").exception("Batch %d failed", 3)

    line = json_lines()[0]
    assert line["level"] == "ERROR"
    assert line["message"] == "Batch 3 failed"
    exception = line["exception"]
    assert exception["type"] == f"{PipelineError.__module__}.PipelineError"
    assert exception["message"] == "load failed for orders"
    assert exception["traceback"].startswith("Traceback (most recent call last):")
    assert "KeyError: 'region'" in exception["traceback"]
    assert exception["traceback"].endswith("PipelineError: load failed for orders")


def test_builtin_exception_type_has_no_module_prefix() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        record = _record(exc_info=sys.exc_info())

    assert _json(record)["exception"]["type"] == "ValueError"
    assert record.exc_text is not None  # cached for the next handler, as logging.Formatter does


def test_exception_outside_except_block_adds_no_exception_key(stream, json_lines) -> None:
    configure_logging(stream=stream)

    get_logger("orders").exception("nothing was raised")

    assert "exception" not in json_lines()[0]


def test_stack_info_is_included(stream, json_lines) -> None:
    configure_logging(stream=stream)

    get_logger("orders").info("where am I", stack_info=True)

    assert json_lines()[0]["stack"].startswith("Stack (most recent call last):")


def test_non_ascii_is_written_as_is() -> None:
    line = JsonFormatter(static_context={}).format(_record("Größe %s", ("überschritten",)))

    assert "Größe überschritten" in line


def test_static_context_is_put_in_every_line_and_log_context_wins() -> None:
    formatter = JsonFormatter(static_context={"app": "orders", "env": "dev"})

    with log_context(env="prod", step="load"):
        line = json.loads(formatter.format(_record()))

    assert line["context"] == {"app": "orders", "env": "prod", "step": "load"}


def test_text_line_layout() -> None:
    clock = time.strftime("%H:%M:%S", time.localtime(FIXED_SECONDS))
    record = _record(table="orders", note="two words", empty="", count=3)

    with log_context(job="j1"):
        line = TextFormatter(static_context={}).format(record)

    assert (
        line
        == f'{clock}.123 INFO  orders.pipeline  Loaded 3 rows  job=j1 table=orders note="two words" empty="" count=3'
    )


def test_text_line_without_fields_has_no_trailing_separator() -> None:
    line = TextFormatter(static_context={}).format(_record())

    assert line.endswith("INFO  orders.pipeline  Loaded 3 rows")


def test_text_puts_traceback_and_stack_below_the_line(stream) -> None:
    configure_logging(fmt="text", stream=stream)

    try:
        raise ValueError("bad row")
    except ValueError:
        get_logger("orders").error("failed", exc_info=True, stack_info=True)

    first, *rest = stream.getvalue().splitlines()
    assert first.endswith("ERROR orders  failed")
    assert rest[0] == "Traceback (most recent call last):"
    assert "ValueError: bad row" in rest
    assert "Stack (most recent call last):" in rest


def test_text_renders_non_string_values_with_str() -> None:
    line = TextFormatter(static_context={}).format(_record(path=Path("/tmp/a b"), flag=True, none=None))

    assert line.endswith('path="/tmp/a b" flag=True none=None')


def test_formatter_reads_databricks_ids_when_built_without_static_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_JOB_ID", "42")
    formatter = JsonFormatter()
    monkeypatch.setenv("DATABRICKS_JOB_ID", "43")  # read once at build time, so this is not seen

    assert json.loads(formatter.format(_record()))["context"] == {"job_id": "42"}


def test_formatters_plug_into_any_stdlib_handler() -> None:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter(static_context={}))
    logger = logging.getLogger("tests.logging.own_handler")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("direct")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    assert json.loads(buffer.getvalue())["message"] == "direct"
