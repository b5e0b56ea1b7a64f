"""Code run in child processes (spawned: each one a fresh interpreter with its own connections)."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from typing import Any

from keylint.runtime import CircuitBreaker, CircuitState, KeyManager, SyncRateLimiter
from keylint.runtime.backends import RedisBackend
from keylint.runtime.breaker import CircuitOpenError

CTX = mp.get_context("spawn")


class SharedClock:
    """A fake clock every process reads: a double in shared memory that the test moves."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self) -> float:
        return float(self.value.value)


def run(n: int, target: Callable[..., None], *args: Any) -> list[Any]:
    """Run `target(i, queue, *args)` in `n` processes; return what they put on the queue."""
    queue = CTX.Queue()
    procs = [CTX.Process(target=target, args=(i, queue, *args)) for i in range(n)]
    for p in procs:
        p.start()
    out = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0, f"worker exited with {p.exitcode}"
    return out


def _backend(url: str, ns: str, clock: Any = None, **kw: Any) -> RedisBackend:
    return RedisBackend(url, namespace=ns, clock=None if clock is None else SharedClock(clock), **kw)


def reserve(i: int, q: Any, url: str, ns: str, clock: Any, count: int) -> None:
    limiter = SyncRateLimiter({"openai": (10, 5)}, backend=_backend(url, ns, clock),
                              sleep=lambda s: None)
    q.put([float(limiter.acquire("openai")) for _ in range(count)])


def take_in_phases(i: int, q: Any, url: str, ns: str, clock: Any, barrier: Any, phases: int,
                   tries: int) -> None:
    limiter = SyncRateLimiter({"openai": (8, 4)}, backend=_backend(url, ns, clock))
    granted = []
    for _ in range(phases):
        barrier.wait()  # the test has moved the clock
        granted.append(sum(limiter.try_acquire("openai") for _ in range(tries)))
        barrier.wait()
    q.put(granted)


def acquire_real_time(i: int, q: Any, url: str, ns: str, count: int) -> None:
    backend = _backend(url, ns)
    limiter = SyncRateLimiter({"openai": (50, 5)}, backend=backend)

    def server_time() -> float:
        seconds, micros = backend._client.time()
        return float(seconds + micros / 1_000_000)

    start = server_time()  # before this process's first reservation
    for _ in range(count):
        limiter.acquire("openai")
    q.put((start, server_time()))  # after its last grant


def acquire_through_restart(i: int, q: Any, url: str, ns: str, count: int, started: Any) -> None:
    limiter = SyncRateLimiter({"openai": (400, 10)}, backend=_backend(url, ns, unavailable_timeout=30))
    done = 0
    for n in range(count):
        limiter.acquire("openai")
        done += 1
        if n == 10:
            started.release()
    q.put(done)


def fail(i: int, q: Any, url: str, ns: str, times: int, threshold: int) -> None:
    breaker = CircuitBreaker("llm", failure_threshold=threshold, backend=_backend(url, ns))
    for _ in range(times):
        breaker.record_failure()
    q.put(breaker.state.value)


def look(i: int, q: Any, url: str, ns: str) -> None:
    breaker = CircuitBreaker("llm", failure_threshold=3, backend=_backend(url, ns))
    try:
        breaker.call(lambda: None)
        q.put("called")
    except CircuitOpenError:
        q.put(breaker.state.value)


def probe(i: int, q: Any, url: str, ns: str, clock: Any, tries: int) -> None:
    breaker = CircuitBreaker("llm", failure_threshold=1, recovery_timeout=10, success_threshold=2,
                             backend=_backend(url, ns, clock))
    q.put(sum(breaker.allow_request() for _ in range(tries)))


def report(
    i: int, q: Any, url: str, ns: str, keys: list[str], failures: list[tuple[int, int, float]]
) -> None:
    manager = KeyManager({"openai": keys}, backend=_backend(url, ns))
    for index, status, retry_after in failures:
        manager.report_failure(keys[index], status, retry_after=retry_after)
    q.put(str(manager.get_key("openai")))


def pick(i: int, q: Any, url: str, ns: str, keys: list[str]) -> None:
    manager = KeyManager({"openai": keys}, backend=_backend(url, ns))
    q.put(keys.index(manager.get_key("openai").get_secret_value()))


__all__ = ["CTX", "CircuitState", "SharedClock", "run"]
