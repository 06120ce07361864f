from __future__ import annotations

import io
import json
import logging
import subprocess
import sys

import pytest

from databricks_utils.config.schema import ObservabilityConfig
from databricks_utils.errors.exceptions import ConfigError
from databricks_utils.logging import HANDLER_NAME, JsonFormatter, TextFormatter, configure_logging, get_logger
from databricks_utils.logging.logger import DEFAULT_QUIET_LOGGERS, quiet_logger_levels

NO_QUIET = ObservabilityConfig(quiet_loggers={})


def _our_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]


def test_get_logger_returns_the_plain_stdlib_logger() -> None:
    logger = get_logger("orders.pipeline")

    assert logger is logging.getLogger("orders.pipeline")
    assert type(logger) is logging.Logger


def test_configure_three_times_keeps_one_handler_and_one_line_per_record(stream, json_lines) -> None:
    for _ in range(3):
        configure_logging(stream=stream)

    get_logger("orders").info("once")

    assert len(_our_handlers()) == 1
    assert [line["message"] for line in json_lines()] == ["once"]


def test_configure_again_moves_output_to_the_new_stream() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(stream=first)
    configure_logging(stream=second)

    get_logger("orders").info("after")

    assert first.getvalue() == ""
    assert "after" in second.getvalue()


def test_configure_leaves_handlers_it_did_not_install(stream) -> None:
    foreign = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(foreign)

    configure_logging(stream=stream)
    configure_logging(stream=stream)

    assert foreign in logging.getLogger().handlers
    assert len(_our_handlers()) == 1


def test_configure_defaults_to_json_at_info_on_stderr(capsys) -> None:
    configure_logging()

    get_logger("orders").debug("hidden")
    get_logger("orders").info("shown")

    assert logging.getLogger().level == logging.INFO
    [line] = capsys.readouterr().err.splitlines()
    assert json.loads(line)["message"] == "shown"


def test_configure_uses_config_level_and_format(stream) -> None:
    configure_logging(ObservabilityConfig(log_level="debug", log_format="text"), stream=stream)

    get_logger("orders").debug("detail")

    assert isinstance(_our_handlers()[0].formatter, TextFormatter)
    assert " DEBUG orders  detail" in stream.getvalue()


@pytest.mark.parametrize(("level", "expected"), [("debug", logging.DEBUG), ("ERROR", logging.ERROR), (15, 15)])
def test_level_argument_overrides_config(stream, level, expected) -> None:
    configure_logging(ObservabilityConfig(log_level="WARNING"), level=level, stream=stream)

    assert logging.getLogger().level == expected


def test_fmt_argument_overrides_config(stream) -> None:
    configure_logging(ObservabilityConfig(log_format="text"), fmt="json", stream=stream)

    assert isinstance(_our_handlers()[0].formatter, JsonFormatter)


def test_unknown_level_is_a_config_error_naming_the_value(stream) -> None:
    with pytest.raises(ConfigError, match=r"level must be DEBUG, .* got 'LOUD'"):
        configure_logging(level="LOUD", stream=stream)
    assert _our_handlers() == []


def test_unknown_format_is_a_config_error_naming_the_value(stream) -> None:
    with pytest.raises(ConfigError, match=r"fmt must be 'json' or 'text', got 'xml'"):
        configure_logging(fmt="xml", stream=stream)  # type: ignore[arg-type]  # the wrong value is the test


def test_third_party_logger_flows_through_our_handler(stream, json_lines) -> None:
    configure_logging(NO_QUIET, stream=stream)

    logging.getLogger("urllib3.connectionpool").info("Starting new HTTPS connection (1): example.com:443")

    [line] = json_lines()
    assert line["logger"] == "urllib3.connectionpool"
    assert line["message"] == "Starting new HTTPS connection (1): example.com:443"


def test_default_config_quiets_py4j_and_urllib3_below_warning(stream, json_lines) -> None:
    configure_logging(stream=stream)

    for name in ("py4j", "py4j.clientserver", "py4j.java_gateway", "urllib3"):
        logging.getLogger(name).info("noise")
    logging.getLogger("py4j.clientserver").warning("gateway closed")

    for name in DEFAULT_QUIET_LOGGERS:
        assert logging.getLogger(name).level == logging.WARNING
    assert [line["message"] for line in json_lines()] == ["gateway closed"]


def test_py4j_is_quiet_even_when_the_config_lists_no_quiet_loggers(stream) -> None:
    configure_logging(NO_QUIET, stream=stream)

    assert logging.getLogger("py4j.java_gateway").level == logging.WARNING


def test_quiet_levels_a_configured_parent_sets_default_children_and_an_explicit_child_wins() -> None:
    levels = quiet_logger_levels({"py4j.clientserver": "DEBUG", "py4j": "ERROR", "urllib3": "INFO"})

    assert levels == {
        "py4j": "ERROR",
        "py4j.clientserver": "DEBUG",
        "py4j.java_gateway": "ERROR",
        "urllib3": "INFO",
    }


def test_configured_quiet_levels_are_applied(stream) -> None:
    configure_logging(ObservabilityConfig(quiet_loggers={"databricks.sdk": "ERROR"}), stream=stream)

    assert logging.getLogger("databricks.sdk").level == logging.ERROR


@pytest.mark.subprocess
def test_importing_the_package_configures_no_logging() -> None:
    code = (
        "import logging, databricks_utils.logging as dl; "
        "root = logging.getLogger(); "
        "print(len(root.handlers), root.level, logging.getLogger('py4j').level)"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)

    assert result.stdout.split() == ["0", str(logging.WARNING), str(logging.NOTSET)]
