"""Retry sync and async calls on transient errors, with exponential backoff, jitter and a deadline.

Built on tenacity, which owns the attempt loop, outcome capture and the sync/async sleep plumbing.
Layered on top, because tenacity does not provide them as needed here: a YAML-friendly pydantic
config; a schedule that is deterministic with an injected ``random.Random`` (tenacity's random waits use
the global ``random``); a deadline measured on an injected clock (``stop_after_delay`` reads
``time.monotonic``) that stops *before* a sleep would cross it; the Databricks-aware default classifier
(:func:`databricks_utils.errors.transient.is_transient`); structured WARNING logs; and our own
:class:`~databricks_utils.errors.exceptions.RetryExhaustedError`. No tenacity type appears in a public
signature, so tenacity can be swapped without breaking callers.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn, ParamSpec, Self, TypeAlias, TypedDict, TypeVar, Unpack, cast, overload

import tenacity
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from databricks_utils.errors.exceptions import RetryExhaustedError
from databricks_utils.errors.transient import is_transient

__all__ = ["RetryConfig", "RetryOverrides", "exponential_backoff", "retry_call", "with_retry"]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

SleepFn: TypeAlias = Callable[[float], None]
AsyncSleepFn: TypeAlias = Callable[[float], Awaitable[None]]
ClockFn: TypeAlias = Callable[[], float]
Predicate: TypeAlias = Callable[[BaseException], bool]

_MAX_ERROR_TEXT = 200


class RetryConfig(BaseModel):
    """How often, how long and on what to retry.

    Every field but ``retry_on`` and ``predicate`` loads from YAML
    (``RetryConfig.model_validate(yaml.safe_load(...))``); unknown keys are rejected.

    What is retried: with neither ``retry_on`` nor ``predicate`` set, the default classifier
    :func:`~databricks_utils.errors.transient.is_transient` decides (network errors, HTTP 429/502/503/504,
    Spark Connect ``UNAVAILABLE`` ...). Setting either *replaces* the classifier; when both are set an
    error is retried if it is an instance of ``retry_on`` **or** ``predicate`` returns True (pass
    ``predicate=is_transient`` to keep the classifier alongside your own types). Errors that are not
    ``Exception`` subclasses (``KeyboardInterrupt``, ``SystemExit``, ``asyncio.CancelledError``) are never
    retried.

    Delays: before retry ``n`` (after attempt ``n`` failed) the base delay is
    ``min(max_delay, initial_delay * multiplier ** (n - 1))``. Jitter is *proportional*: the base is
    scaled by a uniform factor in ``[1 - jitter, 1 + jitter]``, so the mean stays on the schedule while
    clients that failed together spread apart; ``jitter=1`` spans ``[0, 2 * base]`` like "full" jitter.
    ``max_delay`` caps the base, so a delay can reach ``max_delay * (1 + jitter)``.

    Attributes:
        attempts: Total calls, including the first (1 disables retries).
        initial_delay: Base delay in seconds before the first retry.
        max_delay: Cap on the base delay in seconds.
        multiplier: Growth factor of the base delay per retry.
        jitter: Proportional jitter, a fraction of the delay in ``[0, 1]``.
        deadline: Total budget in seconds from the first call; the loop stops (raising
            ``RetryExhaustedError``) rather than sleep past it. None means no time limit.
        retry_on: Exception types to retry; replaces the default classifier.
        predicate: ``BaseException -> bool`` deciding retries; replaces the default classifier.
        idempotent: Whether the decorated work is safe to run twice. Only widens the *default*
            classifier: Delta commit conflicts (``ConcurrentAppendException`` ...) and HTTP 500 become
            retryable. Leave False for read-modify-write code: blindly re-running it after a Delta
            conflict can duplicate or lose rows.

    Example:
        >>> RetryConfig(attempts=5, deadline=60).max_delay
        30.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    attempts: int = Field(default=3, ge=1, description="Total calls, including the first.")
    initial_delay: float = Field(default=0.5, ge=0, description="Seconds before the first retry.")
    max_delay: float = Field(default=30.0, ge=0, description="Cap on the base delay, in seconds.")
    multiplier: float = Field(default=2.0, ge=1, description="Growth of the base delay per retry.")
    jitter: float = Field(default=0.1, ge=0, le=1, description="Proportional jitter: fraction of the delay.")
    deadline: float | None = Field(default=None, gt=0, description="Total seconds budget; None: unlimited.")
    retry_on: tuple[type[BaseException], ...] = Field(default=(), description="Types to retry; () = classifier.")
    predicate: Predicate | None = Field(default=None, description="Retry decision; None = classifier.")
    idempotent: bool = Field(default=False, description="Safe to repeat: also retry Delta conflicts, HTTP 500.")

    @field_validator("retry_on", mode="before")
    @classmethod
    def _single_type_to_tuple(cls, value: object) -> object:
        # `retry_on=IOError` is a natural slip for `retry_on=(IOError,)`; accept it.
        return (value,) if isinstance(value, type) else value

    @model_validator(mode="after")
    def _check_delays(self) -> Self:
        if self.max_delay < self.initial_delay:
            msg = (
                f"RetryConfig.max_delay ({self.max_delay}) must be >= initial_delay ({self.initial_delay}): "
                "raise max_delay or lower initial_delay"
            )
            raise ValueError(msg)
        return self

    def should_retry(self, exc: BaseException) -> bool:
        """Decide whether ``exc`` is retried under this config (see the class docstring).

        Args:
            exc: The error raised by the last attempt.

        Returns:
            True if the error should be retried, attempts and deadline permitting.

        Example:
            >>> RetryConfig(retry_on=(KeyError,)).should_retry(KeyError("k"))
            True
        """
        if not isinstance(exc, Exception):
            return False
        if not self.retry_on and self.predicate is None:
            return is_transient(exc, idempotent=self.idempotent)
        return isinstance(exc, self.retry_on) or (self.predicate is not None and self.predicate(exc))


