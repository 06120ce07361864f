"""The process-wide Spark session: created once, handed out in well under a microsecond, healed when dead.

This module holds the library's one piece of global state, on purpose: a Spark driver can have
only one active SparkContext per process, so every caller must share it. ``get_spark()`` reads the
cached session without a lock or a builder call (``SparkSession.builder.getOrCreate()`` costs
~230 ms even when a session exists); creation, replacement and stop take a lock, so 32 threads
racing on the first call still create exactly one session.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from databricks_utils.config.schema import ProjectConfig, SparkConfig
from databricks_utils.errors.exceptions import SparkSessionError
from databricks_utils.spark.modes import ResolvedMode, resolve_mode
from databricks_utils.spark.sessions import CreatedSession, create_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logger = logging.getLogger(__name__)

ConfigSource = ProjectConfig | SparkConfig | str | None
MAX_CREATE_ATTEMPTS = 3


@dataclass
class _State:
    """The singleton's fields; mutated only under ``_LOCK`` (reads of ``session`` are lock-free)."""

    session: Any = None
    config: ProjectConfig | None = None
    mode: ResolvedMode | None = None
    delta_enabled: bool = False
    next_probe: float = 0.0
    created: int = 0
    overridden: Any = None


_STATE = _State()
_LOCK = threading.RLock()


def get_spark(config: ConfigSource = None) -> SparkSession:
    """Return the process's Spark session, creating it on first use.

    After the first call this is a few attribute reads (no lock, no builder). A session that was
    stopped, or whose Connect session expired, is replaced transparently on the next call.

    Args:
        config: Only used when no session exists yet: an environment name, a ``ProjectConfig`` or a
            ``SparkConfig``; None loads the project config (``DBX_ENV``, default ``local``).

    Returns:
        A ``pyspark.sql.SparkSession`` (classic or Connect).

    Raises:
        SparkSessionError: no session could be created.

    Example:
        >>> spark = get_spark()  # doctest: +SKIP
        >>> spark.range(3).count()  # doctest: +SKIP
        3
    """
    session = _STATE.session
    if session is not None and config is None and _looks_alive(session) and time.monotonic() < _STATE.next_probe:
        return session  # type: ignore[no-any-return]  # the hot path: keep it to attribute reads
    return SparkSessionFactory.create(config)


def _looks_alive(session: Any) -> bool:
    """Cheap, JVM-free liveness: a stopped classic context drops ``_jsc``; a stopped Connect client says so."""
    sc = getattr(session, "_sc", None)
    if sc is not None:
        return sc._jsc is not None
    return not getattr(session, "is_stopped", False)


def _probe(session: Any) -> bool:
    """One round trip to the JVM or the Connect server; False when it is gone or the session expired."""
    try:
        sc = getattr(session, "_sc", None)
        if sc is not None:
            return sc._jsc is not None and not sc._jsc.sc().isStopped()
        return not session.is_stopped and bool(session.version)
    except Exception:  # any failure to answer means the session is unusable
        logger.info("Spark session health probe failed; a new session will be created", exc_info=True)
        return False


