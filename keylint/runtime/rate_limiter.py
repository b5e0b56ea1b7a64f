"""Token-bucket rate limiting per provider, for threads (`SyncRateLimiter`) and asyncio
(`AsyncRateLimiter`; `RateLimiter` is its old name, kept as an alias).

Fair by reservation: `acquire` takes its tokens at once, letting the bucket go into debt, and
sleeps exactly until its share is refilled. Callers are served in arrival order and each wakes
at its own time, so there is no thundering herd and no polling. `try_acquire` never waits and
never jumps the queue. The buckets live in a backend: this process's memory by default, or a
`RedisBackend` shared by every worker.

    with limiter.acquire("openai"):            # SyncRateLimiter
        ...
    async with limiter.acquire("openai"):      # AsyncRateLimiter; `await limiter.acquire(...)` too
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeAlias

from keylint.runtime.backends.base import Backend
from keylint.runtime.backends.memory import MemoryBackend

__all__ = ["Acquired", "AsyncRateLimiter", "Limit", "RateLimiter", "SyncRateLimiter"]


@dataclass(frozen=True)
class Limit:
    """`rate` tokens per second, at most `burst` stored."""

    rate: float
    burst: float

    def __post_init__(self) -> None:
        if not (self.rate > 0 and self.burst >= 1):
            raise ValueError(f"rate must be > 0 and burst >= 1, got {self.rate}, {self.burst}")


LimitSpec: TypeAlias = "Limit | tuple[float, float]"


class Acquired(float):
    """The seconds `acquire` waited (a float), usable as `with limiter.acquire(...):`."""

    def __enter__(self) -> Acquired:
        return self

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None  # a token counts a call started: nothing is given back


_NO_WAIT = Acquired(0.0)


class _Acquiring(Coroutine[Any, Any, float]):
    """`AsyncRateLimiter.acquire(...)`: a coroutine (await it, gather it, make it a task) that is
    also an async context manager."""

    __slots__ = ("_coro",)

    def __init__(self, coro: Coroutine[Any, Any, float]) -> None:
        self._coro = coro

    def send(self, value: Any) -> Any:
        return self._coro.send(value)

    def throw(self, *args: Any) -> Any:
        return self._coro.throw(*args)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, float]:
        return self._coro.__await__()

    async def __aenter__(self) -> float:
        return await self._coro

    async def __aexit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class _Limiter:
    """The limits and the backend holding the buckets, shared by the sync and async front ends."""

    def __init__(
        self,
        limits: Mapping[str, LimitSpec] | None,
        default: LimitSpec | None,
        clock: Callable[[], float],
        backend: Backend | None,
        namespace: str,
    ) -> None:
        self._backend: Backend = backend if backend is not None else MemoryBackend(clock)
        self._prefix = f"{namespace}:" if namespace else ""
        self._limits = {p: _limit(v) for p, v in (limits or {}).items()}
        self._default = None if default is None else _limit(default)

    @property
    def backend(self) -> Backend:
        """Where the buckets live."""
        return self._backend

    def configure(self, provider: str, rate: float, burst: float) -> None:
        """Set (or change) a provider's rate (tokens/s) and burst; its bucket starts full."""
        self._limits[provider] = Limit(rate, burst)
        self._backend.bucket_reset(self._prefix + provider)

    def _limit_for(self, provider: str, tokens: float) -> Limit:
        limit = self._limits.get(provider, self._default)
        if limit is None:
            raise KeyError(f"no rate limit configured for provider {provider!r}")
        if not 0 < tokens <= limit.burst:
            raise ValueError(f"tokens must be in (0, burst={limit.burst}], got {tokens}")
        return limit

    def _op(self, op: Any, provider: str, tokens: float) -> float:
        limit = self._limit_for(provider, tokens)
        name = self._prefix + provider if self._prefix else provider
        return self._backend.bucket(op, name, limit.rate, limit.burst, tokens)

    async def _aop(self, op: Any, provider: str, tokens: float) -> float:
        limit = self._limit_for(provider, tokens)
        return await self._backend.abucket(op, self._prefix + provider, limit.rate, limit.burst,
                                           tokens)

    def try_acquire(self, provider: str, tokens: float = 1) -> bool:
        """Take `tokens` if they are there now (and nobody is queued); never waits."""
        return self._op("take", provider, tokens) > 0

    def available(self, provider: str) -> float:
        """Tokens in the bucket now (negative while callers are queued)."""
        return self._op("peek", provider, 1)


def _limit(spec: LimitSpec) -> Limit:
    return spec if isinstance(spec, Limit) else Limit(float(spec[0]), float(spec[1]))


class SyncRateLimiter(_Limiter):
    """Per-provider token buckets for threads; `acquire` blocks the calling thread.

    `limits` maps provider -> `Limit` or `(rate, burst)`; `default` applies to other providers
    (without one they raise `KeyError`). `clock` and `sleep` are injectable for tests; `backend`
    (default: this process's memory) holds the buckets, under `namespace:provider` when a
    namespace is given.
    """

    def __init__(
        self,
        limits: Mapping[str, LimitSpec] | None = None,
        *,
        default: LimitSpec | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        backend: Backend | None = None,
        namespace: str = "",
    ) -> None:
        super().__init__(limits, default, clock, backend, namespace)
        self._sleep = sleep

    def acquire(self, provider: str, tokens: float = 1) -> Acquired:
        """Wait for `tokens`; return the seconds slept (0.0 when they were there).

        The result is also a context manager: `with limiter.acquire("openai"): ...`.
        """
        wait = self._op("reserve", provider, tokens)
        if wait > 0:
            try:
                self._sleep(wait)
            except BaseException:
                with contextlib.suppress(Exception):
                    self._op("refund", provider, tokens)
                raise
        return Acquired(wait) if wait else _NO_WAIT


class AsyncRateLimiter(_Limiter):
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
        backend: Backend | None = None,
        namespace: str = "",
    ) -> None:
        super().__init__(limits, default, clock, backend, namespace)
        self._sleep = sleep

    def acquire(self, provider: str, tokens: float = 1) -> _Acquiring:
        """Wait for `tokens`; `await` it for the seconds slept (0.0 when they were there), or
        use it as `async with limiter.acquire("openai"): ...`."""
        return _Acquiring(self._acquire(provider, tokens))

    async def _acquire(self, provider: str, tokens: float) -> float:
        if self._backend.shared:
            wait = await self._aop("reserve", provider, tokens)
        else:  # memory never waits: skip a coroutine per call
            wait = self._op("reserve", provider, tokens)
        if wait > 0:
            try:
                await self._sleep(wait)
            except BaseException:
                with contextlib.suppress(Exception):
                    await self._aop("refund", provider, tokens)
                raise
        return wait


RateLimiter = AsyncRateLimiter  # the old name of the asyncio limiter: existing imports keep working
