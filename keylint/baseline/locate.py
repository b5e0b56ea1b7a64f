"""Find a recorded secret in a file again (baselines hold only its hash) and mask it for display."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from keylint.baseline.compare import Comparison, compare
from keylint.baseline.model import Baseline, Entry
from keylint.masking import mask
from keylint.reading import read_regular
from keylint.rules.checks import shannon
from keylint.scanner.finding import Finding

_MAX_LINE = 4000  # longer lines are never shown (a minified file): too costly to search, too wide
# The longest secret looked for by hash alone: longer than any bounded rule's secret (a
# password is at most 400 characters); longer ones are found through the scanner's findings.
_MAX_PIECE = 512


@dataclass(frozen=True)
class Located:
    """Where an entry's secret is now: its line, the span on that line, and the masked value."""

    line: int
    start: int
    end: int
    masked: str


def find_piece(line: str, hashed: str) -> tuple[int, int] | None:
    """The first piece of `line` (up to `_MAX_PIECE` characters) starting at a token boundary
    whose sha1 is `hashed`.

    One running hash per start, extended a character at a time: the work is at most
    `_MAX_PIECE` steps per start, linear in the line, where hashing every piece afresh was
    cubic (a 4,000-character line meant billions of bytes hashed)."""
    if len(line) > _MAX_LINE:
        return None
    encoded = [c.encode("utf-8", "surrogateescape") for c in line]
    for i in range(len(line)):
        if i > 0 and line[i - 1].isalnum():
            continue
        running = hashlib.sha1(usedforsecurity=False)
        for j in range(i, min(len(line), i + _MAX_PIECE)):
            running.update(encoded[j])
            if running.copy().hexdigest() == hashed:
                return i, j + 1
    return None


def read_lines(path: str) -> list[str] | None:
    """The file's lines as the scanner numbers them (split on `\\n`), or None when unreadable."""
    try:
        data = read_regular(path)
    except OSError:
        return None
    lines = [x.rstrip("\r") for x in data.decode("utf-8", "replace").split("\n")]
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def file_findings(path: str, rule_ids: Sequence[str] | None) -> list[Finding]:
    """keylint's findings in one file (empty when it cannot be read)."""
    from keylint.scanner.engine import detector_for, scan_bytes

    try:
        data = read_regular(path)
    except OSError:
        return []
    return scan_bytes(data, path, detector_for(tuple(rule_ids) if rule_ids else None))


def locate(e: Entry, lines: list[str], findings: list[Finding], cmp: Comparison) -> Located | None:
    """Where `e`'s secret is: via the finding that claims it, else by hash on its recorded line."""
    claimed = cmp.claims.get(e.key)
    if claimed:
        f = min(claimed, key=lambda f: (abs(f.line - e.line_number), f.line))
        text = lines[f.line - 1] if f.line <= len(lines) else ""
        end = f.end_column - 1 if f.end_line == f.line else len(text)
        return Located(f.line, f.column - 1, end, f.masked)
    n = e.line_number
    if 0 < n <= len(lines):
        piece = find_piece(lines[n - 1], e.hashed_secret)
        if piece is not None:
            return Located(n, piece[0], piece[1], mask(lines[n - 1][piece[0]:piece[1]]))
    return None


def masked_lines(lines: list[str], findings: list[Finding], extra: Sequence[Located] = ()
                 ) -> dict[int, str]:
    """Every line holding a finding or a located secret, with those spans masked; lines too long
    to show are replaced by a note."""
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for f in findings:
        for n in range(f.line, f.end_line + 1):
            if n > len(lines):
                break
            start = f.column - 1 if n == f.line else 0
            end = f.end_column - 1 if n == f.end_line else len(lines[n - 1])
            spans.setdefault(n, []).append((start, end, f.masked if n == f.line else "***"))
    for loc in extra:
        spans.setdefault(loc.line, []).append((loc.start, loc.end, loc.masked))
    out: dict[int, str] = {}
    for n in range(1, len(lines) + 1):
        items = spans.get(n, [])
        items += [(m.start(), m.end(), mask(m.group())) for m in _RANDOM_LOOKING.finditer(lines[n - 1])
                  if shannon(m.group()) >= 3.0 and not looks_like_a_name(m.group())]
        if not items:
            continue
        text, pos, parts = lines[n - 1], 0, []
        for start, end, shown in sorted(items):
            if start < pos:
                continue
            parts += [text[pos:start], shown]
            pos = end
        out[n] = "".join(parts) + text[pos:]
    return out


# Shown context may hold secrets no rule of ours finds (detect-secrets' entropy entries whose
# line moved): any long random-looking token is masked as well.
_RANDOM_LOOKING = re.compile(r"[A-Za-z0-9+/=_-]{16,}")
# ... but not a name: the reader needs `STRIPE_SECRET_KEY = ***` to judge the line, not
# `STRIPE_***...KEY = ***`. A name is words of one case joined by `_`, `-` or `.` (a digit or
# three may end a word or be one), or camelCase words. Its words read as words: each has a vowel
# (but for acronyms: `DB`, `URL`, `HTTP`, `db`) and no run of five consonants.
# Random tokens almost never take that shape (about 1 in 10,000 random base64 ones, each then
# still masked where a rule or the baseline knows it).
_SEPARATED = re.compile(r"(?:[A-Za-z]+[0-9]{0,3}|[0-9]{1,3})(?:[_.-](?:[A-Za-z]+[0-9]{0,3}|[0-9]{1,3}))+")
_CAMEL = re.compile(r"(?:[a-z]{2,}|[A-Z][a-z]+)(?:[A-Z][a-z]+)+[0-9]{0,3}")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_CONSONANTS = re.compile(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{5}")


def looks_like_a_name(token: str) -> bool:
    """True for identifiers such as `STRIPE_SECRET_KEY`, `db_password_prod`, `myServiceToken`."""
    if _SEPARATED.fullmatch(token) and token in (token.upper(), token.lower()):
        words = [w for w in (w.rstrip("0123456789") for w in re.split(r"[_.-]", token)) if w]
        acronym = 4 if token == token.upper() else 3
    elif _CAMEL.fullmatch(token):
        words, acronym = re.findall(r"[A-Z]?[a-z]+", token), 0
    else:
        return False
    return all((_VOWEL.search(w) or len(w) <= acronym) and not _CONSONANTS.search(w)
               for w in words)


def compare_file(path: str, entries: list[Entry], findings: list[Finding]) -> Comparison:
    """The comparison restricted to one file."""
    return compare(findings, Baseline(entries=tuple(entries)))
