"""Loggers for modules, and the one logging setup that entry points (jobs, notebooks, CLIs) call.

Everything is stdlib :mod:`logging`: modules log on ``get_logger(__name__)`` (a plain ``logging.Logger``),
and :func:`configure_logging` puts one handler on the root logger, so third-party records (py4j,
urllib3, databricks-sdk, ...) go through the same formatter and redaction as ours. Importing this
package configures nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, TextIO

from databricks_utils.config.schema import LogFormat, LogLevel, ObservabilityConfig
from databricks_utils.errors.exceptions import ConfigError
from databricks_utils.logging.formatters import JsonFormatter, TextFormatter
from databricks_utils.logging.metrics import drop_metric_records

# The tag on the handler configure_logging installs: a later call removes handlers carrying it, so a
# re-run notebook cell replaces the handler instead of doubling every line. A name, not an isinstance
# check, so it still matches after the module was reloaded (%autoreload, a re-imported wheel).
HANDLER_NAME: Final = "databricks_utils"

# Applied under the config's quiet_loggers: py4j logs every Python<->JVM call at INFO/DEBUG. The children
# are listed too because a runtime may give them their own level, which a parent's level would not touch.
DEFAULT_QUIET_LOGGERS: Final[Mapping[str, LogLevel]] = MappingProxyType(
    {"py4j": "WARNING", "py4j.clientserver": "WARNING", "py4j.java_gateway": "WARNING"}
)

_FORMATTERS: Final[Mapping[str, type[JsonFormatter | TextFormatter]]] = MappingProxyType(
    {"json": JsonFormatter, "text": TextFormatter}
)


def get_logger(name: str) -> logging.Logger:
    """Return the stdlib logger ``name``; pass structured fields with ``extra=``.

    Args:
        name: Dotted logger name, normally the module's ``__name__``.

    Returns:
        A plain :class:`logging.Logger` (the same object ``logging.getLogger(name)`` returns).

    Example:
        >>> logger = get_logger("orders.pipeline")
        >>> logger.info("Loaded %d rows", 120, extra={"table": "orders"})
    """
    return logging.getLogger(name)


def configure_logging(
    config: ObservabilityConfig | None = None,
    *,
    level: int | str | None = None,
    fmt: LogFormat | None = None,
    stream: TextIO | None = None,
) -> None:
    """Send all logging, ours and third-party, through one handler on the root logger.

    Call once from an entry point. Calling again (a re-run notebook cell) replaces the handler a previous
    call installed; handlers that others installed are left alone. The Databricks ids
    (``DATABRICKS_JOB_ID``, ... see :data:`~databricks_utils.logging.context.DATABRICKS_ENV_FIELDS`) are
    read from the environment now, once, and appear in every line's ``context``.

    Args:
        config: Level, format, metrics switch and quiet loggers; ``ObservabilityConfig()`` defaults
            (INFO, JSON, metrics on) when omitted.
        level: Root level overriding ``config.log_level``: a name (``"debug"`` or ``"DEBUG"``) or a number.
        fmt: ``"json"`` (one JSON object per line) or ``"text"`` (readable), overriding ``config.log_format``.
        stream: Where lines go; ``sys.stderr`` (as of this call) when omitted.

    Raises:
        ConfigError: ``level`` is not a known level name, or ``fmt`` is not ``"json"`` or ``"text"``.

    Example:
        >>> import io
        >>> configure_logging(ObservabilityConfig(log_format="text"), level="debug", stream=io.StringIO())
    """
    settings = config if config is not None else ObservabilityConfig()
    root_level = _level_number(settings.log_level if level is None else level)
    chosen_fmt = settings.log_format if fmt is None else fmt
    formatter_class = _FORMATTERS.get(chosen_fmt)
    if formatter_class is None:
        raise ConfigError(f"configure_logging: fmt must be 'json' or 'text', got {chosen_fmt!r}")

    handler = logging.StreamHandler(stream)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter_class())
    if not settings.metrics_enabled:
        handler.addFilter(drop_metric_records)

    root = logging.getLogger()
    # Add before removing: no instant in which records have no handler and fall through to lastResort.
    root.addHandler(handler)
    for previous in [h for h in root.handlers if h is not handler and h.get_name() == HANDLER_NAME]:
        root.removeHandler(previous)
        previous.close()
    root.setLevel(root_level)
    for name, quiet_level in quiet_logger_levels(settings.quiet_loggers).items():
        logging.getLogger(name).setLevel(quiet_level)


def quiet_logger_levels(configured: Mapping[str, LogLevel]) -> dict[str, LogLevel]:
    """Merge :data:`DEFAULT_QUIET_LOGGERS` with configured levels; a configured parent also sets its children.

    Args:
        configured: ``ObservabilityConfig.quiet_loggers``, logger name to level name.

    Returns:
        Every logger name configure_logging sets a level on, with that level.

    Example:
        >>> quiet_logger_levels({"py4j": "ERROR", "urllib3": "WARNING"})["py4j.clientserver"]
        'ERROR'
    """
    levels = dict(DEFAULT_QUIET_LOGGERS)
    for name, level in configured.items():
        for child in DEFAULT_QUIET_LOGGERS:
            if child.startswith(name + "."):
                levels[child] = level
    levels.update(configured)  # an explicitly configured child beats the level inherited from its parent
    return levels


def _level_number(level: int | str) -> int:
    if isinstance(level, int):
        return level
    number = logging.getLevelNamesMapping().get(level.upper())
    if number is None:
        raise ConfigError(
            f"configure_logging: level must be DEBUG, INFO, WARNING, ERROR, CRITICAL or a number, got {level!r}"
        )
    return number
