"""Token-bucket rate limiting per provider, for threads (`SyncRateLimiter`) and asyncio (`RateLimiter`).

Fair by reservation: `acquire` takes its tokens at once, letting the bucket go into debt, and
sleeps exactly until its share is refilled. Callers are served in arrival order and each wakes
at its own time, so there is no thundering herd and no polling. `try_acquire` never waits and
never jumps the queue.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

__all__ = ["Limit", "RateLimiter", "SyncRateLimiter"]


@dataclass(frozen=True)
class Limit:
    """`rate` tokens per second, at most `burst` stored."""

    rate: float
    burst: float

    def __post_init__(self) -> None:
        if not (self.rate > 0 and self.burst >= 1):
            raise ValueError(f"rate must be > 0 and burst >= 1, got {self.rate}, {self.burst}")


class _Bucket:
    """A token bucket whose level may go negative: the debt queued callers are waiting on."""

    __slots__ = ("level", "limit", "stamp")

    def __init__(self, limit: Limit, now: float) -> None:
        self.limit = limit
        self.level = limit.burst
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.level = min(self.limit.burst, self.level + (now - self.stamp) * self.limit.rate)
            self.stamp = now

    def reserve(self, tokens: float, now: float) -> float:
        """Take `tokens`; return the seconds until they are covered."""
        self._refill(now)
        self.level -= tokens
        return 0.0 if self.level >= 0 else -self.level / self.limit.rate

    def take_now(self, tokens: float, now: float) -> bool:
        self._refill(now)
        if self.level >= tokens:
            self.level -= tokens
            return True
        return False

    def refund(self, tokens: float, now: float) -> None:
        self._refill(now)
        self.level = min(self.limit.burst, self.level + tokens)


LimitSpec: TypeAlias = "Limit | tuple[float, float]"


class _Limiter:
    """The buckets and their lock, shared by the sync and async front ends."""

    def __init__(
        self,
        limits: Mapping[str, LimitSpec] | None,
        default: LimitSpec | None,
        clock: Callable[[], float],
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._limits = {p: _limit(v) for p, v in (limits or {}).items()}
        self._default = None if default is None else _limit(default)
        self._buckets: dict[str, _Bucket] = {}

    def configure(self, provider: str, rate: float, burst: float) -> None:
        """Set (or change) a provider's rate (tokens/s) and burst; its bucket starts full."""
        with self._lock:
            self._limits[provider] = Limit(rate, burst)
            self._buckets.pop(provider, None)

    def _bucket(self, provider: str, tokens: float) -> _Bucket:
        bucket = self._buckets.get(provider)
        if bucket is None:
            limit = self._limits.get(provider, self._default)
            if limit is None:
                raise KeyError(f"no rate limit configured for provider {provider!r}")
            bucket = self._buckets[provider] = _Bucket(limit, self._clock())
        if not 0 < tokens <= bucket.limit.burst:
            raise ValueError(f"tokens must be in (0, burst={bucket.limit.burst}], got {tokens}")
        return bucket

    def _reserve(self, provider: str, tokens: float) -> float:
        with self._lock:
            return self._bucket(provider, tokens).reserve(tokens, self._clock())

    def _refund(self, provider: str, tokens: float) -> None:
        with self._lock:
            self._buckets[provider].refund(tokens, self._clock())

    def try_acquire(self, provider: str, tokens: float = 1) -> bool:
        """Take `tokens` if they are there now (and nobody is queued); never waits."""
        with self._lock:
            return self._bucket(provider, tokens).take_now(tokens, self._clock())

    def available(self, provider: str) -> float:
        """Tokens in the bucket now (negative while callers are queued)."""
        with self._lock:
            bucket = self._bucket(provider, 1)
            bucket._refill(self._clock())
            return bucket.level


def _limit(spec: LimitSpec) -> Limit:
    return spec if isinstance(spec, Limit) else Limit(float(spec[0]), float(spec[1]))


class SyncRateLimiter(_Limiter):
    """Per-provider token buckets for threads; `acquire` blocks the calling thread.

    `limits` maps provider -> `Limit` or `(rate, burst)`; `default` applies to other providers
    (without one they raise `KeyError`). `clock` and `sleep` are injectable for tests.
    """

    def __init__(
        self,
        limits: Mapping[str, LimitSpec] | None = None,
        *,
        default: LimitSpec | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(limits, default, clock)
        self._sleep = sleep

    def acquire(self, provider: str, tokens: float = 1) -> float:
        """Wait for `tokens`; return the seconds slept (0.0 when they were there)."""
        wait = self._reserve(provider, tokens)
        if wait > 0:
            try:
                self._sleep(wait)
            except BaseException:
                self._refund(provider, tokens)
                raise
        return wait


class RateLimiter(_Limiter):
    """Per-provider token buckets for asyncio; `await acquire(...)` suspends only the caller.

    Same rules as `SyncRateLimiter`; a cancelled waiter gives its tokens back.
    """

    def __init__(
        self,
        limits: Mapping[str, LimitSpec] | None = None,
        *,
        default: LimitSpec | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(limits, default, clock)
        self._sleep = sleep

    async def acquire(self, provider: str, tokens: float = 1) -> float:
        """Wait for `tokens`; return the seconds slept (0.0 when they were there)."""
        wait = self._reserve(provider, tokens)
        if wait > 0:
            try:
                await self._sleep(wait)
            except BaseException:
                self._refund(provider, tokens)
                raise
        return wait
