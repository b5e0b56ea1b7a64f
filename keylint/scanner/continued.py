"""Keys cut by a backslash-newline line continuation: `export KEY="sk-...\\` then `...rest"`, a
Dockerfile `ENV`/`RUN` value continued on the next line, a Python, C or JavaScript string
literal continued the same way. Shells, Docker's parser and those languages all delete the
backslash and the line break, so the value is the joined text: a scan of the raw bytes sees
two halves, each too short or too plain to be a key.

Only a continuation glued to the text on both sides can cut a token (`abc\\` then `def` at the
start of the next line); `make \\` and an indented next line cannot, and most files have none.
The lines around each glued continuation (its chain of continued lines and up to three lines
either side, for a provider word's context) are joined and scanned once: regions that meet are
merged, so no byte is scanned twice and the work stays linear. Only a secret that crosses a
removed continuation is reported (everything else is the ordinary scan's), at its span in the
original bytes (first line to last), with the joined secret.
"""

from __future__ import annotations

import bisect

from keylint.scanner.detector import Detector, Match, _compile

# A backslash and a line break: RE2 finds the first in a file at memchr speed (a `bytes.find`
# loop took 5x longer, a look-behind `re` pattern 35x: more than the scan itself).
_CONTINUATION = _compile(rb"\\\r?\n", fast=True)
# A token character on both sides of the backslash-newline (the next line not indented).
_GLUE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.~-")
_CONTEXT_LINES = 3  # lines of context joined above and below a continued line (as the detector)


def find_continued(data: bytes, detector: Detector, start: int = 0,
                   end: int | None = None) -> list[Match]:
    """Secrets in `data[start:end]` that only appear once glued continuations are removed, in
    file order, with spans in `data` (from the secret's first byte to its last)."""
    end = len(data) if end is None else end
    cuts = [(cs, ce) for cs, ce in (m.span() for m in _CONTINUATION.finditer(data, start, end))
            if cs > start and ce < end and data[cs - 1] in _GLUE and data[ce] in _GLUE]
    if not cuts:
        return []
    found: list[Match] = []
    for lo, hi, inside in _regions(data, cuts, start, end):
        found.extend(_scan(data, lo, hi, inside, detector))
    return found


def _regions(data: bytes, cuts: list[tuple[int, int]], start: int,
             end: int) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """The merged windows to join: each cut's line, its continued lines and `_CONTEXT_LINES`
    lines either side, within `[start, end)`; with the cuts inside each."""
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    for cs, ce in cuts:
        lo = max(start, data.rfind(b"\n", start, cs) + 1)  # the cut line's start
        for _ in range(_CONTEXT_LINES):
            if lo > start:
                lo = max(start, data.rfind(b"\n", start, lo - 1) + 1)
        hi = ce  # the continued line's start
        for _ in range(_CONTEXT_LINES + 1):
            nl = data.find(b"\n", hi, end)
            hi = end if nl < 0 else nl + 1
        if out and lo <= out[-1][1]:
            out[-1][2].append((cs, ce))
            out[-1] = (out[-1][0], max(out[-1][1], hi), out[-1][2])
        else:
            out.append((lo, hi, [(cs, ce)]))
    return out


def _scan(data: bytes, lo: int, hi: int, cuts: list[tuple[int, int]],
          detector: Detector) -> list[Match]:
    """The secrets of `data[lo:hi]` with `cuts` removed that cross a cut, mapped back."""
    pieces: list[bytes] = []
    at: list[int] = []  # where each cut falls in the joined text
    removed: list[int] = []  # bytes removed up to and including each cut
    pos, total = lo, 0
    for cs, ce in cuts:
        pieces.append(data[pos:cs])
        at.append(cs - lo - total)
        total += ce - cs
        removed.append(total)
        pos = ce
    pieces.append(data[pos:hi])
    joined = b"".join(pieces)
    out = []
    for m in detector.find(joined):
        first = bisect.bisect_right(at, m.start)  # the first cut after the secret's start
        if first == len(at) or at[first] >= m.end:
            continue  # crosses no cut: the ordinary scan's
        last = bisect.bisect_left(at, m.end) - 1  # the last cut before its end
        start = lo + m.start + (removed[first - 1] if first else 0)
        end = lo + m.end + removed[last]
        out.append(Match(m.rule, start, end, m.secret))
    return out
