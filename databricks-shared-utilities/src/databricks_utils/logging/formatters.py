"""Log formatters: JSON lines for jobs and log pipelines, a readable single line for local work.

Both render the same fields and redact secrets (see :mod:`databricks_utils.logging.redaction`):

* the message, with ``%`` args applied (a bad args tuple is shown, not raised);
* ``context``: the Databricks ids read from the environment when the formatter is built, overlaid with
  the current :func:`~databricks_utils.logging.context.log_context` fields (a context field wins);
* ``extra``: every ``extra=`` field of the call. They are nested under their own key, never merged into
  the top level, so they cannot clobber ``timestamp``/``level``/``message``/... and the top-level schema of
  a line stays fixed (handy when the lines land in a Delta table);
* ``metric``/``metrics`` for records from :func:`~databricks_utils.logging.metrics.log_metrics`;
* ``exception`` (``type``, ``message``, ``traceback``) when the call had ``exc_info``, and ``stack``
  when it had ``stack_info``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from databricks_utils.logging.context import current_context, databricks_ids
from databricks_utils.logging.metrics import METRIC_FIELD, METRICS_FIELD, is_metric_record
from databricks_utils.logging.redaction import redact, redact_fields, safe_str

# Attributes every LogRecord has (plus those Formatter.format and Python 3.12 add): whatever else a record
# carries came from `extra=`.
_RECORD_ATTRIBUTES: Final = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_METRIC_RECORD_ATTRIBUTES: Final = _RECORD_ATTRIBUTES | {METRIC_FIELD, METRICS_FIELD}
_NEEDS_QUOTES: Final = re.compile(r'[\s"=]')


class _StructuredFormatter(logging.Formatter):
    """The field extraction shared by the JSON and text formatters."""

    def __init__(self, *, static_context: Mapping[str, object] | None = None) -> None:
        super().__init__()
        fields = databricks_ids() if static_context is None else static_context
        self._static_context: Mapping[str, object] = MappingProxyType(redact_fields(fields))

    def _message(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception as err:  # a wrong % args tuple must still produce a log line
            message = f"{safe_str(record.msg)} <args {safe_str(record.args)} not applied: {type(err).__name__}>"
        return redact(message)

    def _context(self) -> dict[str, object]:
        current = current_context()
        if not current:
            return dict(self._static_context)
        return {**self._static_context, **redact_fields(current)}

    def _extras(self, record: logging.LogRecord) -> dict[str, object]:
        attributes = vars(record)
        # A set difference in C: most records carry no extras and leave here without a Python-level loop.
        names = attributes.keys() - (_METRIC_RECORD_ATTRIBUTES if is_metric_record(record) else _RECORD_ATTRIBUTES)
        if not names:
            return {}
        # Iterate the record, not the set, to keep the caller's order of the extra= fields.
        return redact_fields({key: value for key, value in attributes.items() if key in names and key[:1] != "_"})

    def _exception_text(self, record: logging.LogRecord) -> str | None:
        if not record.exc_info or record.exc_info[1] is None:
            return None
        if not record.exc_text:
            # Cached on the record like logging.Formatter does, so a second handler does not format it again.
            record.exc_text = self.formatException(record.exc_info)
        return redact(record.exc_text)


class JsonFormatter(_StructuredFormatter):
    """Format each record as one JSON object on one line.

    Keys, in order: ``timestamp`` (UTC, ``2026-11-26T09:30:01.123Z``), ``level``, ``logger``, ``message``,
    ``context`` (always, maybe ``{}``), then only when present: ``extra``, ``metric`` and ``metrics``,
    ``exception`` (``type``, ``message``, ``traceback``), ``stack``. Values JSON cannot encode are written
    as text (dates in ISO-8601, bytes as their repr, anything else via ``str``), never raising.

    Args:
        static_context: Fields put in every line's ``context``; the Databricks ids from the environment
            (:func:`~databricks_utils.logging.context.databricks_ids`) when omitted, read once, here.

    Example:
        >>> handler = logging.StreamHandler()
        >>> handler.setFormatter(JsonFormatter(static_context={"app": "orders"}))
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as one JSON line (no trailing newline; the handler adds it)."""
        payload: dict[str, object] = {
            "timestamp": _utc_timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": self._message(record),
            "context": self._context(),
        }
        extras = self._extras(record)
        if extras:
            payload["extra"] = extras
        if is_metric_record(record):
            payload[METRIC_FIELD] = redact(safe_str(getattr(record, METRIC_FIELD)))
            payload[METRICS_FIELD] = redact_fields(getattr(record, METRICS_FIELD))
        exception_text = self._exception_text(record)
        if exception_text is not None:
            payload["exception"] = _exception_fields(record, traceback=exception_text)
        if record.stack_info:
            payload["stack"] = redact(record.stack_info)
        return _ENCODER.encode(payload)


class TextFormatter(_StructuredFormatter):
    """Format each record as one readable line, local time, for a terminal or a notebook cell.

    ``09:30:01.123 INFO  orders.pipeline  Loaded batch  job_id=42 table=orders rows=120``: context fields,
    then ``extra=`` fields, then metric values as ``key=value`` (quoted when they hold spaces); the
    traceback and stack, when present, follow on the next lines.

    Args:
        static_context: As for :class:`JsonFormatter`.

    Example:
        >>> handler = logging.StreamHandler()
        >>> handler.setFormatter(TextFormatter())
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as a line of text, plus traceback lines when it carries an exception."""
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        line = f"{clock}.{int(record.msecs):03d} {record.levelname:<5} {record.name}  {self._message(record)}"
        # A list, not a merged dict: a metric value named like a context field must not hide it.
        fields = [*self._context().items(), *self._extras(record).items()]
        if is_metric_record(record):
            fields.extend(redact_fields(getattr(record, METRICS_FIELD)).items())
        if fields:
            line += "  " + " ".join(f"{key}={_text_value(value)}" for key, value in fields)
        exception_text = self._exception_text(record)
        if exception_text is not None:
            line += "\n" + exception_text
        if record.stack_info:
            line += "\n" + redact(record.stack_info)
        return line


def _utc_timestamp(record: logging.LogRecord) -> str:
    # record.msecs, not a fresh computation from `created`: the same milliseconds as %(msecs)03d elsewhere.
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created))}.{int(record.msecs):03d}Z"


def _exception_fields(record: logging.LogRecord, *, traceback: str) -> dict[str, str]:
    error = record.exc_info[1] if record.exc_info else None
    kind = type(error)
    module = kind.__module__
    return {
        "type": kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}",
        "message": redact(safe_str(error)),
        "traceback": traceback,
    }


def _json_fallback(value: object) -> str:
    # json.dumps calls this only for what it cannot encode; the result is a string, so it cannot fail again.
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return repr(value)
    return redact(safe_str(value))


# One encoder for all calls: json.dumps with any non-default option builds a new JSONEncoder every time.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, default=_json_fallback)


def _text_value(value: object) -> str:
    text = value if isinstance(value, str) else redact(safe_str(value))
    return json.dumps(text, ensure_ascii=False) if not text or _NEEDS_QUOTES.search(text) else text
