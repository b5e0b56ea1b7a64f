"""RedisBackend against a real server: same answers as memory, namespaced keys, no secrets."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys

import pytest

from keylint.runtime import AsyncRateLimiter, CircuitBreaker, KeyManager, SyncRateLimiter
from keylint.runtime.backends import MemoryBackend, RedisBackend, fingerprint
from tests.fakes import fake_key
from tests.runtime.clock import FakeClock
from tests.runtime.redis.server import RedisServer


def test_a_bucket_on_redis_answers_like_one_in_memory(redis_server: RedisServer, namespace: str) -> None:
    clock = FakeClock()
    mem = SyncRateLimiter({"openai": (3, 4)}, backend=MemoryBackend(clock), sleep=clock.sleep)
    red = SyncRateLimiter({"openai": (3, 4)}, sleep=clock.sleep,
                          backend=RedisBackend(redis_server.url, namespace=namespace, clock=clock))
    rng = random.Random(12)
    for _ in range(300):
        roll = rng.random()
        if roll < 0.3:
            clock.advance(rng.choice([0.0, 0.1, 0.25, 1.0, 3.0]))
        elif roll < 0.6:
            tokens = rng.choice([1, 2, 4])
            assert red.acquire("openai", tokens) == pytest.approx(mem.acquire("openai", tokens))
        elif roll < 0.9:
            assert red.try_acquire("openai") == mem.try_acquire("openai")
        else:
            assert red.available("openai") == pytest.approx(mem.available("openai"))


def test_a_unix_socket_url_works(redis_server: RedisServer, namespace: str) -> None:
    limiter = SyncRateLimiter({"openai": (1, 1)},
                              backend=RedisBackend(redis_server.unix_url, namespace=namespace))
    assert limiter.try_acquire("openai") and not limiter.try_acquire("openai")


def test_other_urls_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'http'"):
        RedisBackend("http://localhost:6379")


def test_keys_are_namespaced_and_hold_fingerprints_never_keys(
    redis_server: RedisServer, namespace: str
) -> None:
    backend = RedisBackend(redis_server.url, namespace=namespace)
    secret = fake_key("openai-project-key", 7)
    manager = KeyManager({"openai": [secret]}, backend=backend)
    manager.report_failure(secret, 401)
    SyncRateLimiter({"openai": (1, 1)}, backend=backend).acquire("openai")
    CircuitBreaker("llm", backend=backend).record_failure()
    client = backend._client
    names = sorted(k.decode() for k in client.keys(f"{namespace}:*"))
    assert names == [f"{namespace}:breaker:llm", f"{namespace}:bucket:openai",
                     f"{namespace}:key:openai:{fingerprint(secret)}"]
    dump = repr([client.dump(n) for n in names]) + repr(names)
    assert secret not in dump and secret[-12:] not in dump
    assert client.pttl(f"{namespace}:key:openai:{fingerprint(secret)}") == -1  # disabled: no expiry
    assert client.pttl(f"{namespace}:bucket:openai") > 0  # a refilled bucket goes away


def test_asyncio_and_threads_share_the_same_bucket(redis_server: RedisServer, namespace: str) -> None:
    backend = RedisBackend(redis_server.url, namespace=namespace, clock=FakeClock())
    sync = SyncRateLimiter({"openai": (1, 3)}, backend=backend)

    async def main() -> list[bool]:
        alimiter = AsyncRateLimiter({"openai": (1, 3)}, backend=backend)
        await alimiter.acquire("openai")
        async with alimiter.acquire("openai"):
            pass
        return [alimiter.try_acquire("openai"), alimiter.try_acquire("openai")]

    assert asyncio.run(main()) == [True, False]
    assert asyncio.run(main()) == [False, False]  # a second event loop, its own client, same bucket
    assert not sync.try_acquire("openai")

    async def closing() -> float:
        limiter = AsyncRateLimiter({"openai": (1, 3)}, backend=backend)
        await backend.aclose()
        await backend.aclose()  # closing twice is harmless
        return await limiter.acquire("openai")  # and a closed backend reconnects

    assert asyncio.run(closing()) == 3.0


def test_redis_is_imported_only_when_a_redis_backend_is_made(redis_server: RedisServer) -> None:
    code = (
        "import sys\n"
        "from keylint.runtime import *\n"
        "from keylint.runtime.backends import MemoryBackend\n"
        "SyncRateLimiter({'a': (1, 1)}).acquire('a')\n"
        "assert 'redis' not in sys.modules\n"
        "from keylint.runtime.backends import RedisBackend\n"
        "assert 'redis' not in sys.modules\n"
        f"RedisBackend({redis_server.url!r})\n"
        "assert 'redis' in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
