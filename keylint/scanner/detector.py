"""The matcher: all rules compiled into two passes over a buffer, filters run on candidates only.

Pass 1 runs one alternation of every self-identifying rule (a provider prefix or marker) over the
whole buffer. Pass 2 finds provider words (`twilio`, `MISTRAL_API_KEY`, ...) and runs the bare-shape
rules of those providers on the same line and the two lines below each. Only candidates reach the
Python-level checks, so the cost per byte is the regex engine's. RE2 (google-re2) is used when it
is installed: linear time and about 10x faster; the standard `re` gives the same results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from keylint.rules.checks import CHECKS, is_placeholder, shannon
from keylint.rules.model import Rule

try:  # pragma: no cover (depends on the platform's wheels)
    import re2 as _re2

    _FAST: Any = _re2
except ImportError:  # pragma: no cover
    _FAST = None

_SECRET_GROUP = "(?P<secret>"
_BLOB_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
_PEM_MAX = 64 * 1024


@dataclass(frozen=True)
class Match:
    """A secret's byte span in a buffer and the rule that found it."""

    rule: Rule
    start: int
    end: int
    secret: str


def _compile(pattern: bytes, *, fast: bool, flags: int = 0) -> Any:
    if fast and _FAST is not None:
        options = _FAST.Options()
        options.max_mem = 256 << 20  # the DFA of ~60 alternated rules outgrows the 8 MiB default
        options.log_errors = False
        return _FAST.compile(pattern if not flags else b"(?i)" + pattern, options)
    return re.compile(pattern, flags)


