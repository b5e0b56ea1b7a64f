"""`KeyManager`: several keys per provider, failing over from a dead or rate-limited key.

    answer = keys.call("openai", ask, prompt)        # ask(key, prompt); `await` it for async ask
    with keys.use("openai") as key:                  # `async with` too
        ...

Both report success and failure themselves (`ErrorClassifier` reads the error); `call` also
fails over: a key that is revoked or rate limited is benched and the call made again with the
next healthy key.

An auth failure (401/403) disables a key until `enable`; a rate limit (429) cools it down for the
server's Retry-After (or `default_cooldown`); `max_failures` transient errors in a row cool it
down too. `get_key` keeps handing out the current key while it is healthy, moves to the next
healthy one when it is not, and brings cooled-down keys back once their time is up.
"""

from __future__ import annotations

import enum
import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar, overload

from keylint.runtime.backends.base import Backend, Bench, fingerprint
from keylint.runtime.backends.memory import MemoryBackend
from keylint.runtime.errors import ErrorClassifier, ErrorKind
from keylint.runtime.keys import SecureString

__all__ = ["KeyHealth", "KeyLease", "KeyManager", "KeyStatus", "NoHealthyKeyError"]

T = TypeVar("T")


class KeyStatus(enum.Enum):
    """Whether a key may be used."""

    HEALTHY = "healthy"
    COOLING_DOWN = "cooling_down"  # rate limited or failing: back after `cooldown_until`
    DISABLED = "disabled"  # rejected by the provider (401/403): back only after `enable`


@dataclass(frozen=True)
class KeyHealth:
    """A snapshot of one key's state (the key itself stays masked)."""

    provider: str
    key: SecureString
    status: KeyStatus
    successes: int
    failures: int
    consecutive_failures: int
    cooldown_until: float | None
    last_error: str | None


class NoHealthyKeyError(RuntimeError):
    """Every key of a provider is disabled or cooling down; `retry_after` is None if all disabled."""

    def __init__(self, provider: str, retry_after: float | None) -> None:
        when = (
            "all keys are disabled"
            if retry_after is None
            else f"next key is back in {retry_after:.1f} s"
        )
        super().__init__(f"no usable key for provider {provider!r}: {when}")
        self.provider = provider
        self.retry_after = retry_after


class _Key:
    """This process's counters for one key; whether it is benched lives in the backend."""

    __slots__ = ("benched", "consecutive", "failures", "id", "key", "last_error", "successes")

    def __init__(self, key: SecureString) -> None:
        self.key = key
        self.id = fingerprint(key.get_secret_value())
        self.benched = False  # seen out of service: its run of failures restarts when it is back
        self.successes = 0
        self.failures = 0
        self.consecutive = 0
        self.last_error: str | None = None


