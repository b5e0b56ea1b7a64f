"""`CircuitBreaker`: stop calling a failing service, probe it after a pause, resume when it heals.

CLOSED --N failures in a row--> OPEN --recovery_timeout--> HALF_OPEN --M successes--> CLOSED;
any failure in HALF_OPEN reopens it. Every method that can change state first applies a due
OPEN -> HALF_OPEN transition, so the state never depends on who asked first.

The state lives in a backend (this process's memory by default). With a shared one
(`RedisBackend`) every process sees the same breaker: each change is written by compare-and-set,
so two processes never both count the same probe or lose a failure.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from types import TracebackType
from typing import Any, TypeVar

from keylint.runtime._decorate import decorate
from keylint.runtime.backends.base import Backend, BreakerRecord
from keylint.runtime.backends.memory import MemoryBackend
from keylint.runtime.errors import ErrorClassifier

__all__ = ["CircuitBreaker", "CircuitOpenError", "CircuitState"]

_log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
Listener = Callable[["CircuitBreaker", "CircuitState", "CircuitState"], None]


class CircuitState(enum.Enum):
    """The breaker's state."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(RuntimeError):
    """The breaker rejected a call; `retry_after` is the seconds until it will try again."""

    def __init__(self, name: str, retry_after: float) -> None:
        label = f"circuit {name!r}" if name else "circuit"
        super().__init__(f"{label} is open; next attempt in {retry_after:.1f} s")
        self.name = name
        self.retry_after = retry_after


def _counts_by_default(error: BaseException) -> bool:
    """Every error counts, except a 4xx client error (other than 408 and 429): that is our bug."""
    status = ErrorClassifier().classify(error).status if isinstance(error, Exception) else None
    return not (status is not None and 400 <= status < 500 and status not in (408, 429))


