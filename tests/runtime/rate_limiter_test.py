from __future__ import annotations

import asyncio
import threading

import pytest

from keylint.runtime import RateLimiter, SyncRateLimiter
from keylint.runtime.rate_limiter import Limit
from tests.runtime.clock import FakeClock


def _sync(clock: FakeClock, rate: float = 2.0, burst: float = 3.0) -> SyncRateLimiter:
    return SyncRateLimiter({"openai": (rate, burst)}, clock=clock, sleep=clock.sleep)


def test_burst_is_free_then_callers_wait_one_token_each() -> None:
    clock = FakeClock()
    rl = _sync(clock, rate=2, burst=3)
    waits = [rl.acquire("openai") for _ in range(6)]
    assert waits == [0.0, 0.0, 0.0, 0.5, 1.0, 1.5]
    assert clock.sleeps == [0.5, 1.0, 1.5]  # each caller sleeps once, for its own turn


def test_tokens_refill_with_time_up_to_burst() -> None:
    clock = FakeClock()
    rl = _sync(clock, rate=2, burst=3)
    for _ in range(3):
        rl.acquire("openai")
    clock.advance(1.0)  # 2 tokens back
    assert rl.acquire("openai") == 0.0
    assert rl.acquire("openai") == 0.0
    assert rl.acquire("openai") == 0.5
    clock.advance(100)
    assert rl.available("openai") == 3.0  # capped at burst


def test_acquire_several_tokens() -> None:
    clock = FakeClock()
    rl = _sync(clock, rate=10, burst=10)
    assert rl.acquire("openai", tokens=10) == 0.0
    assert rl.acquire("openai", tokens=5) == 0.5


def test_try_acquire_never_waits() -> None:
    clock = FakeClock()
    rl = _sync(clock, rate=1, burst=2)
    assert rl.try_acquire("openai") is True
    assert rl.try_acquire("openai") is True
    assert rl.try_acquire("openai") is False
    assert clock.sleeps == []
    clock.advance(1)
    assert rl.try_acquire("openai") is True


def test_try_acquire_does_not_jump_the_queue() -> None:
    clock = FakeClock()
    rl = _sync(clock, rate=1, burst=1)
    rl.acquire("openai")
    assert rl.acquire("openai") == 1.0  # reserved: the bucket is in debt until t+1
    clock.advance(1.5)  # half a token beyond the queued caller's share
    assert rl.try_acquire("openai") is False
    clock.advance(0.5)
    assert rl.try_acquire("openai") is True


def test_providers_are_independent_and_default_applies() -> None:
    clock = FakeClock()
    rl = SyncRateLimiter({"openai": Limit(1, 1)}, default=(5, 5), clock=clock, sleep=clock.sleep)
    assert rl.acquire("openai") == 0.0
    assert rl.acquire("anthropic", tokens=5) == 0.0
    assert rl.acquire("openai") == 1.0
    assert rl.acquire("anthropic") == 0.2


def test_unknown_provider_and_bad_token_counts() -> None:
    rl = SyncRateLimiter({"openai": (1, 2)})
    with pytest.raises(KeyError, match="mistral"):
        rl.acquire("mistral")
    with pytest.raises(ValueError, match="burst"):
        rl.acquire("openai", tokens=3)
    with pytest.raises(ValueError):
        rl.try_acquire("openai", tokens=0)
    with pytest.raises(ValueError):
        Limit(0, 1)


def test_configure_replaces_a_limit() -> None:
    clock = FakeClock()
    rl = _sync(clock, rate=1, burst=1)
    rl.acquire("openai")
    rl.configure("openai", rate=10, burst=2)
    assert rl.acquire("openai") == 0.0
    assert rl.acquire("openai") == 0.0
    assert rl.acquire("openai") == pytest.approx(0.1)


def test_an_interrupted_sleep_gives_the_tokens_back() -> None:
    clock = FakeClock()

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    rl = SyncRateLimiter({"p": (1, 1)}, clock=clock, sleep=interrupted)
    rl.acquire("p")
    with pytest.raises(KeyboardInterrupt):
        rl.acquire("p")
    assert rl.available("p") == 0.0  # not -1: the interrupted caller's token is back


def test_threads_are_served_in_turn_without_a_herd() -> None:
    clock = FakeClock()
    rl = _sync(clock, rate=4, burst=2)
    n = 16
    start = threading.Barrier(n)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        start.wait()
        w = rl.acquire("openai")
        with lock:
            waits.append(w)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Every caller got its own slot: 2 free, then one every 1/4 s; no two wake together.
    assert sorted(waits) == [0.0, 0.0] + [k / 4 for k in range(1, n - 1)]
    assert rl.available("openai") == -(n - 2)


def test_asyncio_tasks_are_served_in_turn() -> None:
    clock = FakeClock()
    rl = RateLimiter({"openai": (2, 1)}, clock=clock, sleep=clock.asleep)

    async def main() -> list[float]:
        return list(await asyncio.gather(*(rl.acquire("openai") for _ in range(5))))

    waits = asyncio.run(main())
    assert waits == [0.0, 0.5, 1.0, 1.5, 2.0]  # arrival order kept
    assert clock.sleeps == [0.5, 1.0, 1.5, 2.0]


def test_asyncio_try_acquire_and_refill() -> None:
    clock = FakeClock()
    rl = RateLimiter({"x": (1, 1)}, clock=clock, sleep=clock.asleep)

    async def main() -> tuple[bool, bool, float]:
        first = rl.try_acquire("x")
        second = rl.try_acquire("x")
        clock.advance(1)
        return first, second, await rl.acquire("x")

    assert asyncio.run(main()) == (True, False, 0.0)


def test_a_cancelled_task_gives_its_tokens_back() -> None:
    clock = FakeClock()
    gate = asyncio.Event

    async def main() -> float:
        started = gate()

        async def blocked_sleep(seconds: float) -> None:
            started.set()
            await asyncio.Event().wait()  # never set: only cancellation ends it

        rl = RateLimiter({"p": (1, 1)}, clock=clock, sleep=blocked_sleep)
        await rl.acquire("p")
        task = asyncio.create_task(rl.acquire("p"))
        await started.wait()
        assert rl.available("p") == -1.0
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return rl.available("p")

    assert asyncio.run(main()) == 0.0
