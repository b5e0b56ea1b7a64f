"""Keys split across string literals (`"sk-proj-" + "..."`, `"sk-" "..."`): found and reported.

The scanner reads bytes, so a key cut into pieces that Python joins is invisible to it. The fixer
looks again with the boundaries between adjacent literals removed (a quote, then spaces, `+`,
line breaks, backslash continuations or comments, then an optional prefix and a quote), and
reports what only appears joined. Such a key is left in place (rewriting several literals as one
lookup is not worth the risk), but `keylint fix` then exits 1 instead of passing it. A key that
also appears whole in the file is the ordinary scanner's, and one on a line with an allowlist
pragma (or after a `nextline` one) is allowed, as elsewhere.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from keylint.scanner.detector import Detector
from keylint.scanner.engine import scan_spans
from keylint.scanner.finding import Finding
from keylint.scanner.pragmas import allowed

REASON = ("split across string literals that Python joins; join it into one literal and run "
          "keylint fix again, or move it by hand")

# Possessive: a gap splits one way only (a comment of `# a # b` could otherwise be cut in
# exponentially many ways before the match fails).
_GAP = rb"(?:[ \t\f]++|\\\r?\n|\r?\n|\r|#[^\r\n]*+|\+)*+"
_JOIN = re.compile(rb"['\"]" + _GAP + rb"[rRuUbBfF]{0,2}['\"]")


def squeeze(data: bytes) -> tuple[bytes, list[int], list[int]]:
    """`data` with every literal boundary removed; per removal, its position in the result and
    the bytes removed so far (to map offsets back)."""
    at: list[int] = []
    removed: list[int] = []
    out: list[bytes] = []
    pos = total = 0
    for m in _JOIN.finditer(data):
        out.append(data[pos:m.start()])
        total += m.end() - m.start()
        at.append(m.start() - (total - (m.end() - m.start())))
        removed.append(total)
        pos = m.end()
    out.append(data[pos:])
    return b"".join(out), at, removed


def _original(offset: int, at: list[int], removed: list[int], *, end: bool = False) -> int:
    """The offset in the original bytes of a squeezed offset (`end`: an exclusive end)."""
    probe = offset - 1 if end else offset
    i = bisect.bisect_right(at, probe)
    return offset + (removed[i - 1] if i else 0)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _allowed_lines(data: bytes, first: int, last: int) -> bool:
    lines = data.split(b"\n")
    for n in range(first, min(last, len(lines)) + 1):
        if allowed(lines[n - 1], lines[n - 2] if n >= 2 else None):
            return True
    return False


def split_keys(data: bytes, path: str, detector: Detector) -> list[Finding]:
    """Keys in `data` (Python source) that appear only once adjacent literals are joined."""
    squeezed, at, removed = squeeze(data)
    if not at:
        return []
    found: list[Finding] = []
    seen: set[str] = set()
    for f, start, end in scan_spans(squeezed, path, detector):
        crossing = bisect.bisect_right(at, start) < bisect.bisect_left(at, end)
        if not crossing or f.hashed_secret in seen or f.secret.encode() in data:
            continue
        o_start = _original(start, at, removed)
        o_end = _original(end, at, removed, end=True)
        line, column = _position(data, o_start)
        end_line, end_column = _position(data, o_end)
        if _allowed_lines(data, line, end_line):
            continue
        seen.add(f.hashed_secret)
        found.append(replace(f, line=line, column=column, end_line=end_line,
                             end_column=end_column))
    return found
