"""`MemoryBackend`: runtime state in this process, behind one lock (the default backend)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from keylint.runtime.backends.base import Bench, BreakerRecord, BucketOp

__all__ = ["MemoryBackend"]


class _Bucket:
    """A token bucket whose level may go negative: the debt queued callers are waiting on."""

    __slots__ = ("burst", "level", "rate", "stamp")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.level = burst
        self.stamp = now

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
            self.stamp = now

    def apply(self, op: BucketOp, tokens: float, now: float) -> float:
        self.refill(now)
        if op == "reserve":
            self.level -= tokens
            return 0.0 if self.level >= 0 else -self.level / self.rate
        if op == "take":
            if self.level >= tokens:
                self.level -= tokens
                return 1.0
            return 0.0
        if op == "refund":
            self.level = min(self.burst, self.level + tokens)
            return 0.0
        return self.level


class MemoryBackend:
    """State for one process: token buckets, breaker records and benched keys in dicts.

    `clock` (monotonic seconds) times refills, breaker recovery and cooldowns. Thread-safe;
    the async methods run the sync ones (nothing here waits).
    """

    shared = False

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._breakers: dict[str, BreakerRecord] = {}
        self._benched: dict[tuple[str, str], tuple[str, float | None]] = {}

    # ------------------------------------------------------------------ token buckets
    def bucket(self, op: BucketOp, name: str, rate: float, burst: float, tokens: float) -> float:
        with self._lock:
            now = self.clock()
            b = self._buckets.get(name)
            if b is None:
                b = self._buckets[name] = _Bucket(rate, burst, now)
            return b.apply(op, tokens, now)

    async def abucket(self, op: BucketOp, name: str, rate: float, burst: float, tokens: float) -> float:
        return self.bucket(op, name, rate, burst, tokens)

    def bucket_reset(self, name: str) -> None:
        with self._lock:
            self._buckets.pop(name, None)

    # ------------------------------------------------------------------ circuit breakers
    def breaker_get(self, name: str) -> tuple[BreakerRecord, float]:
        with self._lock:
            return self._breakers.get(name, BreakerRecord()), self.clock()

    def breaker_cas(self, name: str, expected: int, record: BreakerRecord) -> bool:
        with self._lock:
            if self._breakers.get(name, BreakerRecord()).version != expected:
                return False
            self._breakers[name] = replace(record, version=expected + 1)
            return True

    async def abreaker_get(self, name: str) -> tuple[BreakerRecord, float]:
        return self.breaker_get(name)

    async def abreaker_cas(self, name: str, expected: int, record: BreakerRecord) -> bool:
        return self.breaker_cas(name, expected, record)

    # ------------------------------------------------------------------ key health
    def bench(self, provider: str, key_id: str, status: str, seconds: float | None) -> None:
        with self._lock:
            until = None if seconds is None else self.clock() + max(0.0, seconds)
            self._benched[provider, key_id] = (status, until)

    def unbench(self, provider: str, key_id: str) -> None:
        with self._lock:
            self._benched.pop((provider, key_id), None)

    def benched(self, provider: str, key_ids: Sequence[str], now: float) -> dict[str, Bench]:
        out = {}
        with self._lock:
            for key_id in key_ids:
                entry = self._benched.get((provider, key_id))
                if entry is None:
                    continue
                status, until = entry
                if until is not None and now >= until:
                    del self._benched[provider, key_id]
                    continue
                out[key_id] = Bench(status, until)
        return out

    async def abench(self, provider: str, key_id: str, status: str, seconds: float | None) -> None:
        self.bench(provider, key_id, status, seconds)

    async def abenched(self, provider: str, key_ids: Sequence[str], now: float) -> dict[str, Bench]:
        return self.benched(provider, key_ids, now)
