"""Redis going away: the documented failure modes, against a real server stopped and restarted."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from keylint.runtime import AsyncRateLimiter, CircuitBreaker, KeyManager, SyncRateLimiter
from keylint.runtime.backends import BackendUnavailableError, RedisBackend
from tests.fakes import fake_key
from tests.runtime.redis import workers
from tests.runtime.redis.server import RedisServer
from tests.runtime.redis.workers import CTX


def test_wait_mode_rides_out_a_restart(own_redis_server: RedisServer) -> None:
    backend = RedisBackend(own_redis_server.url, namespace="w", unavailable_timeout=60)
    limiter = SyncRateLimiter({"openai": (1000, 5)}, backend=backend)
    assert limiter.acquire("openai") == 0.0
    own_redis_server.stop()
    restarter = threading.Timer(0.3, own_redis_server.start)
    restarter.start()
    try:
        assert limiter.acquire("openai") == 0.0  # waited for Redis, then a fresh (full) bucket
    finally:
        restarter.join()
    assert backend.ping()


def test_wait_mode_gives_up_after_its_bound(own_redis_server: RedisServer) -> None:
    slept: list[float] = []
    url = own_redis_server.url.replace("redis://", "redis://:hunter2-password@")
    backend = RedisBackend(url, namespace="w", unavailable_timeout=0.2, sleep=slept.append)
    own_redis_server.stop()
    limiter = SyncRateLimiter({"openai": (1, 1)}, backend=backend)
    with pytest.raises(BackendUnavailableError) as caught:
        while True:  # the injected sleep returns at once: retries until the real deadline
            limiter.acquire("openai")
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(backend)
    assert f"127.0.0.1:{own_redis_server.port}" in str(caught.value)
    assert slept  # it did retry before giving up
    breaker = CircuitBreaker("llm", backend=backend)
    with pytest.raises(BackendUnavailableError):
        breaker.allow_request()


def test_open_mode_lets_calls_through_and_warns_once(
    own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    backend = RedisBackend(own_redis_server.url, namespace="o", on_unavailable="open")
    limiter = SyncRateLimiter({"openai": (1, 1)}, backend=backend)
    keys = [fake_key("openai-project-key", i) for i in (1, 2)]
    manager = KeyManager({"openai": keys}, backend=backend)
    breaker = CircuitBreaker("llm", failure_threshold=1, backend=backend)
    manager.report_failure(keys[0], 401)
    own_redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="keylint.runtime.backends.redis_backend"):
        assert [limiter.try_acquire("openai") for _ in range(5)] == [True] * 5
        assert limiter.acquire("openai") == 0.0
        assert manager.get_key("openai") == keys[0]  # health unknown: every key looks healthy
        breaker.record_failure()
        assert breaker.allow_request()
        own_redis_server.start()
        assert limiter.try_acquire("openai")  # shared again (a fresh bucket: no persistence)
        assert not limiter.try_acquire("openai")
    messages = [r.getMessage() for r in caplog.records]
    assert sum("failing open" in m for m in messages) == 1
    assert sum("reachable again" in m for m in messages) == 1


def test_asyncio_clients_ride_out_a_restart(own_redis_server: RedisServer) -> None:
    backend = RedisBackend(own_redis_server.url, namespace="a", unavailable_timeout=60)
    limiter = AsyncRateLimiter({"openai": (1000, 5)}, backend=backend)
    keys = [fake_key("openai-project-key", i) for i in (1, 2)]
    manager = KeyManager({"openai": keys}, backend=backend)

    async def main() -> None:
        await limiter.acquire("openai")
        own_redis_server.stop()
        restarter = threading.Timer(0.3, own_redis_server.start)
        restarter.start()
        try:
            async with limiter.acquire("openai"):
                pass
        finally:
            restarter.join()
        await manager.areport_failure(keys[0], 401)
        assert await manager.aget_key("openai") == keys[1]

    asyncio.run(main())


def test_processes_acquiring_through_a_restart_do_not_crash(own_redis_server: RedisServer) -> None:
    started = CTX.Semaphore(0)
    queue = CTX.Queue()
    procs = [CTX.Process(target=workers.acquire_through_restart,
                         args=(i, queue, own_redis_server.url, "r", 400, started)) for i in range(2)]
    for p in procs:
        p.start()
    for _ in procs:
        assert started.acquire(timeout=120)  # both are mid-run
    own_redis_server.restart()
    done = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert done == [400, 400]
