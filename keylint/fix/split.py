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

from keylint.scanner.detector import Detector
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


def split_keys(data: bytes, path: str, detector: Detector, *,
               pragmas: bool = True) -> list[Finding]:
    """Keys in `data` (Python source) that appear only once adjacent literals are joined.

    `pragmas=False` also returns allowlisted ones (for masking what is shown, not reporting).
    """
    squeezed, at, removed = squeeze(data)
    if not at:
        return []
    found: list[Finding] = []
    seen: set[str] = set()
    for m in detector.find(squeezed):
        crossing = bisect.bisect_right(at, m.start) < bisect.bisect_left(at, m.end)
        if not crossing or m.secret.encode() in data:
            continue
        line, column = _position(data, _original(m.start, at, removed))
        end_line, end_column = _position(data, _original(m.end, at, removed, end=True))
        if pragmas and _allowed_lines(data, line, end_line):
            continue
        f = Finding(path=path, line=line, column=column, end_line=end_line,
                    end_column=end_column, rule_id=m.rule.id, provider=m.rule.provider,
                    secret_type=m.rule.secret_type, secret=m.secret)
        if f.hashed_secret not in seen:
            seen.add(f.hashed_secret)
            found.append(f)
    return found
