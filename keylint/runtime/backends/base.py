"""The storage seam: what the limiter, the breaker and the key manager keep, and where.

A backend holds three kinds of state, each behind operations that are atomic on their own:

- token buckets: `bucket(op, name, rate, burst, tokens)` refills and then reserves, takes,
  refunds or peeks in one step;
- circuit breakers: `breaker_get` reads a `BreakerRecord` (and the backend's clock), and
  `breaker_cas` writes the next one only if nobody changed it meanwhile (compare-and-set on
  `version`); the breaker's state machine stays in Python, in one place;
- key health: `bench` / `unbench` / `benched` mark a key (by its fingerprint, never the key)
  disabled or cooling down, a cooldown expiring by itself.

Every operation has an async twin (`a...`) for asyncio callers. `MemoryBackend` is the default;
`RedisBackend` shares the state between processes and hosts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = ["Backend", "BackendUnavailableError", "Bench", "BreakerRecord", "BucketOp", "fingerprint"]

BucketOp = Literal["reserve", "take", "refund", "peek"]


class BackendUnavailableError(RuntimeError):
    """The shared store could not be reached within the configured bound (fail-closed mode)."""


@dataclass(frozen=True)
class BreakerRecord:
    """A circuit breaker's shared state; `version` grows by one with every write."""

    state: str = "closed"  # CircuitState value: "closed", "open", "half_open"
    failures: int = 0  # consecutive, in CLOSED
    successes: int = 0  # in HALF_OPEN
    probes: int = 0  # calls admitted in HALF_OPEN and not yet reported
    opened_at: float = 0.0  # the backend's clock
    version: int = 0


@dataclass(frozen=True)
class Bench:
    """A key out of service: `status` is a KeyStatus value; `until` None means until enabled."""

    status: str  # "cooling_down" or "disabled"
    until: float | None  # in the caller's clock (see `benched`)


def fingerprint(secret: str) -> str:
    """The name a key goes by in a store: a SHA-256 prefix, never the key itself."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Backend(Protocol):
    """Where runtime state lives. `shared` is True when other processes see the same state."""

    shared: bool

    # ------------------------------------------------------------------ token buckets
    def bucket(self, op: BucketOp, name: str, rate: float, burst: float, tokens: float) -> float:
        """Refill bucket `name` (full when new), then: `reserve` takes `tokens` (into debt if
        need be) and returns the seconds until they are covered; `take` takes them only if there
        and returns 1.0 or 0.0; `refund` gives them back (capped at `burst`); `peek` returns the
        level."""
        ...

    async def abucket(self, op: BucketOp, name: str, rate: float, burst: float, tokens: float) -> float:
        """`bucket` for asyncio callers."""
        ...

    def bucket_reset(self, name: str) -> None:
        """Forget bucket `name`: it starts full on next use."""
        ...

    # ------------------------------------------------------------------ circuit breakers
    def breaker_get(self, name: str) -> tuple[BreakerRecord, float]:
        """The breaker's record (a fresh CLOSED one when new) and the backend's clock now."""
        ...

    def breaker_cas(self, name: str, expected: int, record: BreakerRecord) -> bool:
        """Store `record` (its version must be `expected + 1`) if the stored version is still
        `expected`; False when another writer came first."""
        ...

    async def abreaker_get(self, name: str) -> tuple[BreakerRecord, float]:
        """`breaker_get` for asyncio callers."""
        ...

    async def abreaker_cas(self, name: str, expected: int, record: BreakerRecord) -> bool:
        """`breaker_cas` for asyncio callers."""
        ...

    # ------------------------------------------------------------------ key health
    def bench(self, provider: str, key_id: str, status: str, seconds: float | None) -> None:
        """Take key `key_id` (a fingerprint) out of service for `seconds`, or until `unbench`."""
        ...

    def unbench(self, provider: str, key_id: str) -> None:
        """Put key `key_id` back in service."""
        ...

    def benched(self, provider: str, key_ids: Sequence[str], now: float) -> dict[str, Bench]:
        """The keys among `key_ids` out of service now, with `until` on the caller's clock
        (`now` is that clock's reading)."""
        ...

    async def abench(self, provider: str, key_id: str, status: str, seconds: float | None) -> None:
        """`bench` for asyncio callers."""
        ...

    async def abenched(self, provider: str, key_ids: Sequence[str], now: float) -> dict[str, Bench]:
        """`benched` for asyncio callers."""
        ...
