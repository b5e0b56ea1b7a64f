"""Where the runtime keeps its state: `MemoryBackend` (default, this process) or `RedisBackend`
(shared by every process and host using the same Redis and namespace).

`RedisBackend` is loaded on first access, so importing this package never imports redis.
"""

from __future__ import annotations

from keylint.runtime.backends.base import (
    Backend,
    BackendUnavailableError,
    Bench,
    BreakerRecord,
    BucketOp,
    fingerprint,
)
from keylint.runtime.backends.memory import MemoryBackend

__all__ = [
    "Backend", "BackendUnavailableError", "Bench", "BreakerRecord", "BucketOp", "MemoryBackend",
    "fingerprint",
]

