"""`with`/`async with` limiters, the sync/async names, and KeyManager reporting by itself."""

from __future__ import annotations

import asyncio

import pytest

from keylint.runtime import (
    AsyncRateLimiter,
    KeyManager,
    KeyStatus,
    NoHealthyKeyError,
    RateLimiter,
    SecureString,
    SyncRateLimiter,
)
from tests.fakes import fake_key
from tests.runtime.clock import FakeClock
from tests.runtime.errors_fixtures import APIConnectionError, AuthenticationError, RateLimitError

K1, K2, K3 = (fake_key("openai-project-key", i) for i in (1, 2, 3))


def test_the_old_async_name_is_the_new_one() -> None:
    assert RateLimiter is AsyncRateLimiter


def test_with_acquire_waits_for_its_turn() -> None:
    clock = FakeClock()
    limiter = SyncRateLimiter({"openai": (2, 1)}, clock=clock, sleep=clock.sleep)
    with limiter.acquire("openai") as waited:
        assert waited == 0.0
    with limiter.acquire("openai") as waited:
        assert waited == 0.5
    assert clock.sleeps == [0.5]


def test_async_with_await_gather_and_tasks_all_acquire() -> None:
    clock = FakeClock()
    limiter = AsyncRateLimiter({"openai": (4, 1)}, clock=clock, sleep=clock.asleep)

    async def main() -> list[float]:
        async with limiter.acquire("openai") as first:
            pass
        second = await limiter.acquire("openai")
        third = await asyncio.create_task(limiter.acquire("openai"))
        rest = await asyncio.gather(limiter.acquire("openai"), limiter.acquire("openai"))
        return [first, second, third, *rest]

    assert asyncio.run(main()) == [0.0, 0.25, 0.5, 0.75, 1.0]


def _keys(clock: FakeClock) -> KeyManager:
    return KeyManager({"openai": [K1, K2, K3]}, clock=clock)


def test_call_reports_success() -> None:
    keys = _keys(FakeClock())
    assert keys.call("openai", lambda key, x: (key.get_secret_value(), x), 7) == (K1, 7)
    assert keys.health("openai")[0].successes == 1


def test_call_fails_over_from_a_revoked_and_a_rate_limited_key() -> None:
    keys = _keys(FakeClock())
    seen: list[str] = []

    def ask(key: SecureString) -> str:
        seen.append(key.get_secret_value())
        if key == K1:
            raise AuthenticationError()
        if key == K2:
            raise RateLimitError({"retry-after": "20"})
        return "answer"

    assert keys.call("openai", ask) == "answer"
    assert seen == [K1, K2, K3]
    assert [h.status for h in keys.health("openai")] == [
        KeyStatus.DISABLED, KeyStatus.COOLING_DOWN, KeyStatus.HEALTHY]
    assert keys.call("openai", ask) == "answer"  # straight to the working key now
    assert seen == [K1, K2, K3, K3]


def test_when_every_key_is_spent_the_providers_error_is_raised() -> None:
    keys = _keys(FakeClock())

    def ask(key: SecureString) -> str:
        raise RateLimitError({"retry-after": "5"})

    with pytest.raises(RateLimitError):
        keys.call("openai", ask)
    with pytest.raises(NoHealthyKeyError) as caught:  # a new call: nothing to try
        keys.call("openai", ask)
    assert caught.value.retry_after == 5


def test_a_transient_error_is_reported_and_raised_without_failing_over() -> None:
    keys = _keys(FakeClock())
    seen: list[SecureString] = []

    def ask(key: SecureString) -> str:
        seen.append(key)
        raise APIConnectionError("reset")

    with pytest.raises(APIConnectionError):
        keys.call("openai", ask)
    assert seen == [K1]
    assert keys.health("openai")[0].consecutive_failures == 1


def test_a_coroutine_function_is_awaited_through_call_and_acall() -> None:
    keys = _keys(FakeClock())

    async def ask(key: SecureString, prompt: str) -> str:
        await asyncio.sleep(0)
        if key == K1:
            raise AuthenticationError()
        return prompt.upper()

    async def main() -> tuple[str, str]:
        return await keys.call("openai", ask, "hi"), await keys.acall("openai", ask, "yo")

    assert asyncio.run(main()) == ("HI", "YO")
    assert keys.health("openai")[0].status is KeyStatus.DISABLED
    assert keys.health("openai")[1].successes == 2


def test_call_refuses_a_function_that_returns_an_awaitable() -> None:
    keys = _keys(FakeClock())

    async def later(key: SecureString) -> int:
        return 1

    with pytest.raises(TypeError, match="acall"):
        keys.call("openai", lambda key: later(key))
    assert keys.health("openai")[0].successes == 0


def test_use_reports_the_blocks_outcome_and_never_swallows_it() -> None:
    keys = _keys(FakeClock())
    with keys.use("openai") as key:
        assert key == K1
    assert keys.health("openai")[0].successes == 1
    with pytest.raises(AuthenticationError), keys.use("openai"):
        raise AuthenticationError()
    with keys.use("openai") as key:
        assert key == K2

    async def main() -> None:
        with pytest.raises(RateLimitError):
            async with keys.use("openai") as key:
                assert key == K2
                raise RateLimitError({"retry-after": "3"})
        async with keys.use("openai") as key:
            assert key == K3

    asyncio.run(main())
    assert [h.status for h in keys.health("openai")] == [
        KeyStatus.DISABLED, KeyStatus.COOLING_DOWN, KeyStatus.HEALTHY]
