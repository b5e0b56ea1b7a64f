"""Where a candidate stands in its text: lines, words and spans around it.

The detector asks these questions of a candidate match after the regex passes: which lines a
provider word gives context to, whether a value is bounded as a token, whether its line names a
credential, an identifier, a reserved host or a search client. Each looks at a bounded window
around the match, so the work per candidate stays constant whatever the file's size.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from keylint.rules.checks import reserved_host_in
from keylint.rules.model import Rule

_BLOB_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
_CONTEXT_LINES = 3  # a provider word gives context this many lines above and below it

_HOST_REACH = 200  # bytes either side of a password searched for the host it belongs to


def _around(data: bytes, start: int, end: int) -> tuple[int, int]:
    """The part of the value's line within `_HOST_REACH` bytes of it."""
    lo = max(0, start - _HOST_REACH)
    lo = data.rfind(b"\n", lo, start) + 1 or lo
    hi = data.find(b"\n", end, end + _HOST_REACH)
    return lo, min(len(data), end + _HOST_REACH) if hi < 0 else hi


def on_reserved_host(data: bytes, start: int, end: int) -> bool:
    """The password's line names a reserved host (example.com, *.test, localhost) near it."""
    lo, hi = _around(data, start, end)
    return reserved_host_in(data[lo:hi])


def on_example_line(data: bytes, start: int, end: int) -> bool:
    """The line marks itself as documentation: an id or key ending in `EXAMPLE` (AWS's
    convention, `AKIAIOSFODNN7EXAMPLE`) stands near the value."""
    lo, hi = _around(data, start, end)
    return data.find(b"EXAMPLE", lo, hi) >= 0


# An Algolia / DocSearch search client's configuration (`indexName`, `docsearch({...})`).
_SEARCH_CONFIG = re.compile(rb"(?i)index_?name|docsearch|algolia|instantsearch|searchclient")
_HEX32 = re.compile(r"[0-9a-f]{32}")


def search_only_key(data: bytes, start: int, end: int, secret: str) -> bool:
    """A 32-hex `apiKey` beside a search client's configuration: Algolia's search-only key,
    public by design (every DocSearch site ships it to the browser). An admin key under an
    admin or write name is the `algolia-admin-api-key` rule's, and is still reported."""
    if _HEX32.fullmatch(secret) is None:
        return False
    lo, hi = max(0, start - 3 * _HOST_REACH), min(len(data), end + 3 * _HOST_REACH)
    return _SEARCH_CONFIG.search(data, lo, hi) is not None


# Words that say a value is a credential, for a line whose provider is named on a nearby line.
CREDENTIAL = re.compile(
    rb"(?i)(?:api[_-]?key|apikey|token|secret|passw|auth|bearer|credential|access[_-]?key|"
    rb"private[_-]?key|consumer[_-]?key|\bkey\b|-H\s|x-api|subscription|\bvalue\b[\"']?\s*[:=])"
)
# A bare value right after a label naming an identifier or a digest.
ID_LABEL = re.compile(
    rb"(?i)(?:\b|[_-])(?:id|ids|uuid|guid|arn|sha\d*|md5|hash(?:ed_secret)?|digest|checksum|etag|commit|rev)"
    rb"[\"'\]]*[ \t]*(?::=|=>|[:=])?[ \t]*[\"'`]?$"
)
_LETTER = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LOWER = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_DIGIT = frozenset(b"0123456789")


_IMPORT = re.compile(rb"[ \t\"]*(?:from\s+\S+\s+import\b|import\s|.*\brequire\s*\()")


def _is_import(data: bytes, pos: int) -> bool:
    """The line holding `pos` imports a module (Python, JS), as an SDK import does."""
    ls = data.rfind(b"\n", 0, pos) + 1
    return _IMPORT.match(data, ls, pos + 200) is not None


def cached_is_import(cache: dict[int, bool], data: bytes, pos: int) -> bool:
    """`_is_import`, once per provider word (many lines and rules may ask about the same one)."""
    known = cache.get(pos)
    if known is None:
        known = cache[pos] = _is_import(data, pos)
    return known


