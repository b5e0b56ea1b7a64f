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

JSON's escaped slash (`\\/`, as PHP's `json_encode` writes `/`) cuts an AWS secret or an Azure
key at each `/` it holds: a `\\/` next to a token character is read as `/` the same way, and a
percent-encoded `+`, `/` or `=` (`%2B`, `%2F`, `%3D`, in a URL's query) as that character, and
`%40` (`@`, in a URL password) as `*` (a bare `@` would end the user info). A provider's token is
reported decoded (only that is the key: `aws_secret_access_key=ab%2Fcd...`); a password or other
generic value as written (`p%40ss`, `p%2Bss`: the URL's text, which detect-secrets hashes too
and `keylint fix` moves).

In YAML files, a value written on the lines under its key (`password: >-`, `password: |-` or a
bare `password:`, then more-indented lines) is joined to its key the same way, so the rules that
need a name beside the value see it, and a key written over several lines (under `>`/`|`, or a
plain or double-quoted scalar continued on more-indented lines) is read as one word; a block
whose lines are not each one word (prose, a list, a nested mapping) is not.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from typing import Any

from keylint.scanner.detector import Detector, Match, _compile

# A backslash and a line break, or JSON's escaped slash (PHP's `json_encode` and others write
# `/` as `\/`: an AWS or Azure key holding `/` is cut at each one). One RE2 search finds the
# first in a file at memchr speed (a `bytes.find` loop took 5x longer, a look-behind `re`
# pattern 35x: more than the scan itself).
_CUT_SOURCE = rb"\\(?:\r?\n|/)"
_CUT = _compile(_CUT_SOURCE, fast=True)
# A token character on both sides of the backslash-newline (the next line not indented).
_GLUE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.~-")
_CONTEXT_LINES = 3  # lines of context joined above and below a continued line (as the detector)


_Cut = tuple[int, int, bytes, bool]  # original span, what replaces it, whether a value follows


def find_continued(data: bytes, detector: Detector, start: int = 0,
                   end: int | None = None, *, yaml: bool = False,
                   absent: frozenset[bytes] = frozenset()) -> list[Match]:
    """Secrets in `data[start:end]` that only appear once glued continuations are removed (and,
    with `yaml`, once a YAML value written on the line under its key is joined to the key), in
    file order, with spans in `data` (from the secret's first byte to its last). `absent`: the
    `MARKERS` known to have no match in `data[start:end]` (their searches are skipped)."""
    end = len(data) if end is None else end
    cuts: list[_Cut] = []
    for m in _searched(_CUT, _GLUED_CUT, absent, data, start, end):
        cs, ce = m.span()
        before = cs > start and data[cs - 1] in _GLUE
        after = ce < end and data[ce] in _GLUE
        if data[ce - 1] == 0x2F:  # `\/`: the backslash goes
            if before or after:
                cuts.append((cs, cs + 1, b"", False))
        elif before and after:  # a backslash-newline inside a token
            cuts.append((cs, ce, b"", False))
    for m in _searched(_PERCENT, _PERCENT_SOURCE, absent, data, start, end):
        cs, ce = m.span()
        if (cs > start and data[cs - 1] in _GLUE) or (ce < end and data[ce] in _GLUE):
            cuts.append((cs, ce, _DECODED[data[cs + 1:ce].upper()], False))
    if _ANNOTATION_SOURCE not in absent:
        cuts += _annotations(data, start, end)
    if yaml:
        cuts += _yaml_values(data, start, end)
    cuts.sort()
    if not cuts:
        return []
    found: list[Match] = []
    for lo, hi, inside in _regions(data, cuts, start, end):
        found.extend(_scan(data, lo, hi, inside, detector))
    return found


def _searched(regex: Any, source: bytes, absent: frozenset[bytes], data: bytes, start: int,
              end: int) -> Iterable[Any]:
    return () if source in absent else regex.finditer(data, start, end)


# A percent-encoded base64 character inside a value (`?aws_secret_access_key=ab%2Fcd`, a
# connection string): decoded to the character; and `%40`, in a URL password. Its own RE2 search
# (with the backslash one, no first byte to skip to).
_PERCENT_SOURCE = rb"%(?:2[BbFf]|3[Dd]|40)"
_PERCENT = _compile(_PERCENT_SOURCE, fast=True)
# `%40` is read as `*`: like `@`, path punctuation to the password checks and in no token's
# alphabet, but it ends no user info (`postgres://app:%40bc...@db` is found).
_DECODED = {b"2B": b"+", b"2F": b"/", b"3D": b"=", b"40": b"*"}
# A string type annotation between a name and its quoted value: `db_password: str = "..."`
# (Python, pydantic settings), `password: string = '...'` (TypeScript), `val password: String`
# (Kotlin, Scala, Swift), `const PASSWORD: &str` (Rust). Its own RE2 search: folded into the
# backslash one it cost 4x that (no first byte to skip to).
_ANNOTATION_SOURCE = (
    rb":[ \t]*(?:(?:typing\.)?(?:Optional|Final|ClassVar)\[)?"
    rb"(?:str|string|String|SecretStr|&(?:'static[ \t]+)?str)\]?"
    rb"(?:[ \t]*\|[ \t]*(?:None|undefined|null))?[ \t]*=[ \t]*[bruf]?[\"'`]")
_ANNOTATION = _compile(_ANNOTATION_SOURCE, fast=True)
# The searches every buffer gets first. A detector given them (engine.detector_for) tells,
# once its prefilter has read a buffer, which have no match there: one hyperscan pass instead
# of three RE2 searches over every file (~0.03 s of CPU over the standard library).
# The continuation marker asks for the glue the loop below needs (a `\\`-newline between
# token characters, a `\\/` beside one): a Python line continuation (`x = a + \\`, then an
# indented line) is common and cuts nothing; 18 of the stdlib's 390 files with one glue it.
_GLUE_CLASS = rb"[A-Za-z0-9_+/=.~-]"
_GLUED_CUT = (_GLUE_CLASS + rb"\\\r?\n" + _GLUE_CLASS + rb"|" + _GLUE_CLASS + rb"\\/|\\/"
              + _GLUE_CLASS)
MARKERS = (_GLUED_CUT, _PERCENT_SOURCE, _ANNOTATION_SOURCE)
_NAME_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_CREDENTIAL_NAMES = (b"pass", b"pwd", b"secret", b"token", b"key", b"auth", b"credential")


def _annotations(data: bytes, start: int, end: int) -> list[_Cut]:
    """Where a credential-named annotated assignment drops its type annotation, so that it
    reads as the plain assignment the password and credential rules know."""
    out: list[_Cut] = []
    for m in _ANNOTATION.finditer(data, start, end):
        name_end = m.start()
        while name_end > start and data[name_end - 1] in b"\"'] \t" and m.start() - name_end < 4:
            name_end -= 1
        name_start = name_end
        while name_start > start and data[name_start - 1] in _NAME_CHARS and \
                name_end - name_start < 64:
            name_start -= 1
        name = data[name_start:name_end].lower()
        if any(word in name for word in _CREDENTIAL_NAMES):
            out.append((m.start(), data.index(b"=", m.start()), b"", True))
    return out


# A YAML key and the first line under it, more indented, holding one word. The key ends its
# line bare or with a block scalar indicator (`password:`, `token: >-`, `- api_key: |`: the value
# is all under it), or holds the value's first part (`token: sk-...` or `token: "sk-...`, the
# rest on the lines under it: a plain or quoted scalar written over several lines).
_YAML_KEY = _compile(
    rb"(?m)^([ \t]*)(?:-[ \t]+)?[\w\"'.-]+[ \t]*:[ \t]*"
    rb"(?:[|>][-+]?[1-9]?|([\"']?[^\s#|>&*!{\[\"'][^\s]*))?[ \t]*\r?\n"
    rb"([ \t]+)[^\s#|>-](?:\S*[^\s:])?[ \t]*\r?$", fast=True)
# How much of a value is read on (a long JWT wrapped at 80 columns is ~20 lines): a longer run of
# one-word lines is data (a base64 body, a word list), not a key written over several lines.
_YAML_MAX_LINES = 32
_YAML_MAX_BYTES = 4096


def _yaml_values(data: bytes, start: int, end: int) -> list[_Cut]:
    """Where a YAML value written on the lines under its key is joined to it and its lines to
    each other: `password: >-` then `  s3cr3t` reads as `password: s3cr3t`, and a key cut over
    several lines (`token: >-`, `token: |`, a plain or double-quoted scalar continued on more
    indented lines) reads as one word. Only values whose every line is one word: a block of
    prose, a list or a nested mapping under the key is not one value."""
    out: list[_Cut] = []
    for m in _YAML_KEY.finditer(data, start, end):
        key_indent = len(m.group(1))
        if len(m.group(3)) <= key_indent:
            continue
        head = m.group(2)
        if head and head[:1] in b"\"'" and len(head) > 1 and head.endswith(head[:1]):
            continue  # a whole quoted value: nothing of it continues below
        words = _yaml_words(data, m.start(3) + len(m.group(3)), m.end(), key_indent, end)
        if not words:
            continue
        if head:
            words.insert(0, (m.start(2), m.end(2)))
        else:
            colon = data.rfind(b":", m.start(), m.start(3))
            out.append((colon + 1, words[0][0], b" ", True))
        for (_, prev_end), (word_start, _) in itertools.pairwise(words):
            # A double-quoted scalar's escaped line break (`"sk-...\` then `  ...rest"`).
            cut = prev_end - 1 if data[prev_end - 1] == 0x5C else prev_end
            out.append((cut, word_start, b"", False))
    return out


def _yaml_words(data: bytes, first: int, line_end: int, key_indent: int,
                end: int) -> list[tuple[int, int]]:
    """The spans of a value's one-word lines from `first` (a word ending its line at
    `line_end`) while the lines under it are more indented than the key; none when one of them
    holds more than a word or the value runs past `_YAML_MAX_LINES` or `_YAML_MAX_BYTES`."""
    words = [(first, len(data[first:line_end].rstrip()) + first)]
    pos = line_end
    while pos < end:
        ls = pos + 1
        le = data.find(b"\n", ls, end)
        le = end if le < 0 else le
        text = data[ls:le].rstrip()
        body = text.lstrip(b" \t")
        if not body or len(text) - len(body) <= key_indent:
            break  # the value ends at a blank line or a line not under its key
        if b" " in body or b"\t" in body or body.startswith(b"#") or body.endswith(b":"):
            return []  # prose, a list, a comment or a nested mapping: not one value
        words.append((ls + len(text) - len(body), ls + len(text)))
        if len(words) > _YAML_MAX_LINES or words[-1][1] - first > _YAML_MAX_BYTES:
            return []
        pos = le
    return words


def _regions(data: bytes, cuts: list[_Cut], start: int,
             end: int) -> list[tuple[int, int, list[_Cut]]]:
    """The merged windows to join: each cut's line, its continued lines and `_CONTEXT_LINES`
    lines either side, within `[start, end)`; with the cuts inside each. Cuts come sorted: a
    cut inside the last window or on the last cut's line searches nothing, and no search
    runs back past the last window, so each byte is read a bounded number of times."""
    out: list[tuple[int, int, list[_Cut]]] = []
    line_end = -1  # where the line after the last cut ends
    for cut in cuts:
        cs, ce = cut[0], cut[1]
        if out and cs < out[-1][1]:
            out[-1][2].append(cut)
            if ce <= line_end:
                continue  # the same lines as the last cut's
        floor = max(start, out[-1][1]) if out else start
        lo = max(floor, data.rfind(b"\n", floor, cs) + 1)  # the cut line's start
        for _ in range(_CONTEXT_LINES):
            if lo > floor:
                lo = max(floor, data.rfind(b"\n", floor, lo - 1) + 1)
        nl = data.find(b"\n", ce, end)
        hi = line_end = end if nl < 0 else nl + 1  # the end of the line the cut continues to
        for _ in range(_CONTEXT_LINES):
            nl = data.find(b"\n", hi, end)
            hi = end if nl < 0 else nl + 1
        if out and lo <= out[-1][1]:
            if out[-1][2][-1] is not cut:
                out[-1][2].append(cut)
            out[-1] = (out[-1][0], max(out[-1][1], hi), out[-1][2])
        else:
            out.append((lo, hi, [cut]))
    return out


def _scan(data: bytes, lo: int, hi: int, cuts: list[_Cut], detector: Detector) -> list[Match]:
    """The secrets of `data[lo:hi]` with `cuts` applied that cross a cut (or stand in the value
    a cut joined to its key), mapped back to `data`."""
    pieces: list[bytes] = []
    at: list[int] = []  # where each cut's replacement starts in the joined text
    shift: list[int] = []  # original minus joined offset after each cut
    pos = lo
    for cs, ce, repl, _ in cuts:
        pieces.append(data[pos:cs])
        at.append(cs - lo - (shift[-1] if shift else 0))
        shift.append((shift[-1] if shift else 0) + (ce - cs) - len(repl))
        pieces.append(repl)
        pos = ce
    pieces.append(data[pos:hi])
    joined = b"".join(pieces)

    def original(p: int, *, is_end: bool) -> int:
        i = bisect.bisect_right(at, p - 1 if is_end else p) - 1  # the last cut at or before p
        if i < 0:
            return lo + p
        cs, ce, repl, _ = cuts[i]
        if p - at[i] < len(repl) + is_end:  # inside the replacement
            return ce if is_end else cs
        return lo + p + shift[i]

    out = []
    for m in detector.find(joined):
        first = bisect.bisect_right(at, m.start)  # the first cut after the secret's start
        crosses = first < len(at) and at[first] < m.end and not cuts[first][3]
        if first and at[first - 1] == m.start and cuts[first - 1][2] and not cuts[first - 1][3]:
            crosses = True  # it starts with a decoded character (`%2B...`)
        in_value = False
        if first and cuts[first - 1][3]:
            value = at[first - 1] + len(cuts[first - 1][2])
            line_end = joined.find(b"\n", value)
            in_value = value <= m.start < (len(joined) if line_end < 0 else line_end)
        if crosses or in_value:
            out.append(Match(m.rule, original(m.start, is_end=False),
                             original(m.end, is_end=True),
                             _as_written(data, joined, m, at, cuts) if m.rule.generic
                             else m.secret))
    return out


def _as_written(data: bytes, joined: bytes, m: Match, at: list[int], cuts: list[_Cut]) -> str:
    """A generic match's secret with each percent-escape the scan decoded put back as written."""
    pieces: list[bytes] = []
    pos = m.start
    i = bisect.bisect_left(at, m.start)
    while i < len(at) and at[i] < m.end:
        cs, ce, repl, _ = cuts[i]
        if repl and data[cs] == 0x25:  # `%`
            pieces += (joined[pos:at[i]], data[cs:ce])
            pos = at[i] + len(repl)
        i += 1
    if not pieces:
        return m.secret
    pieces.append(joined[pos:m.end])
    return b"".join(pieces).decode("utf-8", "replace")
