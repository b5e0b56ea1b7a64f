"""Masking of secrets for display: never reveals more than a third of the value."""

from __future__ import annotations

import functools
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


_LONG_WORD = re.compile(r"[^/\\\s]{16}")


@functools.lru_cache(maxsize=4096)
def redact_text(text: str) -> str:
    """`text` with every secret the rules find masked: for what keylint prints besides findings
    (error messages, file names), which may hold a key typed or pasted by mistake. Uses the
    scanner's detector directly: `keylint.runtime` (asyncio, logging) is too heavy to import on
    every scan, and paths repeat, hence the cache."""
    if not _LONG_WORD.search(text):
        return text  # no key is shorter than 16 characters: most names need no detector run
    from keylint.scanner.engine import detector_for

    data = text.encode("utf-8", "surrogateescape")
    matches = detector_for().find(data)
    if not matches:
        return text
    out, pos = [], 0
    for m in matches:
        out += [data[pos:m.start], mask(m.secret).encode()]
        pos = m.end
    out.append(data[pos:])
    return b"".join(out).decode("utf-8", "surrogateescape")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_path(path: str) -> str:
    """A path as reports show it: secrets masked, control characters escaped (one line each)."""
    path = redact_text(path)
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], path)
