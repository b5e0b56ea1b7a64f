"""The baseline gate used by `keylint scan --baseline` and the pre-commit hooks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from keylint.baseline import plugins, store
from keylint.baseline.compare import compare
from keylint.baseline.model import loads
from keylint.scanner.finding import Finding


def new_findings(findings: Sequence[Finding], baseline_path: Path) -> list[Finding]:
    """The findings the baseline does not record (read-only: never writes the baseline).

    Raises KeylintError (one line naming the file) for a missing, malformed or truncated
    baseline, a future format version, or a plugin keylint cannot stand for.
    """
    baseline = store.load(Path(baseline_path))
    return compare(findings, baseline).new


def new_findings_in_text(findings: Sequence[Finding], text: str, where: str) -> list[Finding]:
    """As `new_findings`, for a baseline's text (the staged copy a commit will hold)."""
    baseline = loads(text, where)
    plugins.check(baseline.plugins_used, where)
    return compare(findings, baseline).new


def new_history_findings(findings: Sequence[Finding], baseline_path: Path) -> list[Finding]:
    """The history findings whose secret no baseline entry records, whatever its file: a
    secret audited once is the same string at every path and commit it appears at."""
    baseline = store.load(Path(baseline_path))
    known = {e.hashed_secret for e in baseline.entries}
    return [f for f in findings if f.hashed_secret not in known]
