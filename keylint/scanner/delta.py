"""What a new version of a file changed over the old one, for scanning only that part.

A commit usually edits a few lines of a file; the rest of the new blob is the old blob's bytes,
already scanned. The changed part is what lies between the longest common prefix and the longest
common suffix of the two versions (found with slice comparisons, so in C), widened to whole
lines plus `CONTEXT` lines on each side (the detector reads a provider word on the line before
and the two lines after a key, so an edit next to a key can make it a finding), and to the
whole of a PEM block the edit falls inside.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 3  # lines around the change that are scanned again
_PEM_REACH = 16384  # how far a PEM block's markers are looked for around the change


@dataclass(frozen=True)
class Change:
    """`new[start:end]` is what to scan; `new[:prefix]` is `old[:prefix]` and the last `suffix`
    bytes of both are equal, so a secret there in the old version is there in the new one."""

    start: int
    end: int
    prefix: int
    suffix: int
    shift: int  # len(new) - len(old): where a secret in the common suffix moved to
    pem: bool = True  # has_pem(new)

    def carried(self, old_start: int, old_end: int, old_len: int) -> int | None:
        """Where a secret at `old[old_start:old_end]` sits in the new version, or None when the
        change touched it."""
        if old_end <= self.prefix:
            return old_start
        if old_start >= old_len - self.suffix:
            return old_start + self.shift
        return None


def _common_prefix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the longest common prefix, at most `limit`: a binary search of memcmp calls
    (`startswith` over a view of `b`, nothing copied)."""
    view = memoryview(b)
    if a.startswith(view[:limit]):
        return limit
    lo, hi = 0, limit  # a[:lo] == b[:lo]; they differ before hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a.startswith(view[lo:mid], lo):
            lo = mid
        else:
            hi = mid
    return lo


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the longest common suffix, at most `limit` (as `_common_prefix`, from the end)."""
    n, m = len(a), len(b)
    view = memoryview(b)
    if a.endswith(view[m - limit:]):
        return limit
    lo, hi = 0, limit  # the last lo bytes agree; they differ within the last hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a.endswith(view[m - mid:m - lo], 0, n - lo):
            lo = mid
        else:
            hi = mid
    return lo


def _line_start(data: bytes, pos: int, back: int) -> int:
    """The start of the line `back` lines above the one holding `pos`."""
    start = data.rfind(b"\n", 0, pos) + 1
    for _ in range(back):
        if start == 0:
            break
        start = data.rfind(b"\n", 0, start - 1) + 1
    return start


def _line_end(data: bytes, pos: int, ahead: int) -> int:
    """Just past the newline of the line `ahead` lines below the one holding `pos`."""
    end = pos
    for _ in range(ahead + 1):
        nl = data.find(b"\n", end)
        if nl < 0:
            return len(data)
        end = nl + 1
    return end


_PEM = b"-----BEGIN"


def has_pem(text: bytes) -> bool:
    """Whether `text` holds a PEM block's first marker (`change` then looks for the block)."""
    return _PEM in text


def change(old: bytes, new: bytes, old_pem: bool = True) -> Change:
    """The part of `new` to scan, given that `old` was scanned (`old_pem`: `has_pem(old)`;
    without a marker in `old`, only the part that changed is searched for one)."""
    limit = min(len(old), len(new))
    prefix = _common_prefix(old, new, limit)
    suffix = _common_suffix(old, new, limit - prefix)
    start = _line_start(new, prefix, CONTEXT)
    end = _line_end(new, max(prefix, len(new) - suffix), CONTEXT)
    # A marker in `new` but not in `old` overlaps what lies between the common prefix and suffix.
    pem = has_pem(new) if old_pem else new.find(_PEM, max(0, prefix - len(_PEM) + 1),
                                                   len(new) - suffix + len(_PEM) - 1) >= 0
    if not pem:
        return Change(start, end, prefix, suffix, len(new) - len(old), pem)
    # Inside a PEM block: scan all of it (its body lines alone are no finding).
    begin = new.rfind(_PEM, max(0, start - _PEM_REACH), start)
    if begin >= 0 and new.find(b"-----END", begin, start) < 0:
        start = _line_start(new, begin, 0)
    close = new.find(b"-----END", end, end + _PEM_REACH)
    if close >= 0 and new.find(_PEM, end, close) < 0:
        end = _line_end(new, close, 0)
    return Change(start, end, prefix, suffix, len(new) - len(old), pem)
