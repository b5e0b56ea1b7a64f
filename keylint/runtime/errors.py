"""Classify API errors: retryable, rate limited, auth or fatal, without importing any client.

Exceptions of `httpx`, `requests`, `openai`, `anthropic` (and `urllib`, `aiohttp`) are recognised
by the HTTP status they carry (`.status_code`, `.status`, `.code`, or `.response.status_code`) and
otherwise by class name, so none of those libraries is imported here.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Classification", "ErrorClassifier", "ErrorKind"]


class ErrorKind(enum.Enum):
    """What to do about an error."""

    RETRYABLE = "retryable"  # transient: timeout, connection, 5xx
    RATE_LIMITED = "rate_limited"  # 429: wait (Retry-After) then retry, or use another key
    AUTH = "auth"  # 401/403: the key is bad; retrying cannot help
    FATAL = "fatal"  # anything else: a bug or a bad request


@dataclass(frozen=True)
class Classification:
    """An error's kind, its HTTP status when known, and the server's Retry-After in seconds."""

    kind: ErrorKind
    status: int | None = None
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        """True for transient errors and rate limits."""
        return self.kind in (ErrorKind.RETRYABLE, ErrorKind.RATE_LIMITED)


_RETRYABLE_STATUS = frozenset({408, 409, 425, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529})

# Class names (anywhere in the MRO) of the HTTP clients' and SDKs' exceptions.
_NAMES: Mapping[str, ErrorKind] = {
    # openai / anthropic
    "RateLimitError": ErrorKind.RATE_LIMITED,
    "AuthenticationError": ErrorKind.AUTH,
    "PermissionDeniedError": ErrorKind.AUTH,
    "APITimeoutError": ErrorKind.RETRYABLE,
    "APIConnectionError": ErrorKind.RETRYABLE,
    "InternalServerError": ErrorKind.RETRYABLE,
    "OverloadedError": ErrorKind.RETRYABLE,
    "ServiceUnavailableError": ErrorKind.RETRYABLE,
    "BadRequestError": ErrorKind.FATAL,
    "NotFoundError": ErrorKind.FATAL,
    "UnprocessableEntityError": ErrorKind.FATAL,
    # httpx / httpcore
    "TimeoutException": ErrorKind.RETRYABLE,
    "NetworkError": ErrorKind.RETRYABLE,
    "RemoteProtocolError": ErrorKind.RETRYABLE,
    "ProxyError": ErrorKind.RETRYABLE,
    "PoolTimeout": ErrorKind.RETRYABLE,
    # requests / urllib3
    "Timeout": ErrorKind.RETRYABLE,
    "ConnectTimeout": ErrorKind.RETRYABLE,
    "ReadTimeout": ErrorKind.RETRYABLE,
    "ChunkedEncodingError": ErrorKind.RETRYABLE,
    "ProtocolError": ErrorKind.RETRYABLE,
    "NewConnectionError": ErrorKind.RETRYABLE,
    "MaxRetryError": ErrorKind.RETRYABLE,
    # aiohttp
    "ClientConnectionError": ErrorKind.RETRYABLE,
    "ServerTimeoutError": ErrorKind.RETRYABLE,
    # the standard library (requests' ConnectionError is named the same)
    "TimeoutError": ErrorKind.RETRYABLE,
    "ConnectionError": ErrorKind.RETRYABLE,
}


def _status(error: BaseException) -> int | None:
    for obj in (error, getattr(error, "response", None)):
        if obj is None:
            continue
        for attr in ("status_code", "status", "code"):
            value = getattr(obj, attr, None)
            if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
                return value
    return None


def _headers(error: BaseException) -> Any:
    headers = getattr(error, "headers", None)
    if headers is None:
        headers = getattr(getattr(error, "response", None), "headers", None)
    return headers


def _header(headers: Any, name: str) -> str | None:
    try:
        value = headers.get(name)
        if value is None:
            value = headers.get(name.title())
    except Exception:
        return None
    return value if isinstance(value, str) else None


class ErrorClassifier:
    """Map an exception (or an HTTP status) to an `ErrorKind` and the Retry-After it carries."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now  # wall clock, only for HTTP-date Retry-After values

    def classify(self, error: BaseException | int) -> Classification:
        """Status first (401/403 auth, 429 rate limit, 408/409/5xx retryable), then class name."""
        if isinstance(error, int):
            return Classification(self._kind_for_status(error), error)
        status = _status(error)
        retry_after = self.retry_after(error)
        if status is not None:
            return Classification(self._kind_for_status(status), status, retry_after)
        for cls in type(error).__mro__:
            kind = _NAMES.get(cls.__name__)
            if kind is not None:
                return Classification(kind, None, retry_after)
        return Classification(ErrorKind.FATAL, None, retry_after)

    def retry_after(self, error: BaseException) -> float | None:
        """Seconds the server asked to wait (`retry-after-ms`, `Retry-After` seconds or date)."""
        explicit = getattr(error, "retry_after", None)
        if isinstance(explicit, (int, float)) and not isinstance(explicit, bool):
            return max(0.0, float(explicit))
        headers = _headers(error)
        if headers is None:
            return None
        ms = _header(headers, "retry-after-ms")
        if ms is not None:
            try:
                value = float(ms) / 1000
            except ValueError:
                value = math.nan
            if math.isfinite(value):
                return max(0.0, value)
        raw = _header(headers, "retry-after")
        return None if raw is None else self.parse_retry_after(raw)

    def parse_retry_after(self, raw: str) -> float | None:
        """A Retry-After value (seconds or HTTP date) in seconds from now; None when malformed."""
        raw = raw.strip()
        try:
            seconds = float(raw)
        except ValueError:
            import email.utils

            try:
                when = email.utils.parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:
                return None
            seconds = when.timestamp() - self._now()
        if not math.isfinite(seconds):
            return None
        return max(0.0, seconds)

    @staticmethod
    def _kind_for_status(status: int) -> ErrorKind:
        if status in (401, 403):
            return ErrorKind.AUTH
        if status == 429:
            return ErrorKind.RATE_LIMITED
        if status in _RETRYABLE_STATUS or 500 <= status <= 599:
            return ErrorKind.RETRYABLE
        return ErrorKind.FATAL
