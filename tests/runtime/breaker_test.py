from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from keylint.runtime import CircuitBreaker
from keylint.runtime.breaker import CircuitOpenError, CircuitState
from tests.runtime.clock import FakeClock
from tests.runtime.errors_fixtures import APIStatusError, HTTPStatusError

CL, OP, HO = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN


@dataclass
class Recorder:
    """A listener that keeps every (old, new) it is told about."""

    seen: list[tuple[CircuitState, CircuitState]] = field(default_factory=list)

    def __call__(self, breaker: CircuitBreaker, old: CircuitState, new: CircuitState) -> None:
        self.seen.append((old, new))


def _breaker(clock: FakeClock, **kwargs: int | float) -> tuple[CircuitBreaker, Recorder]:
    b = CircuitBreaker("llm", clock=clock, **kwargs)  # type: ignore[arg-type]
    rec = Recorder()
    b.add_listener(rec)
    return b, rec


def _fail(b: CircuitBreaker, n: int = 1) -> None:
    for _ in range(n):
        b.record_failure(HTTPStatusError(503))


# --------------------------------------------------------------------------- each transition


def test_closed_opens_after_n_consecutive_failures() -> None:
    b, rec = _breaker(FakeClock(), failure_threshold=3)
    _fail(b, 2)
    assert b.state is CL
    _fail(b)
    assert b.state is OP
    assert rec.seen == [(CL, OP)]


def test_a_success_in_closed_resets_the_failure_run() -> None:
    b, _ = _breaker(FakeClock(), failure_threshold=3)
    _fail(b, 2)
    b.record_success()
    _fail(b, 2)
    assert b.state is CL
    assert b.failure_count == 2


def test_open_rejects_calls_until_the_recovery_timeout() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=1, recovery_timeout=30)
    _fail(b)
    clock.advance(29.9)
    assert b.allow_request() is False
    with pytest.raises(CircuitOpenError, match="'llm' is open") as info:
        b.before_call()
    assert info.value.retry_after == pytest.approx(0.1)
    clock.advance(0.1)
    assert b.state is HO
    assert rec.seen == [(CL, OP), (OP, HO)]


def test_half_open_closes_after_m_successes() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=1, recovery_timeout=5, success_threshold=2)
    _fail(b)
    clock.advance(5)
    assert b.allow_request() and b.allow_request()
    assert b.allow_request() is False  # only M probes at a time
    b.record_success()
    assert b.state is HO
    b.record_success()
    assert b.state is CL
    assert rec.seen == [(CL, OP), (OP, HO), (HO, CL)]


def test_any_failure_in_half_open_reopens() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=1, recovery_timeout=5, success_threshold=3)
    _fail(b)
    clock.advance(5)
    b.record_success()
    b.record_success()
    _fail(b)
    assert b.state is OP
    assert b.retry_after() == 5  # the timeout restarts from the reopening
    assert rec.seen == [(CL, OP), (OP, HO), (HO, OP)]


def test_record_methods_apply_a_due_transition_first() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=1, recovery_timeout=5, success_threshold=1)
    _fail(b)
    clock.advance(5)
    b.record_success()  # nobody read .state: the success still counts in HALF_OPEN
    assert rec.seen == [(CL, OP), (OP, HO), (HO, CL)]
    _fail(b)
    clock.advance(6)
    _fail(b)  # due OPEN -> HALF_OPEN first, then the failure reopens
    assert rec.seen[-2:] == [(OP, HO), (HO, OP)]


def test_reports_while_open_are_ignored() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=1, recovery_timeout=5)
    _fail(b)
    b.record_success()
    _fail(b, 3)
    assert b.state is OP
    assert b.retry_after() == 5
    assert rec.seen == [(CL, OP)]


def test_client_errors_do_not_count_but_release_the_probe() -> None:
    clock = FakeClock()
    b, _ = _breaker(clock, failure_threshold=2, recovery_timeout=1, success_threshold=1)
    for _ in range(5):
        b.record_failure(APIStatusError(404))
    assert b.state is CL
    _fail(b, 2)
    clock.advance(1)
    assert b.allow_request()
    b.record_failure(APIStatusError(400))
    assert b.state is HO
    assert b.allow_request()  # the probe slot was given back


def test_reset_and_trip() -> None:
    b, rec = _breaker(FakeClock())
    b.trip()
    assert b.state is OP
    b.reset()
    assert b.state is CL
    assert rec.seen == [(CL, OP), (OP, CL)]


def test_a_failing_listener_does_not_break_the_breaker(caplog: pytest.LogCaptureFixture) -> None:
    b = CircuitBreaker(failure_threshold=1, clock=FakeClock())

    def bad(*_: object) -> None:
        raise RuntimeError("listener bug")

    rec = Recorder()
    b.add_listener(bad)
    b.add_listener(rec)
    _fail(b)
    assert b.state is OP
    assert rec.seen == [(CL, OP)]
    assert "listener" in caplog.text
    b.remove_listener(bad)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=0)


# --------------------------------------------------------------------------- ways to call


def test_call_decorator_and_context_manager() -> None:
    clock = FakeClock()
    b, _ = _breaker(clock, failure_threshold=2, recovery_timeout=10, success_threshold=1)

    @b
    def flaky(ok: bool) -> str:
        if not ok:
            raise HTTPStatusError(502)
        return "fine"

    assert flaky(True) == "fine"
    for _ in range(2):
        with pytest.raises(HTTPStatusError):
            flaky(False)
    with pytest.raises(CircuitOpenError):
        flaky(True)  # rejected without running
    clock.advance(10)
    with b:
        pass
    assert b.state is CL
    with pytest.raises(KeyError), b:
        raise KeyError("not an HTTP error: counts")
    assert b.failure_count == 1


