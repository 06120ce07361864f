"""with_retry / retry_call / exponential_backoff / RetryConfig, with injected sleep and clock (nothing sleeps)."""

# ruff: noqa: S311 - a seeded random.Random makes jitter reproducible; nothing here is cryptographic

import asyncio
import functools
import inspect
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import databricks_utils.errors as errors_pkg
from databricks_utils.errors import (
    RetryConfig,
    RetryExhaustedError,
    exponential_backoff,
    is_transient,
    retry_call,
    with_retry,
)

RETRY_LOGGER = "databricks_utils.errors.retry"


@dataclass
class FakeTime:
    """A clock that only moves when slept on (or when a test says a call took time)."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@dataclass
class Flaky:
    """Raises the given errors in order, then returns ``result``; counts calls."""

    errors: list[BaseException]
    result: object = "ok"
    calls: int = 0
    call_duration: float = 0.0
    time: FakeTime | None = None

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        if self.time is not None:
            self.time.now += self.call_duration
        if self.errors:
            raise self.errors.pop(0)
        return self.result


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def no_jitter(**fields: object) -> RetryConfig:
    return RetryConfig.model_validate({"jitter": 0, "initial_delay": 1, "multiplier": 2, **fields})


# --- success and exhaustion ---
def test_success_on_first_try_does_not_sleep(fake_time: FakeTime) -> None:
    flaky = Flaky([])
    wrapped = with_retry(no_jitter(), sleep=fake_time.sleep, clock=fake_time.clock)(flaky)
    assert wrapped() == "ok"
    assert flaky.calls == 1
    assert fake_time.sleeps == []


def test_success_after_n_minus_one_failures(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionResetError("reset"), TimeoutError("slow"), ConnectionError("down")])
    wrapped = with_retry(no_jitter(attempts=4), sleep=fake_time.sleep, clock=fake_time.clock)(flaky)
    assert wrapped() == "ok"
    assert flaky.calls == 4
    assert fake_time.sleeps == [1.0, 2.0, 4.0]


def test_return_values_are_never_retried(fake_time: FakeTime) -> None:
    flaky = Flaky([], result=None)
    assert with_retry(no_jitter(), sleep=fake_time.sleep, clock=fake_time.clock)(flaky)() is None
    assert flaky.calls == 1


def test_exhaustion_raises_chained_error_with_attempts(fake_time: FakeTime) -> None:
    last = ConnectionResetError("reset by peer")
    flaky = Flaky([ConnectionResetError("first"), ConnectionResetError("second"), last])

    def fetch_table() -> object:
        return flaky()

    wrapped = with_retry(no_jitter(attempts=3), sleep=fake_time.sleep, clock=fake_time.clock)(fetch_table)
    with pytest.raises(RetryExhaustedError) as caught:
        wrapped()
    error = caught.value
    assert error.__cause__ is last
    assert error.last_error is last
    assert error.attempts == 3
    assert flaky.calls == 3
    assert fake_time.sleeps == [1.0, 2.0]
    message = str(error)
    assert message.startswith(
        "test_exhaustion_raises_chained_error_with_attempts.<locals>.fetch_table failed after 3 attempts "
        "(last error: ConnectionResetError: reset by peer); "
    )
    assert "gave up after 3.00s" in message
    assert "all attempts=3 used" in message
    assert "raise RetryConfig.attempts or deadline" in message
    assert "check that the service is healthy" in message
    assert "\n" not in message


def test_single_attempt_message_is_singular(fake_time: FakeTime) -> None:
    wrapped = with_retry(no_jitter(attempts=1), sleep=fake_time.sleep, clock=fake_time.clock)(
        Flaky([ConnectionError("x")])
    )
    with pytest.raises(RetryExhaustedError, match=r"failed after 1 attempt \(last error"):
        wrapped()
    assert fake_time.sleeps == []


def test_exhaustion_message_keeps_first_line_and_truncates(fake_time: FakeTime) -> None:
    long_line = "x" * 500
    wrapped = with_retry(no_jitter(attempts=1), sleep=fake_time.sleep, clock=fake_time.clock)(
        Flaky([ConnectionError(f"{long_line}\n\nJVM stacktrace:\n\tat org.apache.Foo")])
    )
    with pytest.raises(RetryExhaustedError) as caught:
        wrapped()
    message = str(caught.value)
    assert "JVM stacktrace" not in message
    assert "x" * 197 + "..." in message
    assert "x" * 198 not in message


@pytest.mark.parametrize(
    ("error", "shown"),
    [(ConnectionError(""), "ConnectionError: )"), (None, "<message unavailable>")],
    ids=["empty-message", "str-raises"],
)
def test_exhaustion_message_survives_odd_error_messages(
    fake_time: FakeTime, error: BaseException | None, shown: str
) -> None:
    class UnprintableError(ConnectionError):
        def __str__(self) -> str:
            raise AssertionError("SparkContext._jvm is None")

    wrapped = with_retry(no_jitter(attempts=1), sleep=fake_time.sleep, clock=fake_time.clock)(
        Flaky([error if error is not None else UnprintableError()])
    )
    with pytest.raises(RetryExhaustedError) as caught:
        wrapped()
    assert shown in str(caught.value)


def test_non_retryable_error_propagates_unchanged_after_one_call(fake_time: FakeTime) -> None:
    boom = ValueError("bad input")
    flaky = Flaky([boom])
    wrapped = with_retry(no_jitter(attempts=5), sleep=fake_time.sleep, clock=fake_time.clock)(flaky)
    with pytest.raises(ValueError, match="bad input") as caught:
        wrapped()
    assert caught.value is boom
    assert flaky.calls == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(2)], ids=repr)
def test_interrupts_are_never_retried_even_when_listed(fake_time: FakeTime, interrupt: BaseException) -> None:
    flaky = Flaky([interrupt])
    config = no_jitter(retry_on=(BaseException,), predicate=lambda _: True)
    with pytest.raises(type(interrupt)):
        with_retry(config, sleep=fake_time.sleep, clock=fake_time.clock)(flaky)()
    assert flaky.calls == 1


# --- what is retried ---
def test_retry_on_types_replace_the_classifier(fake_time: FakeTime) -> None:
    flaky = Flaky([KeyError("not yet"), KeyError("still not")])
    assert with_retry(retry_on=(KeyError,), sleep=fake_time.sleep, clock=fake_time.clock)(flaky)() == "ok"
    assert flaky.calls == 3

    transient_but_unlisted = Flaky([ConnectionError("x")])
    with pytest.raises(ConnectionError):
        with_retry(retry_on=(KeyError,), sleep=fake_time.sleep, clock=fake_time.clock)(transient_but_unlisted)()
    assert transient_but_unlisted.calls == 1


def test_predicate_decides(fake_time: FakeTime) -> None:
    def is_lock_error(exc: BaseException) -> bool:
        return "locked" in str(exc)

    flaky = Flaky([RuntimeError("table locked")])
    assert with_retry(predicate=is_lock_error, sleep=fake_time.sleep, clock=fake_time.clock)(flaky)() == "ok"
    assert flaky.calls == 2

    other = Flaky([RuntimeError("syntax error")])
    with pytest.raises(RuntimeError, match="syntax"):
        with_retry(predicate=is_lock_error, sleep=fake_time.sleep, clock=fake_time.clock)(other)()
    assert other.calls == 1


def test_retry_on_and_predicate_either_matching_retries(fake_time: FakeTime) -> None:
    config = no_jitter(attempts=5, retry_on=(KeyError,), predicate=lambda exc: "locked" in str(exc))
    flaky = Flaky([KeyError("k"), RuntimeError("locked"), KeyError("k")])
    assert with_retry(config, sleep=fake_time.sleep, clock=fake_time.clock)(flaky)() == "ok"
    assert flaky.calls == 4


def test_predicate_can_keep_the_classifier(fake_time: FakeTime) -> None:
    config = no_jitter(retry_on=(KeyError,), predicate=is_transient)
    flaky = Flaky([KeyError("k"), ConnectionResetError()])
    assert with_retry(config, sleep=fake_time.sleep, clock=fake_time.clock)(flaky)() == "ok"


class ConcurrentAppendException(Exception):  # noqa: N818 - Delta's class name; see test_transient.py
    pass


def test_delta_conflicts_retry_only_when_idempotent(fake_time: FakeTime) -> None:
    blind = Flaky([ConcurrentAppendException("files added")])
    with pytest.raises(ConcurrentAppendException):
        with_retry(no_jitter(), sleep=fake_time.sleep, clock=fake_time.clock)(blind)()
    assert blind.calls == 1

    idempotent = Flaky([ConcurrentAppendException("files added")])
    assert with_retry(no_jitter(idempotent=True), sleep=fake_time.sleep, clock=fake_time.clock)(idempotent)() == "ok"
    assert idempotent.calls == 2


def test_nested_retries_do_not_multiply(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionError(str(n)) for n in range(10)])
    inner = with_retry(no_jitter(attempts=2), sleep=fake_time.sleep, clock=fake_time.clock)(flaky)
    outer = with_retry(no_jitter(attempts=3), sleep=fake_time.sleep, clock=fake_time.clock)(inner)
    with pytest.raises(RetryExhaustedError):
        outer()
    assert flaky.calls == 2


# --- deadline on the injected clock ---
def test_deadline_stops_before_a_sleep_would_cross_it(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionError(str(n)) for n in range(10)])
    config = no_jitter(attempts=10, deadline=5)
    with pytest.raises(RetryExhaustedError) as caught:
        with_retry(config, sleep=fake_time.sleep, clock=fake_time.clock)(flaky)()
    # Sleeps 1 (t=1) and 2 (t=3); the next 4 s would end at t=7 > 5, so it stops without sleeping.
    assert fake_time.sleeps == [1.0, 2.0]
    assert flaky.calls == 3
    assert caught.value.attempts == 3
    assert config.deadline is not None
    assert fake_time.now <= config.deadline
    message = str(caught.value)
    assert "failed after 3 attempts" in message
    assert "the next retry in 4.00s would pass deadline=5.0s" in message
    assert "raise RetryConfig.deadline" in message


def test_deadline_counts_time_spent_in_calls(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionError("slow")] * 10, call_duration=3.0, time=fake_time)
    config = no_jitter(attempts=10, deadline=5)
    with pytest.raises(RetryExhaustedError, match=r"gave up after 7\.00s"):
        with_retry(config, sleep=fake_time.sleep, clock=fake_time.clock)(flaky)()
    # t=3 fail, sleep 1 (t=4), t=7 fail: already past the deadline, so no second sleep.
    assert fake_time.sleeps == [1.0]
    assert flaky.calls == 2


def test_deadline_clock_starts_per_call(fake_time: FakeTime) -> None:
    config = no_jitter(attempts=3, deadline=2.5)
    flaky = Flaky([ConnectionError("once")])
    wrapped = with_retry(config, sleep=fake_time.sleep, clock=fake_time.clock)(flaky)
    fake_time.now = 5000.0  # long after decoration: the deadline counts from the call, not from decoration
    assert wrapped() == "ok"
    assert fake_time.sleeps == [1.0]


# --- schedule ---
def test_schedule_is_exponential_and_capped() -> None:
    delay = exponential_backoff(RetryConfig(initial_delay=0.5, multiplier=3, max_delay=10, jitter=0))
    assert [delay(n) for n in range(1, 6)] == [0.5, 1.5, 4.5, 10.0, 10.0]


def test_schedule_survives_float_overflow() -> None:
    delay = exponential_backoff(RetryConfig(initial_delay=1, multiplier=10, max_delay=60, jitter=0))
    assert delay(10_000) == 60.0


def test_schedule_with_zero_initial_delay_never_sleeps() -> None:
    delay = exponential_backoff(RetryConfig(initial_delay=0, jitter=0.5), rng=random.Random(1))
    assert {delay(n) for n in range(1, 20)} == {0.0}


def test_schedule_rejects_attempt_zero() -> None:
    with pytest.raises(ValueError, match="attempt must be >= 1"):
        exponential_backoff(RetryConfig())(0)


def test_schedule_is_deterministic_with_a_seeded_rng() -> None:
    config = RetryConfig(jitter=0.5)
    first = exponential_backoff(config, rng=random.Random(42))
    second = exponential_backoff(config, rng=random.Random(42))
    delays = [first(n) for n in range(1, 8)]
    assert delays == [second(n) for n in range(1, 8)]
    assert len(set(delays)) == len(delays)  # jitter actually varies them


def test_schedule_without_rng_still_jitters_within_bounds() -> None:
    delay = exponential_backoff(RetryConfig(initial_delay=2, max_delay=2, jitter=0.25))
    assert all(1.5 <= delay(1) <= 2.5 for _ in range(100))


@st.composite
def configs(draw: st.DrawFn) -> RetryConfig:
    initial = draw(st.floats(min_value=0, max_value=60, allow_nan=False))
    return RetryConfig(
        initial_delay=initial,
        max_delay=draw(st.floats(min_value=initial, max_value=600, allow_nan=False)),
        multiplier=draw(st.floats(min_value=1, max_value=10, allow_nan=False)),
        jitter=draw(st.floats(min_value=0, max_value=1, allow_nan=False)),
    )


@given(config=configs(), seed=st.integers(), attempt=st.integers(min_value=1, max_value=2_000))
def test_every_delay_is_within_bounds(config: RetryConfig, seed: int, attempt: int) -> None:
    value = exponential_backoff(config, rng=random.Random(seed))(attempt)
    assert 0 <= value <= config.max_delay * (1 + config.jitter)
    base = exponential_backoff(config.model_copy(update={"jitter": 0.0}))(attempt)
    assert base * (1 - config.jitter) - 1e-9 <= value <= base * (1 + config.jitter) + 1e-9


@given(config=configs())
def test_base_delays_never_decrease(config: RetryConfig) -> None:
    delay = exponential_backoff(config.model_copy(update={"jitter": 0.0}))
    delays = [delay(n) for n in range(1, 40)]
    assert delays == sorted(delays)
    assert delays[0] == config.initial_delay


def test_decorator_uses_injected_rng_for_jitter() -> None:
    def run(seed: int) -> list[float]:
        fake = FakeTime()
        flaky = Flaky([ConnectionError(str(n)) for n in range(4)])
        wrapped = with_retry(
            RetryConfig(attempts=5, jitter=1), sleep=fake.sleep, clock=fake.clock, rng=random.Random(seed)
        )(flaky)
        wrapped()
        return fake.sleeps

    assert run(7) == run(7)
    assert run(7) != run(8)


# --- logging ---
def test_each_retry_logs_a_warning_with_structured_fields(
    fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    def load_orders() -> object:
        return flaky()

    flaky = Flaky([ConnectionResetError("reset by peer"), TimeoutError("read timed out")])
    wrapped = with_retry(no_jitter(attempts=3), sleep=fake_time.sleep, clock=fake_time.clock)(load_orders)
    with caplog.at_level(logging.WARNING, logger=RETRY_LOGGER):
        wrapped()
    records = [r for r in caplog.records if r.name == RETRY_LOGGER]
    assert len(records) == 2
    first, second = records
    assert first.levelno == logging.WARNING
    assert "%" in str(first.msg)  # lazy %-formatting, not a pre-built string
    assert first.args
    name = "test_each_retry_logs_a_warning_with_structured_fields.<locals>.load_orders"
    assert (
        first.getMessage() == f"Retrying {name} in 1.00s: attempt 1/3 failed with ConnectionResetError: reset by peer"
    )
    assert (first.retry_attempt, first.retry_delay_s, first.retry_function, first.error_type) == (  # type: ignore[attr-defined]
        1,
        1.0,
        name,
        "ConnectionResetError",
    )
    assert (second.retry_attempt, second.retry_delay_s, second.error_type) == (2, 2.0, "TimeoutError")  # type: ignore[attr-defined]


def test_no_log_when_nothing_is_retried(fake_time: FakeTime, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger=RETRY_LOGGER), pytest.raises(ValueError):
        with_retry(sleep=fake_time.sleep, clock=fake_time.clock)(Flaky([ValueError("x")]))()
    assert [r for r in caplog.records if r.name == RETRY_LOGGER] == []


# --- decorator forms and metadata ---
def test_bare_decorator_form() -> None:
    calls: list[int] = []

    @with_retry
    def ping(x: int) -> int:
        """Ping docstring."""
        calls.append(x)
        return x * 2

    assert ping(21) == 42
    assert calls == [21]
    assert ping.__name__ == "ping"
    assert ping.__doc__ == "Ping docstring."


def test_bare_decorator_propagates_non_transient_errors_without_sleeping() -> None:
    @with_retry
    def broken() -> None:
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        broken()


def test_empty_call_decorator_form_uses_defaults() -> None:
    @with_retry()
    def ping() -> str:
        return "pong"

    assert ping() == "pong"


def test_config_and_override_forms(fake_time: FakeTime) -> None:
    config = no_jitter(attempts=2)
    with_config = Flaky([ConnectionError("a"), ConnectionError("b")])
    with pytest.raises(RetryExhaustedError):
        with_retry(config, sleep=fake_time.sleep, clock=fake_time.clock)(with_config)()
    assert with_config.calls == 2

    overridden = Flaky([OSError("a"), OSError("b"), OSError("c"), OSError("d")])
    assert (
        with_retry(config, attempts=5, retry_on=(OSError,), sleep=fake_time.sleep, clock=fake_time.clock)(overridden)()
        == "ok"
    )
    assert overridden.calls == 5
    assert config.attempts == 2  # the original config is untouched


def test_keyword_only_form(fake_time: FakeTime) -> None:
    @with_retry(attempts=5, retry_on=(OSError,), initial_delay=0.1, sleep=fake_time.sleep, clock=fake_time.clock)
    def read() -> str:
        return flaky()  # type: ignore[return-value]

    flaky = Flaky([OSError("a"), OSError("b")])
    assert read() == "ok"
    assert len(fake_time.sleeps) == 2


def test_invalid_override_fails_at_decoration() -> None:
    with pytest.raises(ValidationError, match="attempts"):
        with_retry(attempts=0)


def test_wrapper_preserves_signature_and_metadata() -> None:
    def compute(a: int, /, b: str, *, c: float = 1.0) -> str:
        """Compute things."""
        return f"{a}{b}{c}"

    wrapped = with_retry(attempts=2)(compute)
    assert inspect.signature(wrapped) == inspect.signature(compute)
    assert wrapped.__doc__ == "Compute things."
    assert wrapped.__qualname__ == compute.__qualname__
    assert wrapped.__wrapped__ is compute  # type: ignore[attr-defined]
    assert wrapped(1, "x", c=2.0) == "1x2.0"


def test_methods_are_named_by_qualname(fake_time: FakeTime) -> None:
    class Client:
        def __init__(self) -> None:
            self.flaky = Flaky([ConnectionError("x")])

        @with_retry(no_jitter(attempts=1), sleep=fake_time.sleep, clock=fake_time.clock)
        def fetch(self) -> object:
            return self.flaky()

    with pytest.raises(RetryExhaustedError, match=r"^test_methods_are_named_by_qualname\.<locals>\.Client\.fetch "):
        Client().fetch()


def test_partials_and_callable_objects_are_named_without_their_repr(fake_time: FakeTime) -> None:
    def fetch(flaky: Flaky) -> object:
        return flaky()

    retry = with_retry(no_jitter(attempts=1), sleep=fake_time.sleep, clock=fake_time.clock)
    with pytest.raises(RetryExhaustedError, match=r"^partial\(test_\w+\.<locals>\.fetch\) failed after 1 attempt "):
        retry(functools.partial(fetch, Flaky([ConnectionError("x")])))()
    with pytest.raises(RetryExhaustedError, match=r"^Flaky failed after 1 attempt "):
        retry(Flaky([ConnectionError("x")]))()


def test_generator_functions_are_rejected() -> None:
    def rows() -> Iterator[int]:
        yield 1

    async def async_rows() -> object:
        yield 1

    for generator in (rows, async_rows):
        with pytest.raises(TypeError, match="cannot wrap generator function"):
            with_retry(generator)


def test_async_sleep_for_sync_function_is_rejected(fake_time: FakeTime) -> None:
    with pytest.raises(TypeError, match=r"is async but .* is sync; pass a sync sleep"):
        with_retry(sleep=fake_time.async_sleep)(Flaky([]))


def test_default_sync_sleep_is_time_sleep_with_zero_delay() -> None:
    flaky = Flaky([ConnectionError("x")])
    assert with_retry(initial_delay=0, attempts=2)(flaky)() == "ok"
    assert flaky.calls == 2


# --- async ---
def test_async_function_retries_with_injected_async_sleep(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionError("a"), TimeoutError("b")])

    @with_retry(no_jitter(attempts=3), sleep=fake_time.async_sleep, clock=fake_time.clock)
    async def fetch(x: int) -> str:
        """Async docstring."""
        await asyncio.sleep(0)
        return f"{flaky()}-{x}"

    assert inspect.iscoroutinefunction(fetch)
    assert fetch.__doc__ == "Async docstring."
    assert asyncio.run(fetch(1)) == "ok-1"
    assert fake_time.sleeps == [1.0, 2.0]


def test_async_exhaustion_and_non_retryable(fake_time: FakeTime) -> None:
    last = ConnectionError("last")
    flaky = Flaky([ConnectionError("first"), last])

    async def fetch() -> object:
        return flaky()

    wrapped = with_retry(no_jitter(attempts=2), sleep=fake_time.async_sleep, clock=fake_time.clock)(fetch)
    with pytest.raises(RetryExhaustedError) as caught:
        asyncio.run(wrapped())
    assert caught.value.__cause__ is last
    assert caught.value.attempts == 2

    boom = ValueError("boom")
    bad = Flaky([boom])

    async def broken() -> object:
        return bad()

    with pytest.raises(ValueError, match="boom") as raised:
        asyncio.run(with_retry(sleep=fake_time.async_sleep, clock=fake_time.clock)(broken)())
    assert raised.value is boom
    assert bad.calls == 1


def test_async_function_accepts_a_sync_fake_sleep(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionError("a")])

    async def fetch() -> object:
        return flaky()

    assert asyncio.run(with_retry(no_jitter(), sleep=fake_time.sleep, clock=fake_time.clock)(fetch)()) == "ok"
    assert fake_time.sleeps == [1.0]


def test_async_default_sleep_is_asyncio_sleep_with_zero_delay() -> None:
    flaky = Flaky([ConnectionError("a")])

    async def fetch() -> object:
        return flaky()

    assert asyncio.run(with_retry(initial_delay=0)(fetch)()) == "ok"
    assert flaky.calls == 2


def test_async_deadline_uses_injected_clock(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionError(str(n)) for n in range(10)])

    async def fetch() -> object:
        return flaky()

    wrapped = with_retry(no_jitter(attempts=10, deadline=3.5), sleep=fake_time.async_sleep, clock=fake_time.clock)
    with pytest.raises(RetryExhaustedError, match=r"would pass deadline=3\.5s"):
        asyncio.run(wrapped(fetch)())
    assert fake_time.sleeps == [1.0, 2.0]


# --- retry_call ---
def test_retry_call_passes_arguments(fake_time: FakeTime) -> None:
    flaky = Flaky([ConnectionError("x")])
    seen: list[tuple[object, ...]] = []

    def fetch(a: int, *, b: str) -> str:
        seen.append((a, b))
        return str(flaky())

    config = no_jitter()
    assert retry_call(fetch, 1, b="two", config=config, sleep=fake_time.sleep, clock=fake_time.clock) == "ok"
    assert seen == [(1, "two"), (1, "two")]


def test_retry_call_async(fake_time: FakeTime) -> None:
    async def fetch(a: int) -> int:
        return a + 1

    assert asyncio.run(retry_call(fetch, 1, sleep=fake_time.async_sleep, clock=fake_time.clock)) == 2


# --- RetryConfig ---
def test_config_defaults() -> None:
    config = RetryConfig()
    assert (config.attempts, config.initial_delay, config.max_delay, config.multiplier, config.jitter) == (
        3,
        0.5,
        30.0,
        2.0,
        0.1,
    )
    assert (config.deadline, config.retry_on, config.predicate, config.idempotent) == (None, (), None, False)


def test_config_loads_from_yaml() -> None:
    text = "attempts: 5\ninitial_delay: 1\nmax_delay: 20\nmultiplier: 3\njitter: 0.2\ndeadline: 120\nidempotent: true\n"
    config = RetryConfig.model_validate(yaml.safe_load(text))
    assert config == RetryConfig(
        attempts=5, initial_delay=1, max_delay=20, multiplier=3, jitter=0.2, deadline=120, idempotent=True
    )


@pytest.mark.parametrize(
    ("fields", "mentioned"),
    [
        ({"attempts": 0}, "attempts"),
        ({"initial_delay": -1}, "initial_delay"),
        ({"multiplier": 0.5}, "multiplier"),
        ({"jitter": 1.5}, "jitter"),
        ({"deadline": 0}, "deadline"),
        ({"atempts": 3}, "atempts"),
        ({"retry_on": ("ConnectionError",)}, "retry_on"),
        ({"predicate": "not callable"}, "predicate"),
        ({"initial_delay": 5, "max_delay": 1}, "max_delay (1.0) must be >= initial_delay (5.0)"),
    ],
)
def test_config_rejects_invalid_values(fields: dict[str, object], mentioned: str) -> None:
    with pytest.raises(ValidationError, match=mentioned.replace("(", r"\(").replace(")", r"\)")):
        RetryConfig.model_validate(fields)


def test_config_is_frozen() -> None:
    config = RetryConfig()
    with pytest.raises(ValidationError, match="frozen"):
        config.attempts = 10


def test_config_accepts_a_single_type_for_retry_on() -> None:
    assert RetryConfig(retry_on=KeyError).retry_on == (KeyError,)  # type: ignore[arg-type]
    assert RetryConfig.model_validate({"retry_on": [KeyError, OSError]}).retry_on == (KeyError, OSError)


@pytest.mark.parametrize(
    ("config", "exc", "expected"),
    [
        (RetryConfig(), ConnectionResetError(), True),
        (RetryConfig(), ValueError(), False),
        (RetryConfig(retry_on=(ValueError,)), ValueError(), True),
        (RetryConfig(retry_on=(ValueError,)), ConnectionResetError(), False),
        (RetryConfig(predicate=lambda _: False), ConnectionResetError(), False),
        (RetryConfig(retry_on=(BaseException,)), KeyboardInterrupt(), False),
    ],
)
def test_should_retry(config: RetryConfig, exc: BaseException, *, expected: bool) -> None:
    assert config.should_retry(exc) is expected


# --- package surface ---
def test_errors_package_exports_are_sorted_and_importable() -> None:
    assert errors_pkg.__all__ == sorted(errors_pkg.__all__)
    for name in errors_pkg.__all__:
        assert getattr(errors_pkg, name) is not None


def test_seed_import_path_works() -> None:
    from databricks_utils.errors import with_retry as seed_with_retry
    from databricks_utils.errors.retry import with_retry as module_with_retry

    assert seed_with_retry is module_with_retry
