from __future__ import annotations

import threading

import pytest

from keylint.runtime import KeyManager, KeyStatus, MissingSecretError, SecureString
from keylint.runtime.rotation import NoHealthyKeyError
from tests.fakes import fake_key
from tests.runtime.clock import FakeClock
from tests.runtime.errors_fixtures import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    HTTPStatusError,
    RateLimitError,
)

K1, K2, K3 = (fake_key("openai-project-key", i) for i in (1, 2, 3))


def _manager(clock: FakeClock, **kwargs: float) -> KeyManager:
    return KeyManager({"openai": [K1, K2, K3]}, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_keys_are_held_as_securestring_and_first_is_used() -> None:
    km = _manager(FakeClock())
    key = km.get_key("openai")
    assert isinstance(key, SecureString)
    assert key == K1
    assert K1 not in repr(km.health())


def test_the_current_key_sticks_while_it_works() -> None:
    km = _manager(FakeClock())
    for _ in range(5):
        key = km.get_key("openai")
        km.report_success(key)
        assert key == K1
    assert km.health("openai")[0].successes == 5


@pytest.mark.parametrize("error", [401, 403, AuthenticationError(), HTTPStatusError(403)])
def test_auth_failure_disables_the_key_and_fails_over(error: object) -> None:
    clock = FakeClock()
    km = _manager(clock)
    status = km.report_failure(km.get_key("openai"), error)  # type: ignore[arg-type]
    assert status is KeyStatus.DISABLED
    assert km.get_key("openai") == K2
    clock.advance(10**6)
    assert km.get_key("openai") == K2  # a disabled key does not come back by itself
    assert km.health("openai")[0].status is KeyStatus.DISABLED


def test_rate_limit_cools_down_for_retry_after_then_recovers() -> None:
    clock = FakeClock()
    km = _manager(clock)
    km.report_failure(K1, RateLimitError({"retry-after": "20"}))
    h = km.health("openai")[0]
    assert h.status is KeyStatus.COOLING_DOWN
    assert h.cooldown_until == clock.now + 20
    assert km.get_key("openai") == K2
    clock.advance(19.9)
    assert km.health("openai")[0].status is KeyStatus.COOLING_DOWN
    clock.advance(0.1)
    assert km.health("openai")[0].status is KeyStatus.HEALTHY
    km.report_failure(K2, 401)
    km.report_failure(K3, 401)
    assert km.get_key("openai") == K1  # back in rotation


def test_rate_limit_retry_after_ms_header() -> None:
    clock = FakeClock()
    km = _manager(clock)
    km.report_failure(K1, RateLimitError({"retry-after-ms": "1500"}))
    assert km.health("openai")[0].cooldown_until == clock.now + 1.5


def test_rate_limit_without_header_uses_default_cooldown() -> None:
    clock = FakeClock()
    km = _manager(clock, default_cooldown=45)
    km.report_failure(K1, 429)
    assert km.health("openai")[0].cooldown_until == clock.now + 45


def test_explicit_retry_after_argument() -> None:
    clock = FakeClock()
    km = _manager(clock)
    km.report_failure(K1, 429, retry_after=7)
    assert km.health("openai")[0].cooldown_until == clock.now + 7


def test_transient_failures_cool_down_after_max_failures_in_a_row() -> None:
    clock = FakeClock()
    km = _manager(clock, max_failures=3, failure_cooldown=30)
    assert km.report_failure(K1, APIConnectionError()) is KeyStatus.HEALTHY
    assert km.report_failure(K1, 503) is KeyStatus.HEALTHY
    km.report_success(K1)  # breaks the run
    assert km.report_failure(K1, 502) is KeyStatus.HEALTHY
    assert km.report_failure(K1, 500) is KeyStatus.HEALTHY
    assert km.report_failure(K1, APIConnectionError()) is KeyStatus.COOLING_DOWN
    assert km.get_key("openai") == K2
    h = km.health("openai")[0]
    assert (h.failures, h.consecutive_failures, h.cooldown_until) == (5, 3, clock.now + 30)
    assert h.last_error == "APIConnectionError"


def test_fatal_error_is_counted_but_keeps_the_key() -> None:
    km = _manager(FakeClock())
    assert km.report_failure(K1, APIStatusError(400)) is KeyStatus.HEALTHY
    assert km.get_key("openai") == K1
    assert km.health("openai")[0].last_error == "APIStatusError (HTTP 400)"


def test_all_disabled_raises_without_retry_after() -> None:
    km = _manager(FakeClock())
    for k in (K1, K2, K3):
        km.report_failure(k, 401)
    with pytest.raises(NoHealthyKeyError, match="all keys are disabled") as info:
        km.get_key("openai")
    assert info.value.retry_after is None


def test_all_cooling_reports_the_soonest_recovery() -> None:
    clock = FakeClock()
    km = _manager(clock)
    km.report_failure(K1, 429, retry_after=30)
    km.report_failure(K2, 429, retry_after=10)
    km.report_failure(K3, 401)
    with pytest.raises(NoHealthyKeyError) as info:
        km.get_key("openai")
    assert info.value.retry_after == 10
    clock.advance(10)
    assert km.get_key("openai") == K2


def test_enable_brings_a_disabled_key_back() -> None:
    km = _manager(FakeClock())
    km.report_failure(K1, 401)
    km.enable(K1)
    km.report_failure(K2, 401)
    km.report_failure(K3, 401)
    assert km.get_key("openai") == K1


def test_unknown_provider_and_key_and_duplicates() -> None:
    km = _manager(FakeClock())
    with pytest.raises(KeyError, match="anthropic"):
        km.get_key("anthropic")
    with pytest.raises(KeyError, match="unknown key"):
        km.report_success(fake_key("openai-project-key", 99))
    with pytest.raises(ValueError, match="already registered"):
        km.add_key("azure", K1)


def test_error_messages_never_contain_the_key() -> None:
    km = _manager(FakeClock())
    with pytest.raises(KeyError) as info:
        km.report_success(fake_key("openai-project-key", 99))
    assert fake_key("openai-project-key", 99) not in str(info.value)


def test_from_env_skips_unset_variables() -> None:
    env = {"OPENAI_API_KEY": K1, "OPENAI_API_KEY_3": K3}
    km = KeyManager.from_env({"openai": ["OPENAI_API_KEY", "OPENAI_API_KEY_2", "OPENAI_API_KEY_3"]},
                             env)
    assert [h.key for h in km.health("openai")] == [K1, K3]


def test_from_env_with_none_set_names_the_first_variable() -> None:
    with pytest.raises(MissingSecretError, match="OPENAI_API_KEY is not set"):
        KeyManager.from_env({"openai": ["OPENAI_API_KEY", "OPENAI_API_KEY_2"]}, {})


def test_concurrent_use_from_threads_keeps_counts_consistent() -> None:
    clock = FakeClock()
    keys = [fake_key("anthropic-api-key", i) for i in range(4)]
    km = KeyManager({"anthropic": keys}, clock=clock, default_cooldown=0.5)
    start = threading.Barrier(8)
    errors: list[BaseException] = []
    reported = [0] * 8
    per_thread = 300

    def worker(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            try:
                key = km.get_key("anthropic")
            except NoHealthyKeyError:
                clock.advance(0.5)
                continue
            except BaseException as exc:  # pragma: no cover (reported below)
                errors.append(exc)
                return
            if (i + n) % 3 == 0:
                km.report_failure(key, 429)
            else:
                km.report_success(key)
            reported[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    health = km.health("anthropic")
    assert sum(h.successes + h.failures for h in health) == sum(reported)  # no lost update
    assert sum(h.failures for h in health) >= 1
    assert all(h.status in (KeyStatus.HEALTHY, KeyStatus.COOLING_DOWN) for h in health)
