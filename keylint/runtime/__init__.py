"""Runtime helpers for services that call LLM and cloud APIs.

Keys held masked (`SecureString`), log redaction (`KeyMaskingFilter`), key rotation with failover
(`KeyManager`), input and config validation, rate limiting, retries and a circuit breaker.
Importing this package loads only the standard library; tenacity, jsonschema and the scanner's
detector are imported on first use, redis only by a `RedisBackend`.
State (token buckets, breaker records, benched keys) lives in a backend: this process's memory
by default (`keylint.runtime.backends`).
"""

from __future__ import annotations

from keylint.runtime.breaker import CircuitBreaker, CircuitOpenError, CircuitState
from keylint.runtime.config import ConfigError, ConfigValidator
from keylint.runtime.errors import Classification, ErrorClassifier, ErrorKind
from keylint.runtime.keys import MissingSecretError, SecureString, mask_api_key
from keylint.runtime.rate_limiter import AsyncRateLimiter, Limit, RateLimiter, SyncRateLimiter
from keylint.runtime.redaction import KeyMaskingFilter, StreamRedactor, redact_api_keys
from keylint.runtime.retry import RetryEvent, RetryStrategy
from keylint.runtime.rotation import KeyHealth, KeyManager, KeyStatus, NoHealthyKeyError
from keylint.runtime.validation import InputValidator, ValidationError

__all__ = [
    "AsyncRateLimiter",
    "CircuitBreaker",
    "CircuitOpenError",
    "CircuitState",
    "Classification",
    "ConfigError",
    "ConfigValidator",
    "ErrorClassifier",
    "ErrorKind",
    "InputValidator",
    "KeyHealth",
    "KeyManager",
    "KeyMaskingFilter",
    "KeyStatus",
    "Limit",
    "MissingSecretError",
    "NoHealthyKeyError",
    "RateLimiter",
    "RetryEvent",
    "RetryStrategy",
    "SecureString",
    "StreamRedactor",
    "SyncRateLimiter",
    "ValidationError",
    "mask_api_key",
    "redact_api_keys",
]
