"""From bytes to findings: run the detector, map spans to lines and columns, apply pragmas."""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import TYPE_CHECKING

from keylint.rules import RULES
from keylint.scanner.context import Spans
from keylint.scanner.continued import MARKERS, find_continued
from keylint.scanner.detector import Detector, Match
from keylint.scanner.finding import Finding
from keylint.scanner.pragmas import allowed

if TYPE_CHECKING:
    from keylint.scanner.wrapped import Wrapped


# A scan of this many files is a tree (or a vendored tree committed at once), not a commit's
# batch: worth loading the hyperscan prefilter (`Detector.accelerate`) before it starts.
MANY_FILES = 200


@lru_cache(maxsize=8)
def detector_for(rule_ids: tuple[str, ...] | None = None, fast: bool = True) -> Detector:
    """The compiled detector for a set of rules (all rules when None), built once per process."""
    rules = RULES if rule_ids is None else tuple(r for r in RULES if r.id in set(rule_ids))
    return Detector(rules, fast=fast, markers=(*MARKERS, WRAPPER_MARKER))


def scan_bytes(data: bytes, path: str, detector: Detector | None = None) -> list[Finding]:
    """Findings in one buffer, in file order, with 1-based lines and columns."""
    return [f for f, _, _ in scan_spans(data, path, detector)]


# Source code seldom holds a Secret manifest, a kubeconfig or an .npmrc, and `data:` and
# `_auth` are everywhere in it: the wrapper search (a few passes over the bytes) is for
# everything else (YAML, JSON, config files, files without an extension, ...).
_CODE = (".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".go",
         ".rs", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".rb", ".php", ".swift", ".scala",
         ".lua", ".pl", ".sql", ".html", ".css", ".scss", ".svg", ".ipynb")


_YAML = (".yaml", ".yml")
# Every string the wrapper search needs in a buffer before it reads it (`wrapped._marked`):
# where the prefilter saw none, a buffer is not handed to it at all.
WRAPPER_MARKER = rb"\.dockercfg|\.dockerconfigjson|data[\"']?:|_auth|\"auths\""


def may_wrap(path: str) -> bool:
    """Whether a file of this name is searched for base64 wrappers (not source code)."""
    return not path.lower().endswith(_CODE)


def scan_spans(data: bytes, path: str, detector: Detector | None = None, start: int = 0,
               end: int | None = None) -> list[tuple[Finding, int, int]]:
    """Findings in `data[start:end]`, each with its byte span in `data`; lines, columns and
    pragmas are those of the whole buffer (`start` must be a line start)."""
    det = detector or detector_for()
    matches, absent = det.find_marked(data if start == 0 and end is None else data[start:end])
    wrapped: list[Wrapped] = []
    values: list[tuple[int, int]] = []
    # From the start of a buffer, what has no marker holds no wrapper (a history delta's
    # lines may sit inside a `data:` block whose header is above them: searched as before).
    if may_wrap(path) and not (start == 0 and WRAPPER_MARKER in absent):
        # Imported here: a batch of source files (a typical commit) never needs it.
        from keylint.scanner.wrapped import find_wrapped

        wrapped, values = find_wrapped(data, det, start, end)
    if values:
        matches = _with_wrapped(matches, [Match(w.rule, w.start - start, w.end - start, w.secret)
                                          for w in wrapped],
                                [(s - start, e - start) for s, e in values])
    continued = find_continued(data, det, start, end, yaml=path.lower().endswith(_YAML),
                               absent=absent)
    if continued:
        matches = _with_continued(matches, [Match(m.rule, m.start - start, m.end - start, m.secret)
                                            for m in continued])
    if not matches:
        return []
    found: list[tuple[Finding, int, int]] = []
    line, pos = 1, 0
    # Matches come in file order, thousands to a line in a one-line JSON or a bundle: each line's
    # bounds and pragmas are looked up once, and columns count on from the last match on it.
    ls, le, allow = 0, -1, False
    column, column_pos = 1, 0
    for m in matches:
        ms, me = m.start + start, m.end + start
        line += data.count(b"\n", pos, ms)
        pos = ms
        if ms > le:  # a new line
            ls = data.rfind(b"\n", 0, ms) + 1
            le = data.find(b"\n", ms)
            le = len(data) if le < 0 else le
            prev = None
            if ls > 0:
                prev = data[data.rfind(b"\n", 0, ls - 1) + 1: ls - 1]
            allow = allowed(data[ls:le], prev)
            column, column_pos = 1, ls
        if allow:
            continue
        column += _width(data, column_pos, ms)
        column_pos = ms
        found.append((_finding(data, path, line, column, m, ms, me), ms, me))
    return found


def _with_wrapped(matches: list[Match], wrapped: list[Match],
                  values: list[tuple[int, int]]) -> list[Match]:
    """Both lists in file order. A generic match of a wrapper value itself (`password: <base64>`)
    gives way to what it decodes to: the secrets inside, or nothing when the text holds none."""
    starts = [s for s, _ in values]
    kept: list[Match] = []
    for m in matches:
        i = bisect.bisect_right(starts, m.start) - 1
        if not (m.rule.generic and i >= 0 and m.start < values[i][1]):
            kept.append(m)
    return sorted(kept + wrapped, key=lambda m: (m.start, m.end))


def _with_continued(matches: list[Match], continued: list[Match]) -> list[Match]:
    """Both lists in file order. A key found across a line continuation replaces what the
    ordinary scan saw of it (a half taken for a password), but not a provider's token: a
    generic shape found across a continuation gives way to one."""
    spans = Spans((m.start, m.end) for m in matches if not m.rule.generic)
    # A provider token the raw bytes already hold whole, same span (an X bearer token's own
    # `%2F`), stays as written.
    whole = {(m.start, m.end) for m in matches if not m.rule.generic}
    extra = [m for m in continued if (m.start, m.end) not in whole
             and not (m.rule.generic and spans.overlaps(m.start, m.end))]
    if not extra:
        return matches
    taken = Spans((m.start, m.end) for m in extra)
    kept = [m for m in matches if not taken.overlaps(m.start, m.end)]
    return sorted(kept + extra, key=lambda m: (m.start, m.end))


def _width(data: bytes, start: int, end: int) -> int:
    """How many characters `data[start:end]` decodes to (invalid bytes count as U+FFFD)."""
    return len(data[start:end].decode("utf-8", "replace"))


def _finding(data: bytes, path: str, line: int, column: int, m: Match, start: int,
             end: int) -> Finding:
    newlines = data.count(b"\n", start, end)
    end_line = line + newlines
    if newlines:
        end_column = _width(data, data.rfind(b"\n", start, end) + 1, end) + 1
    else:
        end_column = column + _width(data, start, end)
    return Finding(
        path=path, line=line, column=column, end_line=end_line, end_column=end_column,
        rule_id=m.rule.id, provider=m.rule.provider, secret_type=m.rule.secret_type,
        secret=m.secret,
    )


def scan_text(text: str, path: str = "<text>", detector: Detector | None = None) -> list[Finding]:
    """Findings in a string (for tests, hooks and the fixer)."""
    return scan_bytes(text.encode("utf-8", "surrogateescape"), path, detector)
