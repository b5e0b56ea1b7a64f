"""Masking of secrets for display: never reveals more than a third of the value."""

from __future__ import annotations

import bisect
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

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
    import hashlib  # here: OpenSSL's bindings load in milliseconds a clean scan need not spend

    return hashlib.sha1(secret.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


_LONG_WORD = re.compile(r"[^/\\\s]{16}")
_WORD = re.compile(rb"[^/\\\s]{16,}")
_SEP = frozenset(b"-_.+=,;:~@#%&!'\"()[]{}<>|$")
_MAX_WORD = 4096  # longer words (no file name component is) get only the plain detector run
_ENDS_PER_START = 32  # separators a key may hold (`sk-ant-api03-...` holds a handful)


# The secrets this process has found (a Finding records its own), by their last characters
# (the first ones are often a provider's prefix that thousands of keys share: `sk-proj-`).
# The rules alone do not know a bare key (Cohere, Mistral, AWS secret) or a password without the
# context its file gave it, so `redact_text` also masks each of these wherever it appears: a
# file named after the key it holds, an error line naming such a file.
# A process that scans for as long as it runs (a service, an editor, a bandit server) must not
# keep every secret it ever saw: the most recently found `_FOUND_LIMIT` are kept, and
# `forget_found` drops them. A keylint command finds far fewer in one run.
_FOUND: dict[str, tuple[str, ...]] = {}  # last characters -> the secrets that end so
_FOUND_ORDER: OrderedDict[str, None] = OrderedDict()  # every one kept, least recent first
_FOUND_LIMIT = 65_536
_FOUND_TAIL = 6  # no rule reports a shorter secret; a masked one shows at most 4 at its end
_FOUND_LOCK = threading.Lock()  # scans may run in threads; readers see immutable tuples


def remember_found(secret: str) -> None:
    """Mask `secret` in everything `redact_text` (and so `shown_path`) returns from now on (as
    long as it stays among the `_FOUND_LIMIT` most recently found, or until `forget_found`)."""
    if len(secret) < _FOUND_TAIL:
        return
    with _FOUND_LOCK:
        if secret in _FOUND_ORDER:
            _FOUND_ORDER.move_to_end(secret)
            return
        _FOUND_ORDER[secret] = None
        tail = secret[-_FOUND_TAIL:]
        _FOUND[tail] = (*_FOUND.get(tail, ()), secret)
        while len(_FOUND_ORDER) > _FOUND_LIMIT:
            _drop(_FOUND_ORDER.popitem(last=False)[0])


def _drop(secret: str) -> None:
    """Take `secret` out of its bucket (the lock held, the order already updated)."""
    tail = secret[-_FOUND_TAIL:]
    rest = tuple(s for s in _FOUND.get(tail, ()) if s != secret)
    if rest:
        _FOUND[tail] = rest
    else:
        _FOUND.pop(tail, None)


def forget_found(secret: str | None = None) -> None:
    """Drop `secret` (every found secret when None) from this process's memory of found
    secrets: `redact_text` stops masking it unless a rule knows it alone. For a program that
    embeds the scanner: call it when the findings of a scan are no longer shown."""
    with _FOUND_LOCK:
        if secret is None:
            _FOUND_ORDER.clear()
            _FOUND.clear()
        elif secret in _FOUND_ORDER:
            del _FOUND_ORDER[secret]
            _drop(secret)
    _redact_rules.cache_clear()  # the texts it keeps may hold a secret


def _mask_found(text: str) -> str:
    """`text` with every remembered secret masked: one look-up per position (linear)."""
    if not _FOUND or len(text) < _FOUND_TAIL:
        return text
    spans = [(end - len(s), end) for end in range(_FOUND_TAIL, len(text) + 1)
             for s in _FOUND.get(text[end - _FOUND_TAIL:end], ())
             if end >= len(s) and text.startswith(s, end - len(s))]
    if not spans:
        return text
    out, pos = [], 0
    for start, end in _merge(spans):
        out += [text[pos:start], mask(text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact_text(text: str) -> str:
    """`text` with every secret the rules find masked, and every secret this process has found
    (`remember_found`): for what keylint prints besides findings (error messages, file names,
    arguments), which may hold a key typed or pasted by mistake."""
    return _mask_found(_redact_rules(text))


@functools.lru_cache(maxsize=4096)
def _redact_rules(text: str) -> str:
    """`text` with every secret the rules find masked.

    A key glued to other characters (`backup-<key>.py`, `<key>_old`) does not match as a
    key in file content would (a rule's boundary rejects it), so every long word is also tried
    from each separator to each separator. Uses the scanner's detector directly:
    `keylint.runtime` (asyncio, logging) is too heavy to import on every scan, and paths
    repeat, hence the cache."""
    if not _LONG_WORD.search(text):
        return text  # no key is shorter than 16 characters: most names need no detector run
    from keylint.scanner.engine import detector_for

    detector = detector_for()
    data = text.encode("utf-8", "surrogateescape")
    spans = [(m.start, m.end) for m in detector.find(data)]
    for word in _WORD.finditer(data):
        spans += _glued_spans(detector.find, data, word.start(), word.end())
    if not spans:
        return text
    out, pos = [], 0
    for start, end in _merge(spans):
        secret = data[start:end].decode("utf-8", "surrogateescape")
        out += [data[pos:start], mask(secret).encode("utf-8", "surrogateescape")]
        pos = end
    out.append(data[pos:])
    return b"".join(out).decode("utf-8", "surrogateescape")


def _glued_spans(find: Callable[[bytes], list[Any]], data: bytes, lo: int,
                 hi: int) -> list[tuple[int, int]]:
    """Spans of secrets in data[lo:hi] that start after a separator (or at `lo`) and end before
    one (or at `hi`): one detector run over every such piece, NUL-separated. A piece spans at
    most `_ENDS_PER_START` separators and a word at most `_MAX_WORD` bytes: bounded work."""
    if hi - lo > _MAX_WORD:
        return []  # no file name is this long; a key in such a word is masked when it matches
    starts = [lo] + [i for i in range(lo + 1, hi) if data[i - 1] in _SEP]
    ends = [j for j in range(lo + 1, hi) if data[j] in _SEP] + [hi]
    if len(starts) == 1 and len(ends) == 1:
        return []
    pairs = []
    for s in starts:
        k = bisect.bisect_left(ends, s + 16)
        pairs += [(s, e) for e in ends[k:k + _ENDS_PER_START]]
    buf, offsets = bytearray(), []
    for s, e in pairs:
        offsets.append((len(buf), s))
        buf += data[s:e] + b"\0"
    found = []
    for m in find(bytes(buf)):
        k = bisect.bisect_right(offsets, (m.start, 1 << 62)) - 1
        base, origin = offsets[k]
        found.append((origin + m.start - base, origin + m.end - base))
    return found


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


# Escaped when shown: control characters (C0, DEL, C1: a terminal acts on them), and Unicode's
# default-ignorable code points (invisible; a culture-aware comparison, as GitHub's runner makes,
# skips them, so `#<soft hyphen>#[` would still read as `##[`).
_UNSHOWN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")

# GitHub Actions reads a workflow command from every line a step prints, on stdout and stderr:
# a line that starts with `::` after its leading spaces, or one that holds `##[` anywhere (the
# old form, `##[warning]...`; actions/runner ActionCommand.TryParseV2 and TryParse). A name
# keylint prints from the repository (a file, an author, a config value) must issue none.
_OLD_COMMAND = "##["


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x80:
        return repr(m.group())[1:-1]  # `\n`, `\t`, `\x1b`
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}"


def printable(text: str) -> str:
    """`text` with its control and invisible characters escaped (nothing a terminal acts on,
    one line) and no `##[` (nothing GitHub Actions reads as a command)."""
    return _UNSHOWN.sub(_escape, text).replace(_OLD_COMMAND, "#\\x23[")


def shown_path(path: str) -> str:
    """A path as reports show it: secrets masked, control characters escaped (one line each),
    and `./` before a name that starts with `::`, so that a line starting with the path
    (`path:line:col: ...`) is never a workflow command."""
    shown = printable(redact_text(path))
    return f"./{shown}" if shown.lstrip().startswith("::") else shown


def inert_json(text: str) -> str:
    """JSON text in which no line holds `##[`: written `##\\u005b`, which decodes to the same
    string (JSON has `#` only inside strings). A JSON line never starts with `::`."""
    return text.replace(_OLD_COMMAND, "##\\u005b")
