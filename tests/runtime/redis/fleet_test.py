"""N processes (not threads) sharing one Redis: one bucket, one breaker, one view of key health."""

from __future__ import annotations

import pytest

from keylint.runtime import CircuitBreaker, CircuitState, KeyManager, KeyStatus
from keylint.runtime.backends import RedisBackend
from tests.fakes import fake_key
from tests.runtime.redis import workers
from tests.runtime.redis.server import RedisServer
from tests.runtime.redis.workers import CTX, run

N = 4


def test_processes_reserving_at_one_instant_queue_exactly_as_one_process_would(
    redis_server: RedisServer, namespace: str
) -> None:
    clock = CTX.Value("d", 1000.0)  # frozen: every reservation sees the same instant
    waits = run(N, workers.reserve, redis_server.url, namespace, clock, 25)
    flat = sorted(w for ws in waits for w in ws)
    # rate 10/s, burst 5: five free, then one more tenth of a second for each, none twice
    expected = [0.0] * 5 + [k / 10 for k in range(1, N * 25 - 4)]
    assert flat == pytest.approx(expected, abs=1e-9)


def test_processes_never_take_more_than_the_rate_refills(
    redis_server: RedisServer, namespace: str
) -> None:
    clock = CTX.Value("d", 1000.0)
    steps = [0.0, 0.25, 0.5, 1.0, 0.125]  # rate 8/s, burst 4: 4, then 2, 4, 4 (capped), 1
    barrier = CTX.Barrier(N + 1)
    queue = CTX.Queue()
    procs = [CTX.Process(target=workers.take_in_phases,
                         args=(i, queue, redis_server.url, namespace, clock, barrier, len(steps), 10))
             for i in range(N)]
    for p in procs:
        p.start()
    for step in steps:
        clock.value += step
        barrier.wait(timeout=120)  # go
        barrier.wait(timeout=120)  # every process has tried 10 times
    granted = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    per_phase = [sum(g[k] for g in granted) for k in range(len(steps))]
    assert per_phase == [4, 2, 4, 4, 1]


def test_on_the_servers_clock_grants_never_outrun_burst_plus_rate_times_elapsed(
    redis_server: RedisServer, namespace: str
) -> None:
    spans = run(N, workers.acquire_real_time, redis_server.url, namespace, 25)
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    # rate 50/s, burst 5: N*25 grants need at least (N*25 - 5) / 50 s on the server's clock,
    # whatever the scheduling; unlimited, they would take a few milliseconds.
    granted, ceiling = N * 25, 5 + 50 * elapsed
    assert granted <= ceiling + 1e-6


def test_a_breaker_opened_by_one_process_is_open_for_the_others(
    redis_server: RedisServer, namespace: str
) -> None:
    assert run(1, workers.fail, redis_server.url, namespace, 3, 3) == ["open"]
    assert run(2, workers.look, redis_server.url, namespace) == ["open", "open"]
    mine = CircuitBreaker("llm", failure_threshold=3, backend=RedisBackend(redis_server.url,
                                                                            namespace=namespace))
    assert mine.state is CircuitState.OPEN
    assert 0 < mine.retry_after() <= 30


def test_no_failure_is_lost_when_processes_count_at_once(
    redis_server: RedisServer, namespace: str
) -> None:
    run(N, workers.fail, redis_server.url, namespace, 50, 10_000)
    mine = CircuitBreaker("llm", failure_threshold=10_000,
                          backend=RedisBackend(redis_server.url, namespace=namespace))
    assert mine.failure_count == N * 50


def test_half_open_admits_its_probes_once_across_processes(
    redis_server: RedisServer, namespace: str
) -> None:
    clock = CTX.Value("d", 1000.0)
    backend = RedisBackend(redis_server.url, namespace=namespace, clock=workers.SharedClock(clock))
    CircuitBreaker("llm", failure_threshold=1, recovery_timeout=10, backend=backend).trip()
    clock.value += 10
    admitted = run(N, workers.probe, redis_server.url, namespace, clock, 10)
    assert sum(admitted) == 2  # success_threshold 2 -> two probes in flight, fleet-wide


def test_a_key_benched_by_one_process_is_skipped_by_the_others(
    redis_server: RedisServer, namespace: str
) -> None:
    keys = [fake_key("openai-project-key", i) for i in (1, 2, 3)]
    # one worker sees the first key revoked and the second rate limited for a minute
    run(1, workers.report, redis_server.url, namespace, keys, [(0, 401, 0.0), (1, 429, 60.0)])
    assert run(2, workers.pick, redis_server.url, namespace, keys) == [2, 2]
    mine = KeyManager({"openai": keys}, backend=RedisBackend(redis_server.url, namespace=namespace))
    statuses = [h.status for h in mine.health("openai")]
    assert statuses == [KeyStatus.DISABLED, KeyStatus.COOLING_DOWN, KeyStatus.HEALTHY]
    mine.enable(keys[0])
    assert run(1, workers.pick, redis_server.url, namespace, keys) == [0]


def test_a_cooldown_ends_everywhere_when_redis_expires_it(
    redis_server: RedisServer, namespace: str
) -> None:
    import time

    from keylint.runtime.backends import fingerprint

    keys = [fake_key("openai-project-key", i) for i in (1, 2)]
    run(1, workers.report, redis_server.url, namespace, keys, [(0, 429, 60.0)])
    backend = RedisBackend(redis_server.url, namespace=namespace)
    mine = KeyManager({"openai": keys}, backend=backend)
    assert mine.get_key("openai") == keys[1]
    until = mine.health("openai")[0].cooldown_until
    assert until is not None and 0 < until - time.monotonic() <= 60
    # the cooldown is the Redis key's own expiry: bring its end forward instead of waiting
    backend._client.pexpire(f"{namespace}:key:openai:{fingerprint(keys[0])}", 1)
    for _ in range(1000):  # Redis expires it within a few ms
        if mine.health("openai")[0].status is KeyStatus.HEALTHY:
            break
        time.sleep(0.01)
    assert mine.health("openai")[0].status is KeyStatus.HEALTHY
    assert run(1, workers.pick, redis_server.url, namespace, keys) == [0]
