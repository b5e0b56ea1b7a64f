"""`RedisBackend`: the runtime's state on a Redis server, shared by every process and host.

Atomic by construction: a token bucket's refill-and-take is one Lua script; a breaker is
written by compare-and-set on its version (another Lua script); a benched key is one string
whose expiry is the cooldown, so it comes back everywhere at once. Keys are namespaced
(`<namespace>:bucket:<name>`, `<namespace>:breaker:<name>`,
`<namespace>:key:<provider>:<fingerprint>`) and hold a key's fingerprint, never the key.

When Redis cannot be reached, `on_unavailable` decides:

- `"wait"` (default, fail closed): retry with backoff for up to `unavailable_timeout` seconds,
  then raise `BackendUnavailableError`. Nothing is let through unmetered.
- `"open"` (fail open): log one warning per outage and carry on as if every bucket were full,
  every breaker closed and every key healthy, until Redis answers again.

redis-py is imported when a `RedisBackend` is made (`pip install 'keylint[redis]'`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from keylint.runtime.backends import _lua
from keylint.runtime.backends.base import BackendUnavailableError, Bench, BreakerRecord, BucketOp

__all__ = ["RedisBackend"]

_log = logging.getLogger(__name__)
T = TypeVar("T")
_SCHEMES = ("redis", "rediss", "unix")


def _where(url: str) -> str:
    """The URL without its credentials, for messages."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _num(value: Any) -> float:
    return float(value.decode() if isinstance(value, bytes) else value)