class CircuitBreaker:
    """A thread-safe circuit breaker for sync and async calls, with state-change listeners.

    In HALF_OPEN at most `half_open_max_calls` probes run at once (default: `success_threshold`);
    others are rejected with `CircuitOpenError` like in OPEN. Listeners are called outside the
    lock, in the order the changes happened, as `listener(breaker, old_state, new_state)`; their
    errors are logged, not raised.
    """

    def __init__(
        self,
        name: str = "",
        *,
        failure_threshold: int = 5,
        recovery_timeout: float = 30.0,
        success_threshold: int = 2,
        half_open_max_calls: int | None = None,
        is_failure: Callable[[BaseException], bool] = _counts_by_default,
        clock: Callable[[], float] = time.monotonic,
        backend: Backend | None = None,
    ) -> None:
        if failure_threshold < 1 or success_threshold < 1 or recovery_timeout < 0:
            raise ValueError("thresholds must be >= 1 and recovery_timeout >= 0")
        self.name = name
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.half_open_max_calls = half_open_max_calls or success_threshold
        self._is_failure = is_failure
        self._backend: Backend = backend if backend is not None else MemoryBackend(clock)
        if self._backend.shared and not name:
            raise ValueError("a breaker on a shared backend needs a name: it is the state's key")
        self._lock = threading.Lock()
        self._notify_lock = threading.RLock()
        self._changes: deque[tuple[CircuitState, CircuitState]] = deque()
        self._listeners: list[Listener] = []

    # ------------------------------------------------------------------ listeners
    def add_listener(self, listener: Listener) -> None:
        """Call `listener(breaker, old, new)` on every state change."""
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling `listener`."""
        with self._lock:
            self._listeners.remove(listener)

    # ------------------------------------------------------------------ state machine
    @property
    def backend(self) -> Backend:
        """Where the breaker's state lives."""
        return self._backend

    @property
    def state(self) -> CircuitState:
        """The current state (a due OPEN -> HALF_OPEN transition is applied first)."""
        return self._update(lambda w: w.state)

    @property
    def failure_count(self) -> int:
        """Consecutive failures counted in CLOSED."""
        return self._backend.breaker_get(self.name)[0].failures

    def retry_after(self) -> float:
        """Seconds until an OPEN breaker half-opens (0 when it is not open)."""
        record, now = self._backend.breaker_get(self.name)
        if record.state != CircuitState.OPEN.value:
            return 0.0
        return max(0.0, record.opened_at + self.recovery_timeout - now)

    def allow_request(self) -> bool:
        """Admit a call (and count it as a probe in HALF_OPEN); False when it must not run."""
        return self._update(_Work.admit)

    def before_call(self) -> None:
        """Admit a call or raise `CircuitOpenError`."""
        if not self.allow_request():
            raise CircuitOpenError(self.name, self.retry_after())

    def record_success(self) -> None:
        """A call succeeded: reset the failure count, or count towards closing in HALF_OPEN."""
        self._update(_Work.success)

    def record_failure(self, error: BaseException | None = None) -> None:
        """A call failed: open after `failure_threshold` in a row, or reopen from HALF_OPEN.

        An `error` that `is_failure` rejects (by default a 4xx client error) counts as neither
        success nor failure.
        """
        if error is not None and not self._is_failure(error):
            self._release_probe()
            return
        self._update(_Work.failure)

    def reset(self) -> None:
        """Force CLOSED with clean counters."""
        self._update(lambda w: w.move(CircuitState.CLOSED))

    def trip(self) -> None:
        """Force OPEN now (for example on an operator's signal)."""
        self._update(lambda w: w.move(CircuitState.OPEN))

    def _release_probe(self) -> None:
        self._update(_Work.release)

    # async twins: the same transitions through the backend's asyncio client
    async def _aallow_request(self) -> bool:
        return await self._aupdate(_Work.admit)

    async def _abefore_call(self) -> None:
        if not await self._aallow_request():
            record, now = await self._backend.abreaker_get(self.name)
            wait = record.opened_at + self.recovery_timeout - now
            raise CircuitOpenError(self.name, max(0.0, wait) if record.state == "open" else 0.0)

    async def _arecord_exception(self, exc: BaseException) -> None:
        if isinstance(exc, Exception) and self._is_failure(exc):
            await self._aupdate(_Work.failure)
        else:  # not a failure, or cancelled/interrupted: says nothing about the service
            await self._aupdate(_Work.release)

    def _update(self, step: Callable[[_Work], T]) -> T:
        """Read the record, apply a due transition and `step`, write it back by compare-and-set
        (again from a fresh read if another process wrote first)."""
        with self._lock:
            while True:
                record, now = self._backend.breaker_get(self.name)
                work = _Work(self, record, now)
                result = step(work)
                new = work.record(record.version + 1)
                if new == replace(record, version=new.version) or self._backend.breaker_cas(
                    self.name, record.version, new
                ):
                    self._changes.extend(work.changes)
                    break
        self._notify()
        return result

    async def _aupdate(self, step: Callable[[_Work], T]) -> T:
        if not self._backend.shared:
            return self._update(step)  # nothing to wait for: keep one code path
        while True:
            record, now = await self._backend.abreaker_get(self.name)
            work = _Work(self, record, now)
            result = step(work)
            new = work.record(record.version + 1)
            if new == replace(record, version=new.version) or await self._backend.abreaker_cas(
                self.name, record.version, new
            ):
                with self._lock:
                    self._changes.extend(work.changes)
                break
        self._notify()
        return result

    def _notify(self) -> None:
        """Deliver queued state changes to the listeners, in the order they happened."""
        if not self._changes:
            return
        with self._notify_lock:  # one deliverer at a time keeps the order across threads
            while True:
                with self._lock:
                    if not self._changes:
                        return
                    old, new = self._changes.popleft()
                    listeners = list(self._listeners)
                for listener in listeners:
                    try:
                        listener(self, old, new)
                    except Exception:
                        _log.exception("circuit breaker listener %r failed", listener)

    # ------------------------------------------------------------------ ways to use it
    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` through the breaker: rejected when open, its outcome recorded."""
        self.before_call()
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            self._record_exception(exc)
            raise
        self.record_success()
        return result

    async def acall(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Await `fn` through the breaker."""
        await self._abefore_call()
        try:
            result = await fn(*args, **kwargs)
        except BaseException as exc:
            await self._arecord_exception(exc)
            raise
        await self._aupdate(_Work.success)
        return result

    def _record_exception(self, exc: BaseException) -> None:
        if isinstance(exc, Exception):
            self.record_failure(exc)
        else:  # cancelled or interrupted: says nothing about the service
            self._release_probe()

    def __call__(self, fn: F) -> F:
        """Decorate a function or coroutine function."""
        return decorate(fn, self.call, self.acall)

    def __enter__(self) -> CircuitBreaker:
        self.before_call()
        return self

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.record_success()
        else:
            self._record_exception(exc)

    async def __aenter__(self) -> CircuitBreaker:
        await self._abefore_call()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            await self._aupdate(_Work.success)
        else:
            await self._arecord_exception(exc)


class _Work:
    """One update of a breaker record: the state machine's rules, applied to a working copy."""

    __slots__ = ("b", "changes", "failures", "now", "opened_at", "probes", "state", "successes")

    def __init__(self, breaker: CircuitBreaker, record: BreakerRecord, now: float) -> None:
        self.b = breaker
        self.now = now
        self.state = CircuitState(record.state)
        self.failures = record.failures
        self.successes = record.successes
        self.probes = record.probes
        self.opened_at = record.opened_at
        self.changes: list[tuple[CircuitState, CircuitState]] = []
        if self.state is CircuitState.OPEN and now - self.opened_at >= breaker.recovery_timeout:
            self.move(CircuitState.HALF_OPEN)

    def record(self, version: int) -> BreakerRecord:
        return BreakerRecord(self.state.value, self.failures, self.successes, self.probes,
                             self.opened_at, version)

    def move(self, new: CircuitState) -> None:
        """Enter `new` with fresh counters; remember the change for the listeners."""
        old = self.state
        self.state = new
        self.failures = self.successes = self.probes = 0
        if new is CircuitState.OPEN:
            self.opened_at = self.now
        if old is not new:
            self.changes.append((old, new))

    def admit(self) -> bool:
        if self.state is CircuitState.CLOSED:
            return True
        if self.state is CircuitState.HALF_OPEN and self.probes < self.b.half_open_max_calls:
            self.probes += 1
            return True
        return False

    def success(self) -> None:
        if self.state is CircuitState.CLOSED:
            self.failures = 0
        elif self.state is CircuitState.HALF_OPEN:
            self.probes = max(0, self.probes - 1)
            self.successes += 1
            if self.successes >= self.b.success_threshold:
                self.move(CircuitState.CLOSED)

    def failure(self) -> None:
        if self.state is CircuitState.CLOSED:
            self.failures += 1
            if self.failures >= self.b.failure_threshold:
                self.move(CircuitState.OPEN)
        elif self.state is CircuitState.HALF_OPEN:
            self.move(CircuitState.OPEN)

    def release(self) -> None:
        if self.state is CircuitState.HALF_OPEN:
            self.probes = max(0, self.probes - 1)
