"""Which findings a baseline already records, and which of its entries are stale.

A finding is recorded when an entry of the same file has

1. the finding's own `hashed_secret` (whatever the entry's type: the label is about the string,
   and detect-secrets often files one string under another type), or
2. the sha1 of a *piece of the finding's line that overlaps the finding's span* by at least 12
   characters of key material and starts at the line start or after a non-alphanumeric
   character. detect-secrets' plugins often hash a different span than keylint reports:
   StripeDetector the first 24 characters, KeywordDetector a whole URL. Pieces without key
   material never count: GitHubTokenDetector hashes only `ghp`, PrivateKeyDetector only
   `BEGIN RSA PRIVATE KEY`, and such an entry would cover any token of the file. Such an
   entry covers at most one finding (the nearest by line), so one audited token cannot wave
   through a second, new token in the same file (every finding of the file competes for it,
   already recorded ones included).
3. a constant piece detect-secrets hashed for the token on this very line (`ghp`, `glpat`,
   `BEGIN RSA PRIVATE KEY`): its GitHub, GitLab and private-key plugins hash only that. Such an
   entry says "the token of this type on line N was accepted" and nothing more, so it covers one
   finding of the same kind on exactly its recorded line (detect-secrets' hook keeps that line
   up to date), never a token elsewhere in the file. That is what detect-secrets itself
   accepted: a team moving over is not blocked again on keys it audited. `keylint baseline
   migrate` turns each such entry into keylint's own, which hashes the whole token.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from keylint.baseline.model import Baseline, Entry, Key
from keylint.baseline.plugins import same_kind
from keylint.masking import sha1_hex
from keylint.reading import read_regular
from keylint.scanner.finding import Finding

# How far around the finding's span a detect-secrets piece may reach.
_WINDOW = 256

LineReader = Callable[[str, int], "str | None"]


@dataclass
class Comparison:
    """The outcome of holding findings against a baseline."""

    new: list[Finding] = field(default_factory=list)
    claims: dict[Key, list[Finding]] = field(default_factory=dict)
    # Entries whose hash is a constant part of a current finding (`ghp`, a PEM header): the
    # secret is still there, so they are not stale, but they vouch for no finding.
    present: set[Key] = field(default_factory=set)

    def claimed(self, e: Entry) -> bool:
        """True when some current finding is this entry's secret (or holds its hashed piece)."""
        return e.key in self.claims or e.key in self.present


# A piece vouches for a finding only if it shares real key material with it: at least this many
# characters of the finding's span, mixing two of lower case, upper case and digits. A hash of
# `ghp` or of `BEGIN RSA PRIVATE KEY` says nothing about which token is in the file now.
_MIN_SHARED = 12


def _key_material(text: str) -> bool:
    classes = (any(c.islower() for c in text) + any(c.isupper() for c in text)
               + any(c.isdigit() for c in text))
    return len(text) >= _MIN_SHARED and classes >= 2


def overlap_hashes(line: str, start: int, end: int) -> set[str]:
    """sha1 of every piece of `line` that starts at a token boundary and shares key material
    (`_MIN_SHARED` characters, mixed) with [start, end)."""
    return _pieces(line, start, end)[0]


def _pieces(line: str, start: int, end: int) -> tuple[set[str], set[str]]:
    """(strong, weak): hashes of the pieces that overlap [start, end) and start at a token
    boundary, split by whether they share key material with the span."""
    lo, hi = max(0, start - _WINDOW), min(len(line), end + _WINDOW)
    strong: set[str] = set()
    weak: set[str] = set()
    for i in range(lo, min(end, len(line))):
        if i != start and i > 0 and line[i - 1].isalnum():
            continue
        first = max(i, start)
        for j in range(first + 1, hi + 1):
            shared = line[first:min(j, end)]
            (strong if _key_material(shared) else weak).add(sha1_hex(line[i:j]))
    return strong, weak


def file_line_reader() -> LineReader:
    """Read line `n` (1-based) of a file as the engine numbers lines; None when unreadable."""
    cache: dict[str, list[bytes] | None] = {}

    def read(path: str, n: int) -> str | None:
        if path not in cache:
            try:
                cache[path] = read_regular(path).split(b"\n")
            except OSError:
                cache[path] = None
        lines = cache[path]
        if lines is None or not 0 < n <= len(lines):
            return None
        return lines[n - 1].decode("utf-8", "replace")

    return read


