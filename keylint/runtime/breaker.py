"""`CircuitBreaker`: stop calling a failing service, probe it after a pause, resume when it heals.

CLOSED --N failures in a row--> OPEN --recovery_timeout--> HALF_OPEN --M successes--> CLOSED;
any failure in HALF_OPEN reopens it. Every method that can change state first applies a due
OPEN -> HALF_OPEN transition, so the state never depends on who asked first.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

from keylint.runtime._decorate import decorate
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
    ) -> None:
        if failure_threshold < 1 or success_threshold < 1 or recovery_timeout < 0:
            raise ValueError("thresholds must be >= 1 and recovery_timeout >= 0")
        self.name = name
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.half_open_max_calls = half_open_max_calls or success_threshold
        self._is_failure = is_failure
        self._clock = clock
        self._lock = threading.Lock()
        self._notify_lock = threading.RLock()
        self._changes: deque[tuple[CircuitState, CircuitState]] = deque()
        self._listeners: list[Listener] = []
        self._state = CircuitState.CLOSED
        self._failures = 0  # consecutive, in CLOSED
        self._successes = 0  # in HALF_OPEN
        self._probes = 0  # calls admitted in HALF_OPEN and not yet reported
        self._opened_at = 0.0

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
    def state(self) -> CircuitState:
        """The current state (a due OPEN -> HALF_OPEN transition is applied first)."""
        with self._lock:
            self._tick()
            state = self._state
        self._notify()
        return state

    @property
    def failure_count(self) -> int:
        """Consecutive failures counted in CLOSED."""
        return self._failures

    def retry_after(self) -> float:
        """Seconds until an OPEN breaker half-opens (0 when it is not open)."""
        with self._lock:
            if self._state is not CircuitState.OPEN:
                return 0.0
            return max(0.0, self._opened_at + self.recovery_timeout - self._clock())

    def allow_request(self) -> bool:
        """Admit a call (and count it as a probe in HALF_OPEN); False when it must not run."""
        with self._lock:
            self._tick()
            if self._state is CircuitState.CLOSED:
                allowed = True
            elif self._state is CircuitState.HALF_OPEN and self._probes < self.half_open_max_calls:
                self._probes += 1
                allowed = True
            else:
                allowed = False
        self._notify()
        return allowed

    def before_call(self) -> None:
        """Admit a call or raise `CircuitOpenError`."""
        if not self.allow_request():
            raise CircuitOpenError(self.name, self.retry_after())

    def record_success(self) -> None:
        """A call succeeded: reset the failure count, or count towards closing in HALF_OPEN."""
        with self._lock:
            self._tick()
            if self._state is CircuitState.CLOSED:
                self._failures = 0
            elif self._state is CircuitState.HALF_OPEN:
                self._probes = max(0, self._probes - 1)
                self._successes += 1
                if self._successes >= self.success_threshold:
                    self._move(CircuitState.CLOSED)
        self._notify()

    def record_failure(self, error: BaseException | None = None) -> None:
        """A call failed: open after `failure_threshold` in a row, or reopen from HALF_OPEN.

        An `error` that `is_failure` rejects (by default a 4xx client error) counts as neither
        success nor failure.
        """
        if error is not None and not self._is_failure(error):
            self._release_probe()
            return
        with self._lock:
            self._tick()
            if self._state is CircuitState.CLOSED:
                self._failures += 1
                if self._failures >= self.failure_threshold:
                    self._move(CircuitState.OPEN)
            elif self._state is CircuitState.HALF_OPEN:
                self._move(CircuitState.OPEN)
        self._notify()

    def reset(self) -> None:
        """Force CLOSED with clean counters."""
        with self._lock:
            self._move(CircuitState.CLOSED)
        self._notify()

    def trip(self) -> None:
        """Force OPEN now (for example on an operator's signal)."""
        with self._lock:
            self._move(CircuitState.OPEN)
        self._notify()

    def _release_probe(self) -> None:
        with self._lock:
            self._tick()
            if self._state is CircuitState.HALF_OPEN:
                self._probes = max(0, self._probes - 1)
        self._notify()

    def _tick(self) -> None:
        """Apply a due OPEN -> HALF_OPEN transition (lock held)."""
        if (
            self._state is CircuitState.OPEN
            and self._clock() - self._opened_at >= self.recovery_timeout
        ):
            self._move(CircuitState.HALF_OPEN)

    def _move(self, new: CircuitState) -> None:
        """Enter `new` with fresh counters (lock held); record the change for the listeners."""
        old = self._state
        self._state = new
        self._failures = 0
        self._successes = 0
        self._probes = 0
        if new is CircuitState.OPEN:
            self._opened_at = self._clock()
        if old is not new:
            self._changes.append((old, new))

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
        self.before_call()
        try:
            result = await fn(*args, **kwargs)
        except BaseException as exc:
            self._record_exception(exc)
            raise
        self.record_success()
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
        return self.__enter__()

    async def __aexit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(et, exc, tb)