class RedisBackend:
    """Runtime state on Redis, for every limiter, breaker and key manager given this backend.

    `url` is `redis://[:password@]host:port/db`, `rediss://` (TLS) or `unix:///path/to.sock`.
    `namespace` prefixes every key. `clock` None (default) times buckets and breakers on the
    Redis server's clock, the one clock every host shares; pass one only to test. Extra keyword
    arguments go to `redis.Redis.from_url`. Thread-safe, and usable from any number of event
    loops (each gets its own asyncio client).
    """

    shared = True

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        namespace: str = "keylint",
        on_unavailable: Literal["wait", "open"] = "wait",
        unavailable_timeout: float = 10.0,
        socket_timeout: float = 5.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **client_options: Any,
    ) -> None:
        scheme = urlsplit(url).scheme
        if scheme not in _SCHEMES:
            raise ValueError(f"Redis URL must start with redis://, rediss:// or unix://, not {scheme!r}")
        if on_unavailable not in ("wait", "open"):
            raise ValueError(f"on_unavailable must be 'wait' or 'open', not {on_unavailable!r}")
        try:
            import redis
        except ImportError:
            raise ImportError("RedisBackend needs redis-py: pip install 'keylint[redis]'") from None
        self.namespace = namespace
        self.on_unavailable = on_unavailable
        self.unavailable_timeout = unavailable_timeout
        self.where = _where(url)
        self._url = url
        self._clock = clock
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._options = {"socket_timeout": socket_timeout, "socket_connect_timeout": socket_timeout,
                         **client_options}
        self._errors: tuple[type[BaseException], ...] = (
            redis.ConnectionError, redis.TimeoutError, OSError,
        )
        self._client: Any = redis.Redis.from_url(url, **self._options)
        self._bucket_script = self._client.register_script(_lua.BUCKET)
        self._cas_script = self._client.register_script(_lua.BREAKER_CAS)
        self._aclients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, Any, Any]] = (
            weakref.WeakKeyDictionary()
        )
        self._degraded = False

    def __repr__(self) -> str:
        return f"RedisBackend({self.where!r}, namespace={self.namespace!r})"

    # ------------------------------------------------------------------ plumbing
    def _key(self, kind: str, *parts: str) -> str:
        return ":".join((self.namespace, kind, *parts))

    def _now_arg(self) -> str:
        return "" if self._clock is None else repr(self._clock())

    def _async(self) -> tuple[Any, Any, Any]:
        """This event loop's asyncio client and scripts (a client is bound to one loop)."""
        loop = asyncio.get_running_loop()
        found = self._aclients.get(loop)
        if found is None:
            import redis.asyncio

            client = redis.asyncio.Redis.from_url(self._url, **self._options)
            found = (client, client.register_script(_lua.BUCKET),
                     client.register_script(_lua.BREAKER_CAS))
            self._aclients[loop] = found
        return found

    def _gave_up(self, error: BaseException) -> BackendUnavailableError:
        return BackendUnavailableError(
            f"Redis at {self.where} unreachable for {self.unavailable_timeout:g} s "
            f"({type(error).__name__})"
        )

    def _degrade(self, error: BaseException) -> None:
        if not self._degraded:
            self._degraded = True
            _log.warning("Redis at %s unreachable (%s): failing open, rate limits, breakers and "
                         "key health are not shared until it is back", self.where,
                         type(error).__name__)

    def _recovered(self) -> None:
        if self._degraded:
            self._degraded = False
            _log.warning("Redis at %s reachable again: state is shared again", self.where)

    def _run(self, op: Callable[[], T], fallback: Callable[[], T]) -> T:
        deadline, delay = None, 0.02
        while True:
            try:
                result = op()
            except self._errors as exc:
                if self.on_unavailable == "open":
                    self._degrade(exc)
                    return fallback()
                now = time.monotonic()
                deadline = now + self.unavailable_timeout if deadline is None else deadline
                if now >= deadline:
                    raise self._gave_up(exc) from exc
                self._sleep(min(delay, deadline - now))
                delay = min(delay * 2, 0.5)
            else:
                self._recovered()
                return result

    async def _arun(self, op: Callable[[], Awaitable[T]], fallback: Callable[[], T]) -> T:
        deadline, delay = None, 0.02
        while True:
            try:
                result = await op()
            except self._errors as exc:
                if self.on_unavailable == "open":
                    self._degrade(exc)
                    return fallback()
                now = time.monotonic()
                deadline = now + self.unavailable_timeout if deadline is None else deadline
                if now >= deadline:
                    raise self._gave_up(exc) from exc
                await self._async_sleep(min(delay, deadline - now))
                delay = min(delay * 2, 0.5)
            else:
                self._recovered()
                return result

    # ------------------------------------------------------------------ token buckets
    def _bucket_args(self, op: BucketOp, rate: float, burst: float, tokens: float) -> list[str]:
        return [op, repr(float(rate)), repr(float(burst)), repr(float(tokens)), self._now_arg()]

    @staticmethod
    def _bucket_fallback(op: BucketOp, burst: float) -> Callable[[], float]:
        return lambda: {"take": 1.0, "peek": float(burst)}.get(op, 0.0)

    def bucket(self, op: BucketOp, name: str, rate: float, burst: float, tokens: float) -> float:
        key = self._key("bucket", name)
        args = self._bucket_args(op, rate, burst, tokens)
        return self._run(lambda: _num(self._bucket_script(keys=[key], args=args)),
                         self._bucket_fallback(op, burst))

    async def abucket(self, op: BucketOp, name: str, rate: float, burst: float, tokens: float) -> float:
        script = self._async()[1]
        key = self._key("bucket", name)
        args = self._bucket_args(op, rate, burst, tokens)

        async def run() -> float:
            return _num(await script(keys=[key], args=args))

        return await self._arun(run, self._bucket_fallback(op, burst))

    def bucket_reset(self, name: str) -> None:
        self._run(lambda: self._client.delete(self._key("bucket", name)), lambda: 0)

    # ------------------------------------------------------------------ circuit breakers
    def _breaker_read(self, client: Any, name: str) -> Any:
        pipe = client.pipeline(transaction=False)
        pipe.hgetall(self._key("breaker", name))
        if self._clock is None:
            pipe.time()
        return pipe

    def _breaker_parse(self, replies: list[Any]) -> tuple[BreakerRecord, float]:
        fields = {k.decode(): v.decode() for k, v in replies[0].items()}
        if self._clock is None:
            seconds, micros = replies[1]
            now = seconds + micros / 1_000_000
        else:
            now = self._clock()
        if not fields:
            return BreakerRecord(), now
        return BreakerRecord(fields["state"], int(fields["failures"]), int(fields["successes"]),
                             int(fields["probes"]), float(fields["opened_at"]),
                             int(fields["version"])), now

    def _breaker_fallback(self) -> tuple[BreakerRecord, float]:
        return BreakerRecord(), time.time() if self._clock is None else self._clock()

    @staticmethod
    def _cas_args(expected: int, r: BreakerRecord) -> list[str]:
        return [str(expected), r.state, str(r.failures), str(r.successes), str(r.probes),
                repr(r.opened_at), str(expected + 1)]

    def breaker_get(self, name: str) -> tuple[BreakerRecord, float]:
        return self._run(lambda: self._breaker_parse(self._breaker_read(self._client, name).execute()),
                         self._breaker_fallback)

    def breaker_cas(self, name: str, expected: int, record: BreakerRecord) -> bool:
        key, args = self._key("breaker", name), self._cas_args(expected, record)
        return self._run(lambda: bool(self._cas_script(keys=[key], args=args)), lambda: True)

    async def abreaker_get(self, name: str) -> tuple[BreakerRecord, float]:
        client = self._async()[0]

        async def run() -> tuple[BreakerRecord, float]:
            return self._breaker_parse(await self._breaker_read(client, name).execute())

        return await self._arun(run, self._breaker_fallback)

    async def abreaker_cas(self, name: str, expected: int, record: BreakerRecord) -> bool:
        script = self._async()[2]
        key, args = self._key("breaker", name), self._cas_args(expected, record)

        async def run() -> bool:
            return bool(await script(keys=[key], args=args))

        return await self._arun(run, lambda: True)

    # ------------------------------------------------------------------ key health
    def _bench_call(self, client: Any, provider: str, key_id: str, status: str,
                    seconds: float | None) -> Any:
        key = self._key("key", provider, key_id)
        if seconds is None:
            return client.set(key, status)
        if seconds <= 0:
            return client.delete(key)
        return client.set(key, status, px=max(1, math.ceil(seconds * 1000)))

    def _benched_read(self, client: Any, provider: str, key_ids: Sequence[str]) -> Any:
        pipe = client.pipeline(transaction=False)
        for key_id in key_ids:
            key = self._key("key", provider, key_id)
            pipe.get(key)
            pipe.pttl(key)
        return pipe

    @staticmethod
    def _benched_parse(key_ids: Sequence[str], replies: list[Any], now: float) -> dict[str, Bench]:
        out = {}
        for i, key_id in enumerate(key_ids):
            status, ttl = replies[2 * i], replies[2 * i + 1]
            if status is None or ttl == -2:
                continue
            until = None if ttl < 0 else now + ttl / 1000
            out[key_id] = Bench(status.decode(), until)
        return out

    def bench(self, provider: str, key_id: str, status: str, seconds: float | None) -> None:
        self._run(lambda: self._bench_call(self._client, provider, key_id, status, seconds),
                  lambda: None)

    def unbench(self, provider: str, key_id: str) -> None:
        self._run(lambda: self._client.delete(self._key("key", provider, key_id)), lambda: 0)

    def benched(self, provider: str, key_ids: Sequence[str], now: float) -> dict[str, Bench]:
        return self._run(
            lambda: self._benched_parse(key_ids,
                                        self._benched_read(self._client, provider, key_ids).execute(),
                                        now),
            dict,
        )

    async def abench(self, provider: str, key_id: str, status: str, seconds: float | None) -> None:
        client = self._async()[0]

        async def run() -> None:
            await self._bench_call(client, provider, key_id, status, seconds)

        await self._arun(run, lambda: None)

    async def abenched(self, provider: str, key_ids: Sequence[str], now: float) -> dict[str, Bench]:
        client = self._async()[0]

        async def run() -> dict[str, Bench]:
            replies = await self._benched_read(client, provider, key_ids).execute()
            return self._benched_parse(key_ids, replies, now)

        return await self._arun(run, dict)

    # ------------------------------------------------------------------ lifecycle
    def ping(self) -> bool:
        """True when Redis answers (never raises)."""
        try:
            return bool(self._client.ping())
        except self._errors:
            return False

    def close(self) -> None:
        """Close the blocking client's connections (it reconnects if used again)."""
        self._client.close()

    async def aclose(self) -> None:
        """Close the running event loop's asyncio client (call it before the loop ends)."""
        found = self._aclients.pop(asyncio.get_running_loop(), None)
        if found is not None:
            await found[0].aclose()