def test_async_call_decorator_and_context_manager() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=1, recovery_timeout=3, success_threshold=1)

    @b
    async def fetch(ok: bool) -> int:
        await asyncio.sleep(0)
        if not ok:
            raise HTTPStatusError(503)
        return 1

    async def main() -> None:
        with pytest.raises(HTTPStatusError):
            await fetch(False)
        with pytest.raises(CircuitOpenError):
            await fetch(True)
        clock.advance(3)
        async with b:
            await asyncio.sleep(0)
        assert await b.acall(fetch.__wrapped__, True) == 1  # type: ignore[attr-defined]

    asyncio.run(main())
    assert rec.seen == [(CL, OP), (OP, HO), (HO, CL)]


def test_a_cancelled_call_counts_as_nothing() -> None:
    clock = FakeClock()
    b, _ = _breaker(clock, failure_threshold=1, recovery_timeout=1, success_threshold=1,
                    half_open_max_calls=1)
    _fail(b)
    clock.advance(1)

    async def main() -> None:
        async def hang() -> None:
            await asyncio.Event().wait()

        task = asyncio.create_task(b.acall(hang))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert b.state is HO
    assert b.allow_request()  # the cancelled probe gave its slot back


# --------------------------------------------------------------------------- state machine


class BreakerMachine(RuleBasedStateMachine):
    """Drive a breaker with random reports and clock moves; compare with a reference model."""

    N, M, TIMEOUT, PROBES = 3, 2, 10.0, 2

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.breaker, self.rec = _breaker(
            self.clock, failure_threshold=self.N, recovery_timeout=self.TIMEOUT,
            success_threshold=self.M, half_open_max_calls=self.PROBES,
        )
        self.state, self.failures, self.successes, self.probes = CL, 0, 0, 0
        self.opened_at = 0.0
        self.expected: list[tuple[CircuitState, CircuitState]] = []

    def _move(self, new: CircuitState) -> None:
        self.expected.append((self.state, new))
        self.state, self.failures, self.successes, self.probes = new, 0, 0, 0
        if new is OP:
            self.opened_at = self.clock.now

    def _tick(self) -> None:
        if self.state is OP and self.clock.now - self.opened_at >= self.TIMEOUT:
            self._move(HO)

    @rule(seconds=st.sampled_from([0.5, 3.0, 9.99, 10.0, 25.0]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule()
    def allow(self) -> None:
        self._tick()
        expected = self.state is CL or (self.state is HO and self.probes < self.PROBES)
        if self.state is HO and expected:
            self.probes += 1
        assert self.breaker.allow_request() is expected

    @rule()
    def success(self) -> None:
        self._tick()
        if self.state is CL:
            self.failures = 0
        elif self.state is HO:
            self.probes = max(0, self.probes - 1)
            self.successes += 1
            if self.successes >= self.M:
                self._move(CL)
        self.breaker.record_success()

    @rule()
    def failure(self) -> None:
        self._tick()
        if self.state is CL:
            self.failures += 1
            if self.failures >= self.N:
                self._move(OP)
        elif self.state is HO:
            self._move(OP)
        self.breaker.record_failure(HTTPStatusError(500))

    @precondition(lambda self: self.state is not OP)
    @rule()
    def trip(self) -> None:
        self._move(OP)
        self.breaker.trip()

    @invariant()
    def same_transitions(self) -> None:
        assert self.rec.seen == self.expected

    @invariant()
    def same_state(self) -> None:
        self._tick()
        assert self.breaker.state is self.state
        assert self.rec.seen == self.expected


BreakerMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestBreakerStateMachine = BreakerMachine.TestCase


def test_the_state_machine_reaches_every_transition() -> None:
    """Guard for the stateful test: a scripted run through all four transitions."""
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=1, recovery_timeout=1, success_threshold=1)
    _fail(b)
    clock.advance(1)
    _fail(b)
    clock.advance(1)
    b.record_success()
    assert set(rec.seen) == {(CL, OP), (OP, HO), (HO, OP), (HO, CL)}


# --------------------------------------------------------------------------- concurrency


def _chained(seen: list[tuple[CircuitState, CircuitState]], final: CircuitState) -> bool:
    state = CL
    for old, new in seen:
        if old is not state:
            return False
        state = new
    return state is final


def test_threads_see_transitions_in_order_and_consistent_state() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=3, recovery_timeout=1, success_threshold=2)
    start = threading.Barrier(8)
    calls = [0] * 8

    def worker(n: int) -> None:
        rng = random.Random(n)
        start.wait()
        for _ in range(400):
            if rng.random() < 0.1:
                clock.advance(0.5)
            try:
                with b:
                    calls[n] += 1
                    if rng.random() < 0.4:
                        raise HTTPStatusError(503)
            except (HTTPStatusError, CircuitOpenError):
                pass

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(calls) > 0
    assert len(rec.seen) > 3
    assert _chained(rec.seen, b.state)


def test_asyncio_tasks_share_a_breaker() -> None:
    clock = FakeClock()
    b, rec = _breaker(clock, failure_threshold=2, recovery_timeout=1, success_threshold=1)

    async def task(n: int) -> int:
        rng = random.Random(n)
        done = 0
        for _ in range(100):
            if rng.random() < 0.2:
                clock.advance(0.5)
            try:
                async with b:
                    await asyncio.sleep(0)
                    if rng.random() < 0.5:
                        raise HTTPStatusError(503)
                    done += 1
            except (HTTPStatusError, CircuitOpenError):
                pass
        return done

    async def main() -> list[int]:
        return list(await asyncio.gather(*(task(n) for n in range(10))))

    assert sum(asyncio.run(main())) > 0
    assert _chained(rec.seen, b.state)
    assert {(CL, OP), (OP, HO)} <= set(rec.seen)