class RetryOverrides(TypedDict, total=False):
    """Keyword overrides of :class:`RetryConfig` fields accepted by :func:`with_retry`."""

    attempts: int
    initial_delay: float
    max_delay: float
    multiplier: float
    jitter: float
    deadline: float | None
    retry_on: tuple[type[BaseException], ...]
    predicate: Predicate | None
    idempotent: bool


def exponential_backoff(config: RetryConfig, *, rng: random.Random | None = None) -> Callable[[int], float]:
    """Build the delay schedule of ``config``: retry number -> seconds to sleep.

    Args:
        config: Supplies initial_delay, multiplier, max_delay and jitter.
        rng: Source of jitter; inject ``random.Random(seed)`` for a reproducible schedule.

    Returns:
        A function mapping ``n >= 1`` (the attempt that just failed) to
        ``min(max_delay, initial_delay * multiplier ** (n - 1)) * uniform(1 - jitter, 1 + jitter)``.
        It raises ``ValueError`` for ``n < 1``.

    Raises:
        ValueError: From the returned function, when called with ``n < 1``.

    Example:
        >>> delay = exponential_backoff(RetryConfig(initial_delay=1, multiplier=2, max_delay=5, jitter=0))
        >>> [delay(n) for n in (1, 2, 3, 4)]
        [1.0, 2.0, 4.0, 5.0]
    """
    source = rng if rng is not None else random.Random()  # noqa: S311 - jitter, not cryptography

    def delay(attempt: int) -> float:
        if attempt < 1:
            msg = f"exponential_backoff: attempt must be >= 1 (the attempt that failed), got {attempt}"
            raise ValueError(msg)
        try:
            base = min(config.max_delay, config.initial_delay * config.multiplier ** (attempt - 1))
        except OverflowError:  # multiplier ** n leaves float range long after the cap applies
            base = config.max_delay
        if config.jitter == 0:
            return float(base)
        return max(0.0, base * (1 + config.jitter * source.uniform(-1.0, 1.0)))

    return delay


