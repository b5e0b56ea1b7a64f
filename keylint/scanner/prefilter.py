"""Where the first pass can match, found by hyperscan, so that RE2 reads only those places.

RE2 builds its DFA lazily, and on a large tree every worker process builds most of the first
pass's states again: that was most of a tree scan's CPU. Hyperscan compiles the same patterns
ahead of time and scans without that warm-up, but reports only where each pattern's matches
*end*. So it does not replace the first pass; it narrows it:

- For every pattern, a bound on where a match ending at `to` can start: `to - width` when the
  pattern's matches are at most `width` bytes long, else the start of `to`'s line when no match
  can hold a newline. A pattern with neither bound disables the prefilter (never a guess).
- Every match of the first-pass alternation is a match of one of its patterns, so it lies inside
  one of the spans `[bound, to]`. In each merged span RE2 (google-re2 only: its `pos`/`endpos`
  keep the text around a span as context, so `\\b` sees the real neighbours) searches the
  patterns hyperscan saw there, each alone, and takes the match that starts first, the earlier
  pattern at the same start: what the alternation finds, in the same order, as over the whole
  buffer. Each alone pattern has a small DFA; the whole alternation built ~0.1 s of states in
  every worker even over the spans alone.

Markers ride along: patterns other passes search every buffer for first (a line
continuation, a percent escape), compiled into the same database and reported once each, so
that a pass whose marker hyperscan did not see in a buffer can skip its own search of it.

The compiled database and the bounds are cached on disk (compiling takes ~0.15 s and the bounds
~8 ms, loading ~0.1 ms), keyed by the patterns and hyperscan's version; a cache that cannot be
written only costs the compile, one that cannot be read is rebuilt. Without hyperscan (it is
installed on Linux x86-64 only) or with `KEYLINT_PREFILTER=off`, nothing changes but the speed.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_UNBOUNDED = 1 << 30
_NONE = 1 << 62  # no match left (past any buffer)
_GAP = 64  # spans closer than this are read in one RE2 call
_MAX_HITS = 1 << 18  # more first-pass hits than this in one buffer: the whole pass reads it
_FORMAT = b"keylint-prefilter-2"  # a cache file: the bounds line, then the database
# start, end, the alternatives that can match there, and where each one's last match can end
Span = tuple[int, int, list[int], list[int]]

_parser: Any = importlib.import_module("re._parser" if hasattr(__import__("re"), "_parser")
                                       else "sre_parse")
_c: Any = importlib.import_module("re._constants" if hasattr(__import__("re"), "_constants")
                                  else "sre_constants")


class _Unknown(Exception):
    """A construct the newline analysis does not know: assume it may hold a newline."""


# `\s`, `\D`, `\W` (and their line-break kin) contain a newline; `\d`, `\w`, `\S` do not.
_NEWLINE_CATEGORIES = {_c.CATEGORY_SPACE, _c.CATEGORY_NOT_DIGIT, _c.CATEGORY_NOT_WORD,
                       _c.CATEGORY_LINEBREAK}
_NO_NEWLINE_CATEGORIES = {_c.CATEGORY_DIGIT, _c.CATEGORY_WORD, _c.CATEGORY_NOT_SPACE,
                          _c.CATEGORY_NOT_LINEBREAK}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


def _class_has_newline(items: Sequence[tuple[Any, Any]]) -> bool:
    negate, has = False, False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            has = has or av == 10
        elif op is _c.RANGE:
            has = has or av[0] <= 10 <= av[1]
        elif op is _c.CATEGORY and av in _NEWLINE_CATEGORIES:
            has = True
        elif not (op is _c.CATEGORY and av in _NO_NEWLINE_CATEGORIES):
            raise _Unknown(op)
    return has != negate


def _may_hold_newline(items: Sequence[tuple[Any, Any]], dotall: bool) -> bool:
    for op, av in items:
        if op is _c.LITERAL:
            found = av == 10
        elif op is _c.NOT_LITERAL:
            found = av != 10
        elif op is _c.ANY:
            found = dotall
        elif op is _c.IN:
            found = _class_has_newline(av)
        elif op in _REPEATS:
            found = av[1] > 0 and _may_hold_newline(av[2], dotall)
        elif op is _c.SUBPATTERN:
            _, add, remove, sub = av
            inner = (dotall or bool(add & _c.SRE_FLAG_DOTALL)) and not remove & _c.SRE_FLAG_DOTALL
            found = _may_hold_newline(sub, inner)
        elif op is _c.BRANCH:
            found = any(_may_hold_newline(alt, dotall) for alt in av[1])
        elif op is _c.AT:
            found = False
        else:
            raise _Unknown(op)
        if found:
            return True
    return False


def bound(pattern: str) -> int | None:
    """How far before its end a match of `pattern` can start: its longest match in bytes, 0 for
    "not before its line's start" (no match holds a newline), None when neither is known."""
    parsed = _parser.parse(pattern)
    low, high = parsed.getwidth()
    if low == 0:  # hyperscan does not report empty matches
        return None
    if high < _UNBOUNDED:
        return int(high)
    try:
        dotall = bool(parsed.state.flags & _c.SRE_FLAG_DOTALL)
        return None if _may_hold_newline(list(parsed), dotall) else 0
    except _Unknown:
        return None


class Prefilter:
    """A compiled hyperscan database of the first pass's alternatives, each one's start bound,
    and a way to compile one alternative alone (RE2, as the whole pass is compiled)."""

    def __init__(self, db: Any, bounds: Sequence[int], patterns: Sequence[bytes],
                 compile_one: Callable[[bytes], Any], markers: Sequence[bytes] = ()) -> None:
        self._db = db
        self._bounds = tuple(bounds)
        self._patterns = tuple(patterns)
        self._markers = tuple(markers)  # ids len(patterns) and on
        self._no_marker = frozenset(self._markers)  # what a buffer without any gives
        self._compile_one = compile_one
        self._alone: dict[int, Any] = {}
        self._local = threading.local()  # hyperscan's scratch space is per thread

    def matches(self, data: bytes, spans: list[Span]) -> Iterator[tuple[int, int, int]]:
        """Where the alternation of every pattern, leftmost-first, matches in `data`, in order,
        and which pattern matched there, given the `spans` hyperscan found there (`scan`).

        Within each span only the alternatives hyperscan saw there are searched, each alone:
        the match that starts first wins, and at the same start the earlier alternative, which
        is how the alternation chooses. Small patterns keep RE2's lazily built DFAs small: the
        whole alternation built ~0.1 s of states in every worker even over the spans alone."""
        for start, end, ids, last in spans:
            # Each alternative's next match: -1 before its first search, _NONE when it has
            # no more in this span.
            starts = [-1] * len(ids)
            ends = [0] * len(ids)
            pos = start
            while True:
                best, best_start = -1, _NONE
                for k, pattern in enumerate(ids):
                    at = starts[k]
                    if at < pos:
                        # A match from `pos` would end past it, where hyperscan saw no end of
                        # this alternative after `last[k]`: none is left (no search needed).
                        m = None if pos >= last[k] else \
                            self._alone_regex(pattern).search(data, pos, end)
                        if m is None:
                            starts[k] = _NONE
                            continue
                        at, ends[k] = m.span()  # one call: the wrapper's are not cheap
                        starts[k] = at
                    if at < best_start:  # at the same start, the earlier alternative
                        best, best_start = k, at
                if best < 0:
                    break
                yield best_start, ends[best], ids[best]
                pos = ends[best]

    def scan(self, data: bytes) -> tuple[list[Span], frozenset[bytes]] | None:
        """Merged, ordered spans of `data` that hold every first-pass match (and little else),
        each with the alternatives (in alternation order) that can match in it, and the markers
        that have no match anywhere in `data`; None when hyperscan failed or met more hits than
        are worth holding (a file made of provider words): every pass then reads `data` as
        before."""
        import hyperscan

        ends: list[tuple[int, int]] = []
        add = ends.append
        first_marker = len(self._patterns)
        seen: set[int] = set()

        def on_match(pattern: int, _start: int, end: int, _flags: int, _ctx: object) -> bool:
            if pattern < first_marker:
                add((end, pattern))
            else:
                seen.add(pattern - first_marker)
            return len(ends) > _MAX_HITS  # True stops the scan

        try:
            self._db.scan(data, match_event_handler=on_match, scratch=self._scratch())
        except hyperscan.error:  # ScanTerminated from the limit above, or hyperscan's own
            return None
        absent = self._no_marker if not seen else frozenset(
            m for i, m in enumerate(self._markers) if i not in seen)
        return self._merged(data, ends), absent

    def _merged(self, data: bytes, ends: list[tuple[int, int]]) -> list[Span]:
        """The spans the hits (end, pattern) bound, merged where they meet or nearly meet."""
        if not ends:
            return []
        ends.sort()
        starts: list[tuple[int, int, int]] = []
        line_start, searched = 0, 0
        for end, pattern in ends:
            width = self._bounds[pattern]
            if width:
                starts.append((max(0, end - width), end, pattern))
                continue
            # The newline before `end` (hits come in end order: each byte is searched once).
            newline = data.rfind(b"\n", searched, end)
            if newline >= 0:
                line_start = newline + 1
            searched = end
            starts.append((line_start, end, pattern))
        starts.sort()
        # Each span, with the last end hyperscan saw there of each alternative.
        merged: list[tuple[int, int, dict[int, int]]] = []
        for start, end, pattern in starts:
            if merged and start <= merged[-1][1] + _GAP:
                last = merged[-1]
                if last[2].get(pattern, -1) < end:
                    last[2][pattern] = end
                if end > last[1]:
                    merged[-1] = (last[0], end, last[2])
            else:
                merged.append((start, end, {pattern: end}))
        out: list[Span] = []
        for s, e, last_end in merged:
            ids = sorted(last_end)
            out.append((s, e, ids, [last_end[i] for i in ids]))
        return out

    def _alone_regex(self, pattern: int) -> Any:
        regex = self._alone.get(pattern)
        if regex is None:
            regex = self._alone[pattern] = self._compile_one(self._patterns[pattern])
        return regex

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        return scratch


def _cache_dir() -> str | None:
    explicit = os.environ.get("KEYLINT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":  # no home directory: no cache (never a `~` directory in the cwd)
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "keylint")


def _read_trusted(path: str) -> bytes | None:
    """A cached database's bytes, only if this user wrote the file and nobody else can change
    it. The checks are made on the file opened (a symlink is refused), so a file swapped in
    between a check and the read is never the one read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        getuid: Callable[[], int] | None = getattr(os, "getuid", None)
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022 or (
                getuid is not None and st.st_uid != getuid()):
            return None
        return f.read()


