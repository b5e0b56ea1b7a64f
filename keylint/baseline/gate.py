"""The baseline gate used by `keylint scan --baseline` and the pre-commit hooks.

A baseline accepts the findings it records, except those recorded as a real secret
(`"is_secret": true`, a label from `keylint audit` or `detect-secrets audit`): those stay in the
report, marked, and fail the gate. Labelled real means "remove and rotate", never "allowed".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from keylint.baseline import plugins, store
from keylint.baseline.compare import LineReader, compare, file_line_reader
from keylint.baseline.model import Baseline, loads
from keylint.scanner.finding import Finding


@dataclass
class Gated:
    """What a baseline did to a scan: the findings still reported (new ones, and those labelled
    a real secret, marked), and how many it accepted."""

    reported: list[Finding] = field(default_factory=list)
    accepted: int = 0
    real: int = 0


def screen(findings: Sequence[Finding], baseline: Baseline, root: str = ".") -> Gated:
    """Hold `findings` against `baseline`. `root` is the directory the baseline's file names are
    relative to; findings name files relative to the current directory (a scan run in `app/`)."""
    if root in (".", ""):
        keyed = list(findings)
        reader: LineReader | None = None
    else:
        keyed = [replace(f, path=_from_root(f.path, root)) for f in findings]
        plain = file_line_reader()

        def reader(path: str, n: int) -> str | None:
            return plain(os.path.join(root, path), n)

    cmp = compare(keyed, baseline, reader)
    real_keys = {e.key for e in baseline.entries if e.is_secret is True}
    real = {id(f) for key in real_keys for f in cmp.claims.get(key, [])}
    new = {id(f) for f in cmp.new}
    out = Gated()
    for original, f in zip(findings, keyed, strict=True):
        if id(f) in real:
            out.reported.append(replace(original, labelled_real=True))
            out.real += 1
        elif id(f) in new:
            out.reported.append(original)
        else:
            out.accepted += 1
    return out


def _from_root(path: str, root: str) -> str:
    if os.path.isabs(path):
        return path
    return os.path.relpath(os.path.normpath(path), root).replace(os.sep, "/")


def screen_file(findings: Sequence[Finding], baseline_path: Path, root: str = ".") -> Gated:
    """`screen` against the baseline file at `baseline_path` (read-only: never writes it).

    Raises KeylintError (one line naming the file) for a missing, malformed or truncated
    baseline, a future format version, or a plugin keylint cannot stand for.
    """
    return screen(findings, store.load(Path(baseline_path)), root)


def new_findings(findings: Sequence[Finding], baseline_path: Path) -> list[Finding]:
    """The findings the baseline does not accept: new ones, and those labelled a real secret."""
    return screen_file(findings, baseline_path).reported


def new_findings_in_text(findings: Sequence[Finding], text: str, where: str) -> list[Finding]:
    """As `new_findings`, for a baseline's text (the staged copy a commit will hold)."""
    baseline = loads(text, where)
    plugins.check(baseline.plugins_used, where)
    return screen(findings, baseline).reported


def new_history_findings(findings: Sequence[Finding], baseline_path: Path) -> list[Finding]:
    """The history findings whose secret no baseline entry records, whatever its file: a
    secret audited once is the same string at every path and commit it appears at. A secret
    labelled real is reported (marked) wherever it is."""
    baseline = store.load(Path(baseline_path))
    known = {e.hashed_secret for e in baseline.entries if e.is_secret is not True}
    real = {e.hashed_secret for e in baseline.entries if e.is_secret is True}
    return [replace(f, labelled_real=True) if f.hashed_secret in real else f
            for f in findings if f.hashed_secret not in known or f.hashed_secret in real]