@overload
def with_retry(config: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def with_retry(
    config: RetryConfig | None = None,
    /,
    *,
    sleep: SleepFn | AsyncSleepFn | None = None,
    clock: ClockFn | None = None,
    rng: random.Random | None = None,
    **overrides: Unpack[RetryOverrides],
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def with_retry(
    config: Callable[P, R] | RetryConfig | None = None,
    /,
    *,
    sleep: SleepFn | AsyncSleepFn | None = None,
    clock: ClockFn | None = None,
    rng: random.Random | None = None,
    **overrides: Unpack[RetryOverrides],
) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Retry a sync or async function on transient errors (decorator).

    Usable as ``@with_retry``, ``@with_retry()``, ``@with_retry(cfg)``,
    ``@with_retry(attempts=5, retry_on=(IOError,))`` or ``@with_retry(cfg, deadline=30)``; keyword
    overrides replace fields of ``cfg`` (or of the defaults). Each retry logs a WARNING on this module's
    logger with ``extra`` fields ``retry_attempt``, ``retry_delay_s``, ``retry_function`` and
    ``error_type``. The decorated function keeps its name, docstring and (for mypy) its signature.

    By default only transient errors are retried (see :class:`RetryConfig` and
    :func:`~databricks_utils.errors.transient.is_transient`). Delta commit conflicts are retried only
    with ``idempotent=True``: re-running a read-modify-write after ``ConcurrentAppendException`` acts on
    a stale read and can duplicate or lose data, so set it only when the function is safe to run twice
    (``MERGE`` on a key, a partition overwrite) and re-reads its inputs on each call.

    Args:
        config: A :class:`RetryConfig`, None for the defaults, or (bare ``@with_retry``) the function.
        sleep: Sleep function, for tests; sync (default ``time.sleep``) for sync functions, sync or
            async (default ``asyncio.sleep``) for async functions.
        clock: Monotonic clock in seconds used for the deadline and elapsed time; default
            ``time.monotonic``.
        rng: Random source for jitter; default a fresh ``random.Random``.
        **overrides: :class:`RetryConfig` fields to replace.

    Returns:
        The wrapped function, or a decorator producing it.

    Raises:
        pydantic.ValidationError: At decoration, when the overrides make an invalid config.
        TypeError: At decoration, for generator functions (their errors surface after the call has
            returned, outside any retry) or an async ``sleep`` given for a sync function.
        RetryExhaustedError: From the wrapped function, when every attempt failed with a retryable
            error or the deadline would be passed; chained (``__cause__``) to the last error.

    Example:
        >>> calls = []
        >>> @with_retry(attempts=3, retry_on=(ConnectionError,), sleep=lambda _: None)
        ... def fetch() -> str:
        ...     calls.append(1)
        ...     if len(calls) < 3:
        ...         raise ConnectionError("reset")
        ...     return "ok"
        >>> fetch(), len(calls)
        ('ok', 3)
    """
    if callable(config) and not isinstance(config, RetryConfig):
        return _Retrier.build(None, sleep=sleep, clock=clock, rng=rng, overrides=overrides).wrap(config)
    retrier = _Retrier.build(config, sleep=sleep, clock=clock, rng=rng, overrides=overrides)
    return retrier.wrap


def retry_call(
    fn: Callable[..., R],
    /,
    *args: Any,
    config: RetryConfig | None = None,
    sleep: SleepFn | AsyncSleepFn | None = None,
    clock: ClockFn | None = None,
    **kwargs: Any,
) -> R:
    """Call ``fn(*args, **kwargs)`` once under retry, without decorating it.

    ``config``, ``sleep`` and ``clock`` are taken by ``retry_call``; to pass arguments with those names
    to ``fn``, bind them with ``functools.partial`` first. For an async ``fn`` the result is awaitable.

    Args:
        fn: The function to call.
        *args: Positional arguments for ``fn``.
        config: Retry settings; None for the defaults.
        sleep: Sleep function, as in :func:`with_retry`.
        clock: Clock function, as in :func:`with_retry`.
        **kwargs: Keyword arguments for ``fn``.

    Returns:
        What ``fn`` returns (a coroutine for an async ``fn``).

    Raises:
        RetryExhaustedError: When every attempt failed with a retryable error or the deadline would be passed.

    Example:
        >>> retry_call(int, "42", config=RetryConfig(attempts=2))
        42
    """
    return with_retry(config, sleep=sleep, clock=clock)(fn)(*args, **kwargs)


@dataclass(frozen=True, slots=True)
class _Retrier:
    """One resolved retry setup; wraps functions and runs each call through tenacity."""

    config: RetryConfig
    delay: Callable[[int], float]
    sleep: SleepFn | AsyncSleepFn | None
    clock: ClockFn

    @classmethod
    def build(
        cls,
        config: RetryConfig | None,
        *,
        sleep: SleepFn | AsyncSleepFn | None,
        clock: ClockFn | None,
        rng: random.Random | None,
        overrides: RetryOverrides,
    ) -> _Retrier:
        resolved = config if config is not None else RetryConfig()
        if overrides:
            # Re-validate rather than model_copy(update=...), which would skip the field constraints.
            resolved = RetryConfig.model_validate({**dict(resolved), **overrides})
        return cls(resolved, exponential_backoff(resolved, rng=rng), sleep, clock or time.monotonic)

    def wrap(self, func: Callable[P, R]) -> Callable[P, R]:
        if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
            msg = (
                f"with_retry cannot wrap generator function {_name(func)}: its errors surface while iterating, "
                "after the call returned; retry a function that consumes the generator instead"
            )
            raise TypeError(msg)
        if inspect.iscoroutinefunction(func):
            return cast("Callable[P, R]", self._wrap_async(func))
        if self.sleep is not None and inspect.iscoroutinefunction(self.sleep):
            msg = f"with_retry: sleep={_name(self.sleep)} is async but {_name(func)} is sync; pass a sync sleep"
            raise TypeError(msg)
        call = _Call(self, _name(func))

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            return tenacity.Retrying(sleep=self._sync_sleep, **call.tenacity_options())(func, *args, **kwargs)

        return wrapper

    def _wrap_async(self, func: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        call = _Call(self, _name(func))

        @functools.wraps(func)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            retrying = tenacity.AsyncRetrying(sleep=self._async_sleep, **call.tenacity_options())
            return await retrying(func, *args, **kwargs)

        return wrapper

    def _sync_sleep(self, seconds: float) -> None:
        # float() drops tenacity's DoSleep subclass: injected sleeps see plain floats.
        sleep = cast("SleepFn", self.sleep) if self.sleep is not None else time.sleep
        sleep(float(seconds))

    async def _async_sleep(self, seconds: float) -> None:
        if self.sleep is None:
            await asyncio.sleep(float(seconds))
            return
        result = self.sleep(float(seconds))
        if inspect.isawaitable(result):
            await result


@dataclass(frozen=True, slots=True)
class _Call:
    """The tenacity hooks for one wrapped function; ``tenacity_options`` starts the clock per call."""

    retrier: _Retrier
    name: str

    def tenacity_options(self) -> dict[str, Any]:
        started = self.retrier.clock()
        return {
            "retry": self._should_retry,
            "wait": self._wait,
            "stop": functools.partial(self._should_stop, started=started),
            "before_sleep": self._log_retry,
            "retry_error_callback": functools.partial(self._raise_exhausted, started=started),
        }

    def _should_retry(self, state: tenacity.RetryCallState) -> bool:
        error = _error(state)
        return error is not None and self.retrier.config.should_retry(error)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        return self.retrier.delay(state.attempt_number)

    def _should_stop(self, state: tenacity.RetryCallState, *, started: float) -> bool:
        config = self.retrier.config
        if state.attempt_number >= config.attempts:
            return True
        elapsed = self.retrier.clock() - started
        return config.deadline is not None and elapsed + state.upcoming_sleep > config.deadline

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        error = _error(state)
        error_type = type(error).__qualname__
        logger.warning(
            "Retrying %s in %.2fs: attempt %d/%d failed with %s: %s",
            self.name,
            state.upcoming_sleep,
            state.attempt_number,
            self.retrier.config.attempts,
            error_type,
            _error_text(error),
            extra={
                "retry_attempt": state.attempt_number,
                "retry_delay_s": state.upcoming_sleep,
                "retry_function": self.name,
                "error_type": error_type,
            },
        )

    def _raise_exhausted(self, state: tenacity.RetryCallState, *, started: float) -> NoReturn:
        config = self.retrier.config
        error = _error(state)
        attempts = state.attempt_number
        elapsed = self.retrier.clock() - started
        if attempts >= config.attempts:
            why = f"all attempts={config.attempts} used. Fix: raise RetryConfig.attempts or deadline"
        else:
            why = (
                f"the next retry in {state.upcoming_sleep:.2f}s would pass deadline={config.deadline}s. "
                "Fix: raise RetryConfig.deadline"
            )
        msg = (
            f"{self.name} failed after {attempts} attempt{'s' if attempts != 1 else ''} "
            f"(last error: {type(error).__qualname__}: {_error_text(error)}); "
            f"gave up after {elapsed:.2f}s with {why}, or check that the service is healthy"
        )
        raise RetryExhaustedError(msg, attempts=attempts, last_error=error) from error


def _error(state: tenacity.RetryCallState) -> BaseException | None:
    outcome = state.outcome
    return outcome.exception() if outcome is not None and outcome.failed else None


def _error_text(error: BaseException | None) -> str:
    """First line of the error message, shortened: Spark errors carry multi-line JVM stack traces."""
    try:
        text = str(error)
    except Exception:  # py4j-captured errors call the JVM in __str__; describe, don't fail
        text = "<message unavailable>"
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line if len(first_line) <= _MAX_ERROR_TEXT else first_line[: _MAX_ERROR_TEXT - 3] + "..."


def _name(func: object) -> str:
    """Qualified name for logs and messages; callable objects are named by class (their repr may be huge)."""
    if isinstance(func, functools.partial):
        return f"partial({_name(func.func)})"
    name = getattr(func, "__qualname__", None)
    return name if isinstance(name, str) else type(func).__qualname__
