"""Where the runtime keeps its state: `MemoryBackend` (default, this process) or `RedisBackend`
(shared by every process and host using the same Redis and namespace).

`RedisBackend` is loaded on first access, so importing this package never imports redis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keylint.runtime.backends.base import (
    Backend,
    BackendUnavailableError,
    Bench,
    BreakerRecord,
    BucketOp,
    fingerprint,
)
from keylint.runtime.backends.memory import MemoryBackend

if TYPE_CHECKING:
    from keylint.runtime.backends.redis_backend import RedisBackend

__all__ = [
    "Backend", "BackendUnavailableError", "Bench", "BreakerRecord", "BucketOp", "MemoryBackend",
    "RedisBackend", "fingerprint",
]


def __getattr__(name: str) -> Any:
    if name == "RedisBackend":
        from keylint.runtime.backends.redis_backend import RedisBackend

        return RedisBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