class Spans:
    """Sorted, disjoint byte spans: which one holds a position, which one meets a range."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in sorted(spans):
            if self.ends and s < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], e)
            else:
                self.starts.append(s)
                self.ends.append(e)

    def overlaps(self, start: int, end: int) -> bool:
        """Some span shares a byte with `[start, end)`."""
        i = bisect.bisect_right(self.ends, start)
        return i < len(self.starts) and self.starts[i] < end

    def holds(self, pos: int) -> bool:
        """Some span `[s, e]` (both ends included) holds `pos`."""
        i = bisect.bisect_left(self.ends, pos)
        return i < len(self.starts) and self.starts[i] <= pos


class Anchors:
    """Self-identifying tokens (key ids such as `AKIA...`) by start and provider: which
    providers have one near a value."""

    def __init__(self, tokens: Iterable[tuple[int, str]]) -> None:
        pairs = sorted(tokens)
        self._starts = [s for s, _ in pairs]
        self._providers = [p for _, p in pairs]

    def near(self, provider: str, start: int, end: int, reach: int) -> bool:
        """A token of `provider` starts within `reach` bytes of `[start, end)`."""
        lo = bisect.bisect_left(self._starts, start - reach)
        hi = bisect.bisect_right(self._starts, end + reach)
        return provider in self._providers[lo:hi]


# A URL's path: in a run of characters that are not delimiters, from just after the run's first
# `://` up to its first query character (`?=&#`) or its end.
_DELIMITERS = rb" \t\"'`<>()\[\]{},;\n"
_URL_PATH = re.compile(
    rb"(?<![^%s])[^%s?=&#]*?://(?P<path>[^%s?=&#]*)" % (_DELIMITERS, _DELIMITERS, _DELIMITERS)
)


def url_path_spans(data: bytes, line_start: int, line_end: int) -> Spans:
    """Where on a line a position lies in the path of a URL (`scheme://host/...` with no query
    yet): one pass over the line, however many candidates on it ask."""
    return Spans(m.span("path") for m in _URL_PATH.finditer(data, line_start, line_end))


def word_edge(data: bytes, start: int, end: int) -> bool:
    """A provider word starts a word (`aws_key`, `AwsConfig`), not the middle of one (`draws`)."""
    if start > 0 and (data[start - 1] in _LETTER or data[start - 1] in _DIGIT):
        return False  # inside `draws` or a random run such as `51AWS0F5`
    return not (end < len(data) and data[end] in _LOWER and data[end - 1] in _LOWER)


def nearby_lines(data: bytes, pos: int) -> tuple[list[tuple[int, int]], int]:
    """(rank, line start) of the lines a provider word at `pos` gives context to, nearest first:
    its own line (rank 0), the next (1), the previous (2, as `requests.post(url)` after a
    headers line), then two and three lines below and above (3 to 6: a client built over
    several lines, its endpoint host three lines from its key); and where its own line ends.

    Each line is found from its neighbour, so the work is the length of the seven lines."""
    ls = data.rfind(b"\n", 0, pos) + 1
    out = [(0, ls)]
    own_end = data.find(b"\n", ls)
    below, above = own_end, ls
    for distance in range(1, _CONTEXT_LINES + 1):
        if below >= 0:
            out.append((2 * distance - 1, below + 1))
            below = data.find(b"\n", below + 1)
        if above > 0:
            above = data.rfind(b"\n", 0, above - 1) + 1
            out.append((2 * distance, above))
    return out, len(data) if own_end < 0 else own_end


def left_bounded(data: bytes, start: int, rule: Rule) -> bool:
    """The token does not continue to the left of `start`."""
    if start > 0 and data[start - 1] in rule.boundary:
        camel = rule.camel_start and data[start - 1] in _LOWER and data[start] not in _LOWER
        escape = start > 1 and data[start - 2] == 0x5C and data[start - 1] in b"nrtfbv0"
        return camel or escape  # `"\nghp_..."`: the `n` belongs to an escape, not the token
    return True


def is_bounded(data: bytes, start: int, end: int, rule: Rule) -> bool:
    """The token does not continue on either side (so it is not part of a longer string)."""
    if not left_bounded(data, start, rule):
        return False
    return not (end < len(data) and (data[end] in rule.boundary or data[end] in rule.right_boundary))


def in_blob(data: bytes, start: int, end: int) -> bool:
    """Inside a long base64 run (an embedded image, a minified bundle): not a key on its own."""
    lo = start
    while lo > 0 and data[lo - 1] in _BLOB_CHARS and start - lo < 200:
        lo -= 1
    hi = end
    while hi < len(data) and data[hi] in _BLOB_CHARS and hi - end < 200:
        hi += 1
    run = data[lo:hi]
    return (hi - lo) - (end - start) >= 60 and (b"/" in run or b"+" in run)