def _store(path: str, blob: bytes) -> None:
    """Write the cache atomically (a temp file in the same directory, then a rename); a cache
    that cannot be written is not an error, the next run compiles again."""
    import tempfile  # only when the cache is written (~4 ms of imports)

    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".prefilter-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def _parse(cached: bytes, count: int, hyperscan: Any) -> tuple[list[int], Any]:
    """A cache file: the bounds (one line, comma-separated), then the serialized database.
    ValueError (or hyperscan's error) when it is not one for `count` patterns."""
    head, _, blob = cached.partition(b"\n")
    bounds = [int(b) for b in head.split(b",")]
    if len(bounds) != count or min(bounds) < 0:
        raise ValueError("not this pattern set's bounds")
    return bounds, hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)


def load(patterns: Sequence[bytes], compile_one: Callable[[bytes], Any],
         markers: Sequence[bytes] = ()) -> Prefilter | None:
    """The prefilter for the first pass's alternatives (`compile_one` compiles one alone, as the
    pass is compiled) and for the `markers`, or None: hyperscan missing or turned off, a
    pattern it cannot compile, or one without a bound."""
    if os.environ.get("KEYLINT_PREFILTER", "").lower() in ("off", "0", "no"):
        return None
    try:
        import hyperscan
    except ImportError:
        return None
    version = str(getattr(hyperscan, "__version__", "")).encode()
    key = hashlib.sha256(b"\0".join([_FORMAT, version, *patterns, b"\0markers",
                                     *markers])).hexdigest()[:32]
    cache = _cache_dir()
    path = None if cache is None else os.path.join(cache, f"prefilter-{key}.hsdb")
    try:
        cached = None if path is None else _read_trusted(path)
        if cached is not None:
            bounds, db = _parse(cached, len(patterns), hyperscan)
            return Prefilter(db, bounds, patterns, compile_one, markers)
    except (OSError, ValueError, hyperscan.error):  # unreadable, damaged, another hyperscan's
        pass
    found = [bound(p.decode("latin-1")) for p in patterns]
    if any(b is None for b in found):
        return None
    bounds = [b or 0 for b in found]
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    expressions = [*patterns, *markers]
    try:  # a marker is reported once (its first match): only whether it is there counts
        db.compile(expressions=expressions, ids=list(range(len(expressions))),
                   elements=len(expressions),
                   flags=[0] * len(patterns) + [hyperscan.HS_FLAG_SINGLEMATCH] * len(markers))
    except hyperscan.error:
        return None
    if path is not None:
        _store(path, b",".join(b"%d" % b for b in bounds) + b"\n" + hyperscan.dumpb(db))
    return Prefilter(db, bounds, patterns, compile_one, markers)
