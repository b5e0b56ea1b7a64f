"""`RetryStrategy`: retries with exponential backoff, full jitter and Retry-After, on tenacity.

The loop itself is tenacity's (`Retrying` / `AsyncRetrying`, imported on first use); this module
is the policy on top: which errors are retried (`ErrorClassifier`), how long to wait, when to
give up. Use it as a decorator, through `call`/`acall`, or as tenacity's attempt context:

    for attempt in strategy:          # `async for` in async code
        with attempt:
            response = client.get(url)
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from keylint.runtime._decorate import decorate
from keylint.runtime.breaker import CircuitBreaker, CircuitOpenError, CircuitState
from keylint.runtime.errors import Classification, ErrorClassifier, ErrorKind

if TYPE_CHECKING:
    import tenacity

__all__ = [
    "CircuitBreaker", "CircuitOpenError", "CircuitState", "Classification", "ErrorClassifier",
    "ErrorKind", "RetryEvent", "RetryStrategy",
]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


@dataclass(frozen=True)
class RetryEvent:
    """Passed to `on_retry` before each wait: which retry, how long, and why."""

    attempt: int  # 1 for the first retry
    delay: float
    error: BaseException
    classification: Classification


class RetryStrategy:
    """Retry transient and rate-limit errors (default 3 retries, full jitter, at most 60 s waits).

    The wait before retry n is uniform in [0, min(max_delay, base_delay * multiplier**(n-1))]
    ("full jitter"), and never less than the server's Retry-After. A Retry-After longer than
    `max_delay` ends the retries at once (the error is raised) instead of sleeping that long.
    Auth and fatal errors are raised immediately. Thread- and task-safe: each call gets its own
    tenacity loop.
    """

    def __init__(
        self,
        max_retries: int = 3,
        *,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        multiplier: float = 2.0,
        jitter: bool = True,
        respect_retry_after: bool = True,
        retry_on: frozenset[ErrorKind] = frozenset({ErrorKind.RETRYABLE, ErrorKind.RATE_LIMITED}),
        classifier: ErrorClassifier | None = None,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> None:
        if max_retries < 0 or base_delay < 0 or max_delay < 0 or multiplier < 1:
            raise ValueError("max_retries, base_delay, max_delay >= 0 and multiplier >= 1")
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.multiplier = multiplier
        self.jitter = jitter
        self.respect_retry_after = respect_retry_after
        self.retry_on = retry_on
        self.classifier = classifier or ErrorClassifier()
        self._sleep = sleep
        self._async_sleep = async_sleep
        # Backoff jitter, not cryptography.
        self._rng = rng or random.Random()  # nosec B311
        self._on_retry = on_retry

    # ------------------------------------------------------------------ policy
    def should_retry(self, error: BaseException) -> bool:
        """True when `error` is of a retried kind and its Retry-After fits within `max_delay`."""
        if not isinstance(error, Exception):
            return False  # KeyboardInterrupt, CancelledError, SystemExit
        c = self.classifier.classify(error)
        if c.kind not in self.retry_on:
            return False
        return not (
            self.respect_retry_after and c.retry_after is not None and c.retry_after > self.max_delay
        )

    def delay(self, attempt: int, error: BaseException | None = None) -> float:
        """Seconds to wait before retry number `attempt` (1-based) after `error`."""
        cap = min(self.max_delay, self.base_delay * self.multiplier ** max(0, attempt - 1))
        wait = self._rng.uniform(0, cap) if self.jitter else cap
        if self.respect_retry_after and error is not None:
            after = self.classifier.classify(error).retry_after
            if after is not None:
                wait = max(wait, min(after, self.max_delay))
        return wait

    # ------------------------------------------------------------------ tenacity loops
    def _kwargs(self) -> dict[str, Any]:
        import tenacity

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome is not None else None
            return self.delay(state.attempt_number, error)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            if self._on_retry is None or state.outcome is None or state.next_action is None:
                return
            error = state.outcome.exception()
            if error is not None:
                self._on_retry(RetryEvent(state.attempt_number, state.next_action.sleep, error,
                                          self.classifier.classify(error)))

        return {
            "stop": tenacity.stop_after_attempt(self.max_retries + 1),
            "wait": wait,
            "retry": tenacity.retry_if_exception(self.should_retry),
            "reraise": True,
            "before_sleep": before_sleep,
        }

    def retrying(self) -> tenacity.Retrying:
        """A fresh tenacity `Retrying` with this policy (one per call: they keep state)."""
        import tenacity

        return tenacity.Retrying(sleep=self._sleep, **self._kwargs())

    def async_retrying(self) -> tenacity.AsyncRetrying:
        """A fresh tenacity `AsyncRetrying` with this policy."""
        import tenacity

        return tenacity.AsyncRetrying(sleep=self._async_sleep, **self._kwargs())

    # ------------------------------------------------------------------ ways to use it
    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call `fn(*args, **kwargs)`, retrying per the policy; the last error is re-raised."""
        return self.retrying()(fn, *args, **kwargs)

    async def acall(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Await `fn(*args, **kwargs)`, retrying per the policy."""
        return cast(T, await self.async_retrying()(fn, *args, **kwargs))

    def __call__(self, fn: F) -> F:
        """Decorate a function or coroutine function."""
        return decorate(fn, self.call, self.acall)

    def __iter__(self) -> Iterator[tenacity.AttemptManager]:
        """`for attempt in strategy: with attempt: ...` (sync)."""
        return iter(self.retrying())

    def __aiter__(self) -> AsyncIterator[tenacity.AttemptManager]:
        """`async for attempt in strategy: with attempt: ...` (async)."""
        return self.async_retrying().__aiter__()
