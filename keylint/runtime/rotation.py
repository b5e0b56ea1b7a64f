"""`KeyManager`: several keys per provider, failing over from a dead or rate-limited key.

An auth failure (401/403) disables a key until `enable`; a rate limit (429) cools it down for the
server's Retry-After (or `default_cooldown`); `max_failures` transient errors in a row cool it
down too. `get_key` keeps handing out the current key while it is healthy, moves to the next
healthy one when it is not, and brings cooled-down keys back once their time is up.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from keylint.runtime.errors import ErrorClassifier, ErrorKind
from keylint.runtime.keys import SecureString

__all__ = ["KeyHealth", "KeyManager", "KeyStatus", "NoHealthyKeyError"]


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
    __slots__ = ("consecutive", "failures", "key", "last_error", "status", "successes", "until")

    def __init__(self, key: SecureString) -> None:
        self.key = key
        self.status = KeyStatus.HEALTHY
        self.successes = 0
        self.failures = 0
        self.consecutive = 0
        self.until: float | None = None
        self.last_error: str | None = None


class KeyManager:
    """Thread-safe pool of keys per provider with failover, cooldowns and recovery.

    `keys` maps provider -> keys (str or SecureString; held as SecureString). `clock` is
    injectable (monotonic seconds).
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
    ) -> None:
        self.default_cooldown = default_cooldown
        self.max_failures = max_failures
        self.failure_cooldown = failure_cooldown
        self._classifier = classifier or ErrorClassifier()
        self._clock = clock
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

    def get_key(self, provider: str) -> SecureString:
        """The key to use now; raises `NoHealthyKeyError` when none is usable."""
        with self._lock:
            pool = self._pools.get(provider)
            if not pool:
                raise KeyError(f"no keys registered for provider {provider!r}")
            now = self._clock()
            start = self._current[provider]
            for step in range(len(pool)):
                i = (start + step) % len(pool)
                entry = pool[i]
                self._recover(entry, now)
                if entry.status is KeyStatus.HEALTHY:
                    self._current[provider] = i
                    return entry.key
            waits = [e.until - now for e in pool if e.until is not None]
            raise NoHealthyKeyError(provider, max(0.0, min(waits)) if waits else None)

    def report_success(self, key: str | SecureString) -> None:
        """The call with `key` worked: clear its run of failures."""
        with self._lock:
            entry = self._entry(key)
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
        c = self._classifier.classify(error)
        with self._lock:
            entry = self._entry(key)
            now = self._clock()
            entry.failures += 1
            entry.consecutive += 1
            entry.last_error = _describe(error, c.status)
            if c.kind is ErrorKind.AUTH:
                entry.status, entry.until = KeyStatus.DISABLED, None
            elif c.kind is ErrorKind.RATE_LIMITED:
                wait = c.retry_after if c.retry_after is not None else retry_after
                self._cool(entry, now, self.default_cooldown if wait is None else wait)
            elif c.kind is ErrorKind.RETRYABLE and entry.consecutive >= self.max_failures:
                self._cool(entry, now, self.failure_cooldown)
            return entry.status

    def enable(self, key: str | SecureString) -> None:
        """Put a disabled or cooling key back in service (after rotating it, say)."""
        with self._lock:
            entry = self._entry(key)
            entry.status, entry.until, entry.consecutive = KeyStatus.HEALTHY, None, 0

    def health(self, provider: str | None = None) -> list[KeyHealth]:
        """Snapshots of every key (of one provider, or all), cooldowns already expired applied."""
        with self._lock:
            now = self._clock()
            out = []
            for name, pool in self._pools.items():
                if provider is not None and name != provider:
                    continue
                for e in pool:
                    self._recover(e, now)
                    out.append(KeyHealth(name, e.key, e.status, e.successes, e.failures,
                                         e.consecutive, e.until, e.last_error))
            return out

    # ------------------------------------------------------------------ internals
    def _entry(self, key: str | SecureString) -> _Key:
        secure = key if isinstance(key, SecureString) else SecureString(key)
        found = self._owner.get(secure)
        if found is None:
            raise KeyError(f"unknown key {secure}")
        return found[1]

    @staticmethod
    def _cool(entry: _Key, now: float, seconds: float) -> None:
        entry.status, entry.until = KeyStatus.COOLING_DOWN, now + max(0.0, seconds)

    @staticmethod
    def _recover(entry: _Key, now: float) -> None:
        if entry.status is KeyStatus.COOLING_DOWN and entry.until is not None and now >= entry.until:
            entry.status, entry.until, entry.consecutive = KeyStatus.HEALTHY, None, 0


def _describe(error: BaseException | int, status: int | None) -> str:
    """A short, key-free description of an error: its type and status, never its message."""
    if isinstance(error, int):
        return f"HTTP {error}"
    name = type(error).__name__
    return f"{name} (HTTP {status})" if status is not None else name