class Detector:
    """Compiled rules. Build once per process; `find` is pure and thread-safe."""

    def __init__(self, rules: Sequence[Rule], *, fast: bool = True) -> None:
        self.rules = tuple(rules)
        self.direct = tuple(r for r in self.rules if not r.needs_context)
        self.contextual = tuple(r for r in self.rules if r.needs_context)
        self.engine = "re2" if fast and _FAST is not None else "re"
        master = b"|".join(
            b"(?P<r%d>%s)" % (i, r.pattern.replace(_SECRET_GROUP, "(?:").encode())
            for i, r in enumerate(self.direct)
        )
        self._master = _compile(master, fast=fast) if self.direct else None
        self._exact = {r.id: re.compile(r.pattern.encode()) for r in self.rules}
        words: dict[bytes, list[Rule]] = {}
        for r in self.contextual:
            for w in r.context:
                words.setdefault(w.lower().encode(), []).append(r)
        self._context_rules = words
        alternation = b"|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        self._context = _compile(alternation, fast=fast, flags=re.IGNORECASE) if words else None

    # ------------------------------------------------------------------ public
    def find(self, data: bytes) -> list[Match]:
        """Every secret in `data`, in order, overlaps resolved (a provider beats a generic shape)."""
        found = list(self._direct(data, 0, len(data)))
        if self._context is not None:
            found.extend(self._contextual(data, found))
        return _resolve_overlaps(found)

    # ------------------------------------------------------------------ pass 1
    def _direct(self, data: bytes, pos: int, endpos: int) -> Iterable[Match]:
        assert self._master is not None
        for m in self._master.finditer(data, pos, endpos):
            name = m.lastgroup
            rule = self.direct[int(name[1:])]
            start, end = m.span()
            if not _bounded(data, start, end, rule.boundary):
                continue
            if rule.generic:
                # A generic shape (password, URL) may hold a provider key: report that too.
                yield from self._direct(data, start + 1, end)
            match = self._accept(rule, data, start, end)
            if match is not None:
                yield match

    # ------------------------------------------------------------------ pass 2
    def _contextual(self, data: bytes, taken: Sequence[Match]) -> Iterable[Match]:
        assert self._context is not None
        # line start -> {rule id: (lines above, distance, rule)}
        lines: dict[int, dict[str, tuple[int, int, Rule]]] = {}
        for m in self._context.finditer(data):
            word = m.group().lower()
            rules = self._context_rules[bytes(word)]
            ls = data.rfind(b"\n", 0, m.start()) + 1
            for above in range(3):
                slot = lines.setdefault(ls, {})
                for r in rules:
                    old = slot.get(r.id)
                    rank = (above, m.start())
                    if old is None or rank[0] < old[0]:
                        slot[r.id] = (above, m.start(), r)
                nxt = data.find(b"\n", ls)
                if nxt < 0:
                    break
                ls = nxt + 1
        spans = [(t.start, t.end) for t in taken if not t.rule.generic]
        best: dict[tuple[int, int], tuple[tuple[int, int, int], Match]] = {}
        for ls, slot in lines.items():
            le = data.find(b"\n", ls)
            le = len(data) if le < 0 else le
            for order, (above, kpos, rule) in enumerate(
                sorted(slot.values(), key=lambda v: self.rules.index(v[2]))
            ):
                for m in self._exact[rule.id].finditer(data, ls, le):
                    start, end = m.span()
                    if any(s < end and start < e for s, e in spans):
                        continue
                    if not _bounded(data, start, end, rule.boundary):
                        continue
                    match = self._accept(rule, data, start, end)
                    if match is None:
                        continue
                    rank = (above, abs(start - kpos) if above == 0 else 0, order)
                    old = best.get((start, end))
                    if old is None or rank < old[0]:
                        best[(start, end)] = (rank, match)
        return [v[1] for v in best.values()]

    # ------------------------------------------------------------------ checks
    def _accept(self, rule: Rule, data: bytes, start: int, end: int) -> Match | None:
        if _SECRET_GROUP in rule.pattern:
            m = self._exact[rule.id].match(data, start, end)
            if m is None:  # pragma: no cover (the master matched the same text)
                return None
            start, end = m.span("secret")
        elif rule.validator == "pem_block":
            stop = data.find(b"-----END", end, end + _PEM_MAX)
            if stop < 0:
                return None
            close = data.find(b"-----", stop + 8, stop + 80)
            end = close + 5 if close >= 0 else stop + 8
        secret = data[start:end].decode("utf-8", "replace")
        if rule.validator != "pem_block":
            if is_placeholder(secret) or _in_blob(data, start, end):
                return None
            if rule.min_entropy and shannon(secret) < rule.min_entropy:
                return None
        if rule.checksum and not CHECKS[rule.checksum](secret):
            return None
        if rule.validator and not CHECKS[rule.validator](secret):
            return None
        return Match(rule, start, end, secret)


def _bounded(data: bytes, start: int, end: int, boundary: bytes) -> bool:
    """The token does not continue on either side (so it is not part of a longer string)."""
    if start > 0 and data[start - 1] in boundary:
        return False
    return not (end < len(data) and data[end] in boundary)


def _in_blob(data: bytes, start: int, end: int) -> bool:
    """Inside a long base64 run (an embedded image, a minified bundle): not a key on its own."""
    lo = start
    while lo > 0 and data[lo - 1] in _BLOB_CHARS and start - lo < 200:
        lo -= 1
    hi = end
    while hi < len(data) and data[hi] in _BLOB_CHARS and hi - end < 200:
        hi += 1
    run = data[lo:hi]
    return (hi - lo) - (end - start) >= 60 and (b"/" in run or b"+" in run)


def _resolve_overlaps(found: list[Match]) -> list[Match]:
    """Keep one match per span; where spans overlap, a provider rule beats a generic one."""
    found.sort(key=lambda m: (m.start, m.rule.generic, -(m.end - m.start)))
    kept: list[Match] = []
    for m in found:
        clash = [k for k in kept if k.start < m.end and m.start < k.end]
        if not clash:
            kept.append(m)
            continue
        for k in clash:
            if k.rule.generic and not m.rule.generic:
                kept.remove(k)
                kept.append(m)
                break
    kept.sort(key=lambda m: m.start)
    return kept
