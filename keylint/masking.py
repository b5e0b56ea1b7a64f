"""Masking of secrets for display: never reveals more than a third of the value."""

from __future__ import annotations

import hashlib
import re

_STARS = "***..."


def mask(secret: str) -> str:
    """Return `first 7 + ***... + last 4`, revealing less for short secrets (never over a third)."""
    n = len(secret)
    budget = n // 3
    head = min(7, budget // 2 + budget % 2)
    tail = min(4, budget - head)
    if n >= 33:  # long enough that 7 + 4 stays under a third
        head, tail = 7, 4
    return f"{secret[:head]}{_STARS}{secret[n - tail:] if tail else ''}"


def sha1_hex(secret: str) -> str:
    """detect-secrets' `hashed_secret`: unsalted sha1 of the UTF-8 value."""
    return hashlib.sha1(secret.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def redact_text(text: str) -> str:
    """`text` with every secret the rules find masked: for what keylint prints besides findings
    (error messages, file names), which may hold a key typed or pasted by mistake."""
    from keylint.runtime.redaction import redact_api_keys  # the scanner's detector, lazily

    return redact_api_keys(text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_path(path: str) -> str:
    """A path as reports show it: secrets masked, control characters escaped (one line each)."""
    path = redact_text(path)
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], path)
