"""The storage seam: components keep their state in the backend they are given."""

from __future__ import annotations

import pytest

from keylint.runtime import CircuitBreaker, CircuitState, KeyManager, KeyStatus, SyncRateLimiter
from keylint.runtime.backends import MemoryBackend, fingerprint
from tests.fakes import fake_key
from tests.runtime.clock import FakeClock

K1, K2 = (fake_key("openai-project-key", i) for i in (1, 2))


def test_two_limiters_on_one_backend_share_the_bucket() -> None:
    clock = FakeClock()
    backend = MemoryBackend(clock)
    a = SyncRateLimiter({"openai": (1, 2)}, backend=backend, sleep=clock.sleep)
    b = SyncRateLimiter({"openai": (1, 2)}, backend=backend, sleep=clock.sleep)
    assert a.try_acquire("openai") and b.try_acquire("openai")
    assert not a.try_acquire("openai") and not b.try_acquire("openai")
    assert a.acquire("openai") == 1.0 and b.acquire("openai") == 2.0


def test_limiters_on_their_own_backends_do_not() -> None:
    clock = FakeClock()
    a = SyncRateLimiter({"openai": (1, 1)}, clock=clock)
    b = SyncRateLimiter({"openai": (1, 1)}, clock=clock)
    assert a.try_acquire("openai") and b.try_acquire("openai")


def test_a_namespace_separates_buckets_on_one_backend() -> None:
    backend = MemoryBackend(FakeClock())
    a = SyncRateLimiter({"openai": (1, 1)}, backend=backend, namespace="svc-a")
    b = SyncRateLimiter({"openai": (1, 1)}, backend=backend, namespace="svc-b")
    assert a.try_acquire("openai") and b.try_acquire("openai")


def test_two_breakers_with_one_name_on_one_backend_are_one_breaker() -> None:
    clock = FakeClock()
    backend = MemoryBackend(clock)
    a = CircuitBreaker("llm", failure_threshold=2, recovery_timeout=10, backend=backend)
    b = CircuitBreaker("llm", failure_threshold=2, recovery_timeout=10, backend=backend)
    a.record_failure()
    b.record_failure()
    assert a.state is CircuitState.OPEN and b.state is CircuitState.OPEN
    assert not b.allow_request()
    clock.advance(10)
    assert a.allow_request()  # the one probe (success_threshold 2 -> 2 probes)
    assert b.allow_request()
    assert not a.allow_request()


def test_a_breaker_on_a_shared_backend_needs_a_name() -> None:
    class Shared(MemoryBackend):
        shared = True

    with pytest.raises(ValueError, match="name"):
        CircuitBreaker(backend=Shared())


def test_a_key_benched_by_one_manager_is_skipped_by_another_on_the_same_backend() -> None:
    clock = FakeClock()
    backend = MemoryBackend(clock)
    a = KeyManager({"openai": [K1, K2]}, clock=clock, backend=backend)
    b = KeyManager({"openai": [K1, K2]}, clock=clock, backend=backend)
    assert a.report_failure(K1, 429, retry_after=30) is KeyStatus.COOLING_DOWN
    assert b.get_key("openai") == K2
    assert b.health("openai")[0].cooldown_until == clock.now + 30
    clock.advance(30)
    assert b.get_key("openai") == K2  # sticks with the working key
    assert b.health("openai")[0].status is KeyStatus.HEALTHY


def test_the_store_knows_a_key_by_its_fingerprint_only() -> None:
    backend = MemoryBackend(FakeClock())
    KeyManager({"openai": [K1]}, backend=backend).report_failure(K1, 401)
    stored = repr(vars(backend))
    assert K1 not in stored and K1[:12] not in stored
    assert fingerprint(K1) in stored
