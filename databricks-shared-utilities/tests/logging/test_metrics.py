from __future__ import annotations

import logging

from databricks_utils.config.schema import ObservabilityConfig
from databricks_utils.logging import configure_logging, get_logger, log_context, log_metrics
from databricks_utils.logging.metrics import is_metric_record


def test_metric_line_shape(stream, json_lines) -> None:
    configure_logging(stream=stream)

    with log_context(table="orders"):
        log_metrics("rows_written", rows=120, seconds=3.5, table="orders", dry_run=False)

    [line] = json_lines()
    assert line["level"] == "INFO"
    assert line["logger"] == "databricks_utils.logging.metrics"
    assert line["message"] == "metric rows_written"
    assert line["metric"] == "rows_written"
    assert line["metrics"] == {"rows": 120, "seconds": 3.5, "table": "orders", "dry_run": False}
    assert line["context"] == {"table": "orders"}
    assert "extra" not in line


def test_metric_on_a_given_logger_points_at_the_caller(caplog) -> None:
    logger = get_logger("orders.pipeline")

    with caplog.at_level(logging.INFO):
        log_metrics("files", logger=logger, count=2)

    [record] = caplog.records
    assert record.name == "orders.pipeline"
    assert record.funcName == "test_metric_on_a_given_logger_points_at_the_caller"
    assert record.filename == "test_metrics.py"


def test_any_keyword_can_be_a_value_because_name_is_positional_only(stream, json_lines) -> None:
    configure_logging(stream=stream)

    log_metrics("model", name="churn", version=3)

    assert json_lines()[0]["metrics"] == {"name": "churn", "version": 3}


def test_metrics_disabled_drops_metric_lines_only(stream, json_lines) -> None:
    configure_logging(ObservabilityConfig(metrics_enabled=False), stream=stream)

    log_metrics("rows_written", rows=1)
    get_logger("orders").info("still logged")

    assert [line["message"] for line in json_lines()] == ["still logged"]


def test_reconfiguring_with_metrics_enabled_brings_them_back(stream, json_lines) -> None:
    configure_logging(ObservabilityConfig(metrics_enabled=False), stream=stream)
    configure_logging(ObservabilityConfig(metrics_enabled=True), stream=stream)

    log_metrics("rows_written", rows=1)

    assert [line["metric"] for line in json_lines()] == ["rows_written"]


def test_metrics_below_the_level_are_not_emitted(stream) -> None:
    configure_logging(level="WARNING", stream=stream)

    log_metrics("rows_written", rows=1)

    assert stream.getvalue() == ""


def test_plain_extra_named_metric_is_an_ordinary_extra(stream, json_lines) -> None:
    configure_logging(stream=stream)

    get_logger("orders").info("chose", extra={"metric": "rmse"})

    line = json_lines()[0]
    assert line["extra"] == {"metric": "rmse"}
    assert "metric" not in line
    assert not is_metric_record(logging.makeLogRecord({"metric": "rmse", "metrics": [1]}))


def test_metric_values_in_text_format(stream) -> None:
    configure_logging(fmt="text", stream=stream)

    with log_context(table="orders"):
        log_metrics("rows_written", rows=120, table="staging")

    assert stream.getvalue().rstrip().endswith("metric rows_written  table=orders rows=120 table=staging")