class SparkSessionFactory:
    """Create, share, heal and stop the process's Spark session.

    Example:
        >>> spark = SparkSessionFactory.create("local")  # doctest: +SKIP
        >>> SparkSessionFactory.is_initialized(), SparkSessionFactory.mode()  # doctest: +SKIP
        (True, 'local')
    """

    @classmethod
    def create(cls, config: ConfigSource = None, *, force: bool = False) -> SparkSession:
        """Return the shared session, creating it from ``config`` if there is none (or it died).

        Args:
            config: Environment name, ``ProjectConfig``, ``SparkConfig``, or None for the project config.
            force: Stop the current session and create a new one from ``config``.

        Returns:
            The shared session.

        Raises:
            SparkSessionError: creation failed after bounded attempts; chained to the last error.
        """
        with _LOCK:
            if _STATE.overridden is not None:
                return _STATE.overridden  # type: ignore[no-any-return]  # set by override() for tests
            current = _STATE.session
            if current is not None and not force:
                if _looks_alive(current) and (time.monotonic() < _STATE.next_probe or _probe(current)):
                    _warn_if_ignored(config)
                    _STATE.next_probe = _next_probe_time()
                    return current  # type: ignore[no-any-return]
                logger.warning("The cached Spark session is stopped or expired; creating a new one")
            resolved = _resolve_config(config) if (config is not None or _STATE.config is None) else _STATE.config
            _discard(current)
            return _create_with_retries(resolved)

    @classmethod
    def get(cls) -> SparkSession:
        """Same as :func:`get_spark` with no arguments."""
        return get_spark()

    @classmethod
    def is_initialized(cls) -> bool:
        """True when a live session is cached (no JVM call)."""
        session = _STATE.overridden or _STATE.session
        return session is not None and _looks_alive(session)

    @classmethod
    def mode(cls) -> ResolvedMode | None:
        """The mode of the cached session (``local``, ``connect``, ``databricks``), or None."""
        return _STATE.mode

    @classmethod
    def delta_enabled(cls) -> bool:
        """True when the cached session has Delta Lake (always on Databricks; locally when jars are installed)."""
        return _STATE.delta_enabled

    @classmethod
    def config(cls) -> ProjectConfig | None:
        """The configuration the cached session was created from."""
        return _STATE.config

    @classmethod
    def sessions_created(cls) -> int:
        """How many sessions this process has created so far (diagnostics and tests)."""
        return _STATE.created

    @classmethod
    def stop(cls) -> None:
        """Stop the cached session (if any) and forget it; the next ``get_spark()`` creates a new one."""
        with _LOCK:
            _discard(_STATE.session)
            _STATE.session = None
            _STATE.mode = None
            _STATE.delta_enabled = False

    @classmethod
    @contextmanager
    def override(cls, session: SparkSession) -> Iterator[SparkSession]:
        """Make ``get_spark()`` return ``session`` inside the block (used by the ``spark_session`` fixture).

        Example:
            >>> with SparkSessionFactory.override(spark.newSession()) as isolated:  # doctest: +SKIP
            ...     assert get_spark() is isolated
        """
        with _LOCK:
            previous = (_STATE.session, _STATE.overridden, _STATE.next_probe)
            _STATE.session, _STATE.overridden, _STATE.next_probe = session, session, float("inf")
        try:
            yield session
        finally:
            with _LOCK:
                _STATE.session, _STATE.overridden, _STATE.next_probe = previous


def _resolve_config(config: ConfigSource) -> ProjectConfig:
    if isinstance(config, ProjectConfig):
        return config
    if isinstance(config, SparkConfig):
        return ProjectConfig(spark=config)
    from databricks_utils.config.loader import load_config

    return load_config(config)


def _warn_if_ignored(config: ConfigSource) -> None:
    if config is not None and _resolve_config(config) != _STATE.config:
        logger.warning(
            "A Spark session already exists (mode %s); the new configuration is ignored. "
            "Use SparkSessionFactory.create(config, force=True) to replace it.",
            _STATE.mode,
        )


def _create_with_retries(config: ProjectConfig) -> SparkSession:
    choice = resolve_mode(config, os.environ)
    logger.info("Creating Spark session: mode %s (%s)", choice.mode, choice.reason)
    created = _attempt(lambda: create_session(config, choice.mode, os.environ), mode=choice.mode)
    _STATE.session = created.session
    _STATE.config = config
    _STATE.mode = created.mode
    _STATE.delta_enabled = created.delta_enabled
    _STATE.created += 1
    _STATE.next_probe = _next_probe_time()
    return created.session


def _attempt(create: Callable[[], CreatedSession], *, mode: ResolvedMode) -> CreatedSession:
    """Create a session; remote modes get bounded retries because servers restart and networks blink."""
    if mode == "local":
        return create()  # a local JVM that failed to start fails the same way again: do not wait for it
    from databricks_utils.errors.exceptions import RetryExhaustedError
    from databricks_utils.errors.retry import RetryConfig, with_retry

    retrying = with_retry(
        RetryConfig(attempts=MAX_CREATE_ATTEMPTS, initial_delay=1.0, max_delay=5.0, retry_on=(SparkSessionError,))
    )(create)
    try:
        return retrying()
    except RetryExhaustedError as err:
        raise SparkSessionError(f"{err.last_error} (gave up after {err.attempts} attempts)") from err.last_error


def _discard(session: Any) -> None:
    if session is None:
        return
    try:
        session.stop()
    except Exception:  # a session that is already dead may fail to stop; it is being replaced anyway
        logger.debug("Ignoring an error while stopping a dead Spark session", exc_info=True)


def _next_probe_time() -> float:
    config = _STATE.config
    interval = config.spark.health_check_interval_s if config is not None else SparkConfig().health_check_interval_s
    return time.monotonic() + interval
