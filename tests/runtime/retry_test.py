from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keylint.runtime import ErrorClassifier, RetryStrategy
from keylint.runtime.errors import ErrorKind
from keylint.runtime.retry import RetryEvent
from tests.runtime.clock import FakeClock
from tests.runtime.errors_fixtures import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ChunkedEncodingError,
    ConnectError,
    ConnectionError,
    HTTPError,
    HTTPStatusError,
    RateLimitError,
    ReadTimeout,
    Timeout,
)

R, L, A, F = ErrorKind.RETRYABLE, ErrorKind.RATE_LIMITED, ErrorKind.AUTH, ErrorKind.FATAL


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (401, A), (403, A), (429, L), (408, R), (409, R), (500, R), (502, R), (503, R),
        (504, R), (529, R), (599, R), (400, F), (404, F), (422, F),
        (HTTPStatusError(503), R), (HTTPStatusError(401), A), (APIStatusError(429), L),
        (RateLimitError(), L), (AuthenticationError(), A), (APIStatusError(400), F),
        (APIConnectionError(), R), (APITimeoutError(), R),
        (ReadTimeout(), R), (ConnectError(), R),
        (Timeout(), R), (ConnectionError(), R), (ChunkedEncodingError(), R), (HTTPError(502), R),
        (TimeoutError(), R), (asyncio.TimeoutError(), R), (ConnectionResetError(), R),
        (BrokenPipeError(), R), (FileNotFoundError(), F), (ValueError("x"), F), (KeyError(), F),
    ],
)
def test_classification(error: BaseException | int, kind: ErrorKind) -> None:
    assert ErrorClassifier().classify(error).kind is kind


def test_status_is_reported() -> None:
    c = ErrorClassifier().classify(HTTPStatusError(503))
    assert (c.status, c.retryable) == (503, True)
    assert ErrorClassifier().classify(APIConnectionError()).status is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "12"}, 12.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "3"}, 3.0),
        ({"retry-after": "-5"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:30 GMT"}, 30.0),
        ({}, None),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    c = ErrorClassifier(now=lambda: now).classify(RateLimitError(headers))
    assert c.retry_after == expected


def _flaky(errors: list[BaseException], result: str = "ok") -> Callable[[], str]:
    calls = iter(errors)

    def fn() -> str:
        for e in calls:
            raise e
        return result

    return fn


def _strategy(clock: FakeClock, **kwargs: object) -> RetryStrategy:
    return RetryStrategy(sleep=clock.sleep, async_sleep=clock.asleep, rng=random.Random(1),
                         **kwargs)  # type: ignore[arg-type]


def test_defaults() -> None:
    s = RetryStrategy()
    assert (s.max_retries, s.max_delay, s.jitter, s.respect_retry_after) == (3, 60.0, True, True)


def test_retries_transient_errors_then_returns() -> None:
    clock = FakeClock()
    events: list[RetryEvent] = []
    s = _strategy(clock, on_retry=events.append)
    assert s.call(_flaky([HTTPStatusError(503), APIConnectionError()])) == "ok"
    assert len(clock.sleeps) == 2
    assert [e.attempt for e in events] == [1, 2]
    assert [e.delay for e in events] == clock.sleeps
    assert events[0].classification.status == 503


def test_gives_up_after_max_retries_with_the_original_error() -> None:
    clock = FakeClock()
    err = HTTPStatusError(503)
    with pytest.raises(HTTPStatusError) as info:
        _strategy(clock).call(_flaky([err] * 10))
    assert info.value is err
    assert len(clock.sleeps) == 3  # 4 attempts


@pytest.mark.parametrize("error", [AuthenticationError(), APIStatusError(400), ValueError("bug")])
def test_auth_and_fatal_errors_are_not_retried(error: Exception) -> None:
    clock = FakeClock()
    with pytest.raises(type(error)):
        _strategy(clock).call(_flaky([error]))
    assert clock.sleeps == []


def test_keyboard_interrupt_is_not_retried() -> None:
    clock = FakeClock()
    with pytest.raises(KeyboardInterrupt):
        _strategy(clock).call(_flaky([KeyboardInterrupt()]))
    assert clock.sleeps == []


def test_retry_after_is_honoured() -> None:
    clock = FakeClock()
    _strategy(clock).call(_flaky([RateLimitError({"retry-after": "7"})]))
    assert clock.sleeps[0] >= 7


def test_retry_after_beyond_max_delay_gives_up_at_once() -> None:
    clock = FakeClock()
    with pytest.raises(RateLimitError):
        _strategy(clock, max_delay=60).call(_flaky([RateLimitError({"retry-after": "120"})]))
    assert clock.sleeps == []


def test_backoff_without_jitter_doubles_up_to_the_cap() -> None:
    s = RetryStrategy(jitter=False, base_delay=1, max_delay=60)
    assert [s.delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


@given(st.integers(1, 40), st.integers(0, 2**32))
def test_full_jitter_stays_within_the_exponential_cap(attempt: int, seed: int) -> None:
    s = RetryStrategy(rng=random.Random(seed), base_delay=0.5, max_delay=60)
    cap = min(60, 0.5 * 2 ** (attempt - 1))
    assert 0 <= s.delay(attempt) <= cap


def test_full_jitter_spreads_the_waits() -> None:
    s = RetryStrategy(rng=random.Random(3), base_delay=1, max_delay=60)
    waits = {round(s.delay(5), 6) for _ in range(50)}
    assert len(waits) > 40  # callers do not retry in lockstep


def test_decorator_sync() -> None:
    clock = FakeClock()
    calls = []

    @_strategy(clock)
    def fetch(x: int) -> int:
        calls.append(x)
        if len(calls) < 3:
            raise ReadTimeout()
        return x * 2

    assert fetch(21) == 42
    assert fetch.__name__ == "fetch"
    assert calls == [21, 21, 21]


def test_decorator_async() -> None:
    clock = FakeClock()
    calls = []

    @_strategy(clock)
    async def fetch(x: int) -> int:
        calls.append(x)
        if len(calls) < 2:
            raise APITimeoutError()
        return x + 1

    assert asyncio.run(fetch(1)) == 2
    assert len(clock.sleeps) == 1


def test_attempt_context_sync() -> None:
    clock = FakeClock()
    fn = _flaky([ConnectError(), ConnectError()], result="done")
    result = None
    for attempt in _strategy(clock):
        with attempt:
            result = fn()
    assert result == "done"
    assert len(clock.sleeps) == 2


def test_attempt_context_async() -> None:
    clock = FakeClock()
    fn = _flaky([HTTPStatusError(502)], result="done")

    async def main() -> str | None:
        result = None
        async for attempt in _strategy(clock):
            with attempt:
                result = fn()
        return result

    assert asyncio.run(main()) == "done"
    assert len(clock.sleeps) == 1


def test_acall_gives_up_with_the_original_error() -> None:
    clock = FakeClock()

    async def always() -> None:
        raise HTTPStatusError(500)

    with pytest.raises(HTTPStatusError):
        asyncio.run(_strategy(clock, max_retries=1).acall(always))
    assert len(clock.sleeps) == 1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        RetryStrategy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryStrategy(multiplier=0.5)
