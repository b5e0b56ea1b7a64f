"""A fake monotonic clock and sleeps that advance it: no test waits for real time."""

from __future__ import annotations

import asyncio
import threading


class FakeClock:
    """`clock()` returns the fake time; `sleep(s)` and `await asleep(s)` advance it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