def _span(f: Finding, line: str) -> tuple[int, int]:
    end = f.end_column - 1 if f.end_line == f.line else len(line)
    return f.column - 1, end


def compare(findings: Sequence[Finding], baseline: Baseline,
            read_line: LineReader | None = None) -> Comparison:
    """Split `findings` into recorded (with the entries they claim) and new."""
    read_line = read_line or file_line_reader()
    by_file = baseline.by_file()
    result = Comparison()
    exact: set[int] = set()
    per_file: dict[str, list[Finding]] = {}
    for f in findings:
        per_file.setdefault(f.path, []).append(f)
        for e in by_file.get(f.path, []):
            if e.hashed_secret == f.hashed_secret:
                result.claims.setdefault(e.key, []).append(f)
                exact.add(id(f))
    overlapped: set[int] = set()
    for path, in_file in per_file.items():
        free = [e for e in by_file.get(path, []) if e.key not in result.claims]
        if free:
            overlapped |= _claim_overlaps(in_file, free, read_line, result)
    result.new = [f for f in findings if id(f) not in exact and id(f) not in overlapped]
    return result


def _claim_overlaps(findings: list[Finding], free: list[Entry], read_line: LineReader,
                    result: Comparison) -> set[int]:
    by_hash: dict[str, list[Entry]] = {}
    for e in free:
        by_hash.setdefault(e.hashed_secret, []).append(e)
    pairs: list[tuple[int, int, str, int, Entry]] = []
    for i, f in enumerate(findings):
        line = read_line(f.path, f.line)
        if line is None:
            continue
        start, end = _span(f, line)
        strong, weak = _pieces(line, start, end)
        for h in weak & by_hash.keys():
            for e in by_hash[h]:
                if e.line_number == f.line and same_kind(e.type, f.secret_type):
                    pairs.append((0, f.line, e.type, i, e))  # what detect-secrets accepted here
                else:
                    result.present.add(e.key)
        for h in strong & by_hash.keys():
            for e in by_hash[h]:
                distance = abs(f.line - e.line_number) if e.line_number else 1 << 30
                pairs.append((distance, f.line, e.type, i, e))
    pairs.sort(key=lambda p: p[:4])
    matched: set[int] = set()
    for _, _, _, i, e in pairs:
        if e.key not in result.claims:
            result.claims[e.key] = [findings[i]]
            matched.add(id(findings[i]))
    return matched


def is_stale(e: Entry, cmp: Comparison, scanned: set[str], keylint_types: set[str],
             exists: Callable[[str], bool] = os.path.exists) -> bool:
    """True when the entry's secret is gone: its file is gone, or keylint scanned the file and
    found no such secret. For a type only detect-secrets reports, the secret is gone when no
    token of the file hashes to the entry (so a removed, labelled-real entry can be cleared).
    An entry recorded from git history (it names its commit) stays: the history still holds it."""
    if any(k == "commit" for k, _ in e.extra):
        return False
    if not exists(e.filename):
        return True
    if e.filename not in scanned:
        return False
    if e.type in keylint_types:
        return not cmp.claimed(e)
    return e.hashed_secret not in _token_hashes(e.filename)


_TOKEN = re.compile(r"""[^\s"'`]+""")
_QUOTED = re.compile(r"""(["'`])(.+?)\1""")


def _token_hashes(path: str) -> set[str]:
    """sha1 of every quoted string and every token (split on blanks, quotes, `=`, `:`) of a file:
    the pieces detect-secrets' entropy and keyword plugins hash."""
    try:
        text = read_regular(path).decode("utf-8", "replace")
    except OSError:
        return set()
    pieces: set[str] = set()
    for line in text.splitlines():
        pieces.update(m.group(2) for m in _QUOTED.finditer(line))
        for tok in _TOKEN.findall(line):
            pieces.add(tok)
            pieces.update(re.split(r"[=:,;]", tok))
    return {sha1_hex(p) for p in pieces if p}
