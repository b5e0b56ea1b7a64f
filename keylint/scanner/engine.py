"""From bytes to findings: run the detector, map spans to lines and columns, apply pragmas."""

from __future__ import annotations

from functools import lru_cache

from keylint.rules import RULES
from keylint.scanner.detector import Detector, Match
from keylint.scanner.finding import Finding
from keylint.scanner.pragmas import allowed


@lru_cache(maxsize=8)
def detector_for(rule_ids: tuple[str, ...] | None = None, fast: bool = True) -> Detector:
    """The compiled detector for a set of rules (all rules when None), built once per process."""
    rules = RULES if rule_ids is None else tuple(r for r in RULES if r.id in set(rule_ids))
    return Detector(rules, fast=fast)


def scan_bytes(data: bytes, path: str, detector: Detector | None = None) -> list[Finding]:
    """Findings in one buffer, in file order, with 1-based lines and columns."""
    det = detector or detector_for()
    matches = det.find(data)
    if not matches:
        return []
    findings: list[Finding] = []
    line, pos = 1, 0
    for m in matches:
        line += data.count(b"\n", pos, m.start)
        pos = m.start
        ls = data.rfind(b"\n", 0, m.start) + 1
        le = data.find(b"\n", m.start)
        le = len(data) if le < 0 else le
        prev = None
        if ls > 0:
            prev = data[data.rfind(b"\n", 0, ls - 1) + 1: ls - 1]
        if allowed(data[ls:le], prev):
            continue
        findings.append(_finding(data, path, line, ls, m))
    return findings


def _finding(data: bytes, path: str, line: int, line_start: int, m: Match) -> Finding:
    column = len(data[line_start:m.start].decode("utf-8", "replace")) + 1
    newlines = data.count(b"\n", m.start, m.end)
    end_line = line + newlines
    end_ls = data.rfind(b"\n", 0, m.end) + 1 if newlines else line_start
    end_column = len(data[end_ls:m.end].decode("utf-8", "replace")) + 1
    return Finding(
        path=path, line=line, column=column, end_line=end_line, end_column=end_column,
        rule_id=m.rule.id, provider=m.rule.provider, secret_type=m.rule.secret_type,
        secret=m.secret,
    )


def scan_text(text: str, path: str = "<text>", detector: Detector | None = None) -> list[Finding]:
    """Findings in a string (for tests, hooks and the fixer)."""
    return scan_bytes(text.encode("utf-8", "surrogateescape"), path, detector)