class KeyManager:
    """Thread-safe pool of keys per provider with failover, cooldowns and recovery.

    `keys` maps provider -> keys (str or SecureString; held as SecureString). `clock` is
    injectable (monotonic seconds). `backend` (default: this process's memory) keeps which keys
    are disabled or cooling down; with a shared one (`RedisBackend`) a key benched by one
    process is skipped by all, until its cooldown expires. Only a key's fingerprint is stored.
    Counters (`successes`, `failures`, `consecutive_failures`) stay per process.
    """

    def __init__(
        self,
        keys: Mapping[str, Iterable[str | SecureString]] | None = None,
        *,
        default_cooldown: float = 60.0,
        max_failures: int = 3,
        failure_cooldown: float = 30.0,
        classifier: ErrorClassifier | None = None,
        clock: Callable[[], float] = time.monotonic,
        backend: Backend | None = None,
    ) -> None:
        self.default_cooldown = default_cooldown
        self.max_failures = max_failures
        self.failure_cooldown = failure_cooldown
        self._classifier = classifier or ErrorClassifier()
        self._clock = clock
        self._backend: Backend = backend if backend is not None else MemoryBackend(clock)
        self._lock = threading.RLock()
        self._pools: dict[str, list[_Key]] = {}
        self._current: dict[str, int] = {}
        self._owner: dict[SecureString, tuple[str, _Key]] = {}
        for provider, values in (keys or {}).items():
            for value in values:
                self.add_key(provider, value)

    @classmethod
    def from_env(
        cls,
        names: Mapping[str, Sequence[str]],
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> KeyManager:
        """Keys from environment variables: `{"openai": ["OPENAI_API_KEY", "OPENAI_API_KEY_2"]}`.

        Unset variables are skipped; a provider with none set raises `MissingSecretError` for
        its first variable.
        """
        from keylint.runtime.keys import MissingSecretError

        manager = cls(**kwargs)
        for provider, variables in names.items():
            found = 0
            for var in variables:
                try:
                    manager.add_key(provider, SecureString.from_env(var, environ))
                    found += 1
                except MissingSecretError:
                    continue
            if not found and variables:
                raise MissingSecretError(variables[0])
        return manager

    def add_key(self, provider: str, key: str | SecureString) -> SecureString:
        """Add a key to `provider`'s pool (at the end); return it as a SecureString."""
        secure = key if isinstance(key, SecureString) else SecureString(key)
        with self._lock:
            if secure in self._owner:
                raise ValueError(f"key {secure} is already registered")
            entry = _Key(secure)
            self._pools.setdefault(provider, []).append(entry)
            self._current.setdefault(provider, 0)
            self._owner[secure] = (provider, entry)
        return secure

    def providers(self) -> list[str]:
        """Providers with at least one key."""
        with self._lock:
            return list(self._pools)

    @property
    def backend(self) -> Backend:
        """Where key health lives."""
        return self._backend

    def get_key(self, provider: str) -> SecureString:
        """The key to use now; raises `NoHealthyKeyError` when none is usable."""
        with self._lock:
            pool = self._pool(provider)
            now = self._clock()
            return self._pick(provider, pool, now,
                              self._backend.benched(provider, [e.id for e in pool], now))

    async def aget_key(self, provider: str) -> SecureString:
        """`get_key` for asyncio code (asks a shared backend without blocking the loop)."""
        pool = self._pool(provider)
        now = self._clock()
        benched = await self._backend.abenched(provider, [e.id for e in pool], now)
        with self._lock:
            return self._pick(provider, pool, now, benched)

    def report_success(self, key: str | SecureString) -> None:
        """The call with `key` worked: clear its run of failures."""
        with self._lock:
            entry = self._entry(key)[1]
            entry.successes += 1
            entry.consecutive = 0

    def report_failure(
        self, key: str | SecureString, error: BaseException | int, *, retry_after: float | None = None
    ) -> KeyStatus:
        """The call with `key` failed with `error` (exception or HTTP status); return its status.

        401/403 disable the key; 429 cools it down for Retry-After (from the error, or
        `retry_after`, or `default_cooldown`); other transient errors cool it down for
        `failure_cooldown` after `max_failures` in a row; fatal errors (a bad request) are
        counted but do not change the key's status.
        """
        with self._lock:
            provider, entry = self._entry(key)
            bench = self._count_failure(entry, error, retry_after)
            if bench is not None:
                self._backend.bench(provider, entry.id, bench[0].value, bench[1])
                return bench[0]
            return self._status(provider, entry)

    async def areport_failure(
        self, key: str | SecureString, error: BaseException | int, *, retry_after: float | None = None
    ) -> KeyStatus:
        """`report_failure` for asyncio code."""
        with self._lock:
            provider, entry = self._entry(key)
            bench = self._count_failure(entry, error, retry_after)
        if bench is not None:
            await self._backend.abench(provider, entry.id, bench[0].value, bench[1])
            return bench[0]
        found = await self._backend.abenched(provider, [entry.id], self._clock())
        return KeyStatus(found[entry.id].status) if entry.id in found else KeyStatus.HEALTHY

    def enable(self, key: str | SecureString) -> None:
        """Put a disabled or cooling key back in service (after rotating it, say)."""
        with self._lock:
            provider, entry = self._entry(key)
            self._backend.unbench(provider, entry.id)
            entry.benched, entry.consecutive = False, 0

    def health(self, provider: str | None = None) -> list[KeyHealth]:
        """Snapshots of every key (of one provider, or all), cooldowns already expired applied."""
        with self._lock:
            now = self._clock()
            out = []
            for name, pool in self._pools.items():
                if provider is not None and name != provider:
                    continue
                benched = self._backend.benched(name, [e.id for e in pool], now)
                for e in pool:
                    bench = self._observe(e, benched)
                    status = KeyStatus.HEALTHY if bench is None else KeyStatus(bench.status)
                    until = None if bench is None else bench.until
                    out.append(KeyHealth(name, e.key, status, e.successes, e.failures,
                                         e.consecutive, until, e.last_error))
            return out

    # ------------------------------------------------------------------ ways to use it
    @overload
    def call(
        self, provider: str, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any
    ) -> Coroutine[Any, Any, T]: ...

    @overload
    def call(self, provider: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...

    def call(self, provider: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn(key, *args, **kwargs)` with the provider's current key, the outcome reported.

        On an auth error (401/403) or a rate limit (429) the key is benched and `fn` is called
        again with the next healthy key, each key at most once; when none is left the last
        error is raised (its Retry-After intact, for a `RetryStrategy` around this). Other errors
        are reported and raised: retrying them is the retry strategy's job. For a coroutine
        function `fn` this returns a coroutine: `await keys.call("openai", ask)`.
        """
        if inspect.iscoroutinefunction(fn):
            return self.acall(provider, fn, *args, **kwargs)
        tried: set[SecureString] = set()
        last: Exception | None = None
        while True:
            key = self._next_key(provider, tried, last)
            try:
                result = fn(key, *args, **kwargs)
            except Exception as exc:
                self.report_failure(key, exc)
                if not self._fails_over(exc):
                    raise
                tried.add(key)
                last = exc
                continue
            if inspect.isawaitable(result):
                getattr(result, "close", lambda: None)()
                raise TypeError("fn returned an awaitable: use `await keys.acall(...)`")
            self.report_success(key)
            return result

    async def acall(
        self, provider: str, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
    ) -> T:
        """`await fn(key, *args, **kwargs)`, reported and failed over as in `call`."""
        tried: set[SecureString] = set()
        last: Exception | None = None
        while True:
            key = self._checked(tried, last, await self._anext_key(provider, last))
            try:
                result = await fn(key, *args, **kwargs)
            except Exception as exc:
                await self.areport_failure(key, exc)
                if not self._fails_over(exc):
                    raise
                tried.add(key)
                last = exc
                continue
            self.report_success(key)
            return result

    def use(self, provider: str) -> KeyLease:
        """`with keys.use("openai") as key:` (or `async with`): the current key, its outcome
        reported when the block ends (an exception is a failure; it is never swallowed)."""
        return KeyLease(self, provider)

    def _fails_over(self, error: Exception) -> bool:
        return self._classifier.classify(error).kind in (ErrorKind.AUTH, ErrorKind.RATE_LIMITED)

    def _next_key(self, provider: str, tried: set[SecureString], last: Exception | None) -> SecureString:
        try:
            key = self.get_key(provider)
        except NoHealthyKeyError:
            if last is not None:
                raise last from None  # every key failed: the provider's error says why, and when
            raise
        return self._checked(tried, last, key)

    async def _anext_key(self, provider: str, last: Exception | None) -> SecureString:
        try:
            return await self.aget_key(provider)
        except NoHealthyKeyError:
            if last is not None:
                raise last from None
            raise

    @staticmethod
    def _checked(tried: set[SecureString], last: Exception | None, key: SecureString) -> SecureString:
        if key in tried and last is not None:  # back already (a zero cooldown): do not loop
            raise last
        return key

    # ------------------------------------------------------------------ internals
    def _pool(self, provider: str) -> list[_Key]:
        pool = self._pools.get(provider)
        if not pool:
            raise KeyError(f"no keys registered for provider {provider!r}")
        return pool

    def _pick(self, provider: str, pool: list[_Key], now: float, benched: dict[str, Bench]) -> SecureString:
        start = self._current[provider]
        for step in range(len(pool)):
            i = (start + step) % len(pool)
            entry = pool[i]
            if self._observe(entry, benched) is None:
                self._current[provider] = i
                return entry.key
        waits = [b.until - now for b in benched.values() if b.until is not None]
        raise NoHealthyKeyError(provider, max(0.0, min(waits)) if waits else None)

    @staticmethod
    def _observe(entry: _Key, benched: dict[str, Bench]) -> Bench | None:
        """The key's bench, if any; a key back from one starts a fresh run of failures."""
        bench = benched.get(entry.id)
        if bench is None and entry.benched:
            entry.benched, entry.consecutive = False, 0
        elif bench is not None:
            entry.benched = True
        return bench

    def _status(self, provider: str, entry: _Key) -> KeyStatus:
        found = self._backend.benched(provider, [entry.id], self._clock())
        return KeyStatus(found[entry.id].status) if entry.id in found else KeyStatus.HEALTHY

    def _count_failure(
        self, entry: _Key, error: BaseException | int, retry_after: float | None
    ) -> tuple[KeyStatus, float | None] | None:
        """Count a failure (lock held); return the bench it earns (status, seconds) if any."""
        c = self._classifier.classify(error)
        entry.failures += 1
        entry.consecutive += 1
        entry.last_error = _describe(error, c.status)
        if c.kind is ErrorKind.AUTH:
            entry.benched = True
            return KeyStatus.DISABLED, None
        if c.kind is ErrorKind.RATE_LIMITED:
            wait = c.retry_after if c.retry_after is not None else retry_after
            entry.benched = True
            return KeyStatus.COOLING_DOWN, max(0.0, self.default_cooldown if wait is None else wait)
        if c.kind is ErrorKind.RETRYABLE and entry.consecutive >= self.max_failures:
            entry.benched = True
            return KeyStatus.COOLING_DOWN, max(0.0, self.failure_cooldown)
        return None

    def _entry(self, key: str | SecureString) -> tuple[str, _Key]:
        secure = key if isinstance(key, SecureString) else SecureString(key)
        found = self._owner.get(secure)
        if found is None:
            raise KeyError(f"unknown key {secure}")
        return found


class KeyLease:
    """`KeyManager.use(provider)`: a key for one block, its outcome reported at the end."""

    def __init__(self, manager: KeyManager, provider: str) -> None:
        self._manager = manager
        self._provider = provider
        self.key: SecureString | None = None

    def __enter__(self) -> SecureString:
        self.key = self._manager.get_key(self._provider)
        return self.key

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.key is not None
        if exc is None:
            self._manager.report_success(self.key)
        elif isinstance(exc, Exception):
            self._manager.report_failure(self.key, exc)

    async def __aenter__(self) -> SecureString:
        self.key = await self._manager.aget_key(self._provider)
        return self.key

    async def __aexit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.key is not None
        if exc is None:
            self._manager.report_success(self.key)
        elif isinstance(exc, Exception):
            await self._manager.areport_failure(self.key, exc)


def _describe(error: BaseException | int, status: int | None) -> str:
    """A short, key-free description of an error: its type and status, never its message."""
    if isinstance(error, int):
        return f"HTTP {error}"
    name = type(error).__name__
    return f"{name} (HTTP {status})" if status is not None else name
