"""`keylint audit --ci`: hold the tree against the baseline and decide pass or fail.

It fails on a finding the baseline does not record, on an entry labelled a real secret
(`is_secret: true`), and on an entry nobody audited yet (unless unaudited entries are allowed).
Stale entries (their secret is gone from the tree) are reported and never fail. A file or
directory that could not be read fails it too, as an error (exit 2): a gate never passes what
it could not look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from keylint.baseline.build import TreeScan, keylint_types
from keylint.baseline.compare import compare, is_stale
from keylint.baseline.model import Baseline, Entry
from keylint.masking import shown_path
from keylint.scanner.files import Problem
from keylint.scanner.finding import Finding


@dataclass(frozen=True)
class Flagged:
    """A baseline entry that fails (or is noted by) the gate, with its current finding if any."""

    entry: Entry
    finding: Finding | None

    @property
    def line(self) -> int:
        """The current line when keylint finds the secret, else the recorded one."""
        return self.finding.line if self.finding else self.entry.line_number

    def to_dict(self) -> dict[str, object]:
        """JSON form: the entry as recorded, plus where it is now (never the secret)."""
        out: dict[str, object] = {"path": shown_path(self.entry.filename), "line": self.line,
                                  "secret_type": self.entry.type,
                                  "hashed_secret": self.entry.hashed_secret,
                                  "is_secret": self.entry.is_secret}
        if self.finding is not None:
            out["rule_id"] = self.finding.rule_id
            out["masked"] = self.finding.masked
        return out


@dataclass
class Verdict:
    """What `audit --ci` found, and whether it passes."""

    baseline: str
    allow_unaudited: bool = False
    new: list[Finding] = field(default_factory=list)
    real: list[Flagged] = field(default_factory=list)
    unaudited: list[Flagged] = field(default_factory=list)
    stale: list[Flagged] = field(default_factory=list)
    audited: int = 0
    unreadable: list[Problem] = field(default_factory=list)  # could not be read: not judged

    @property
    def failed(self) -> bool:
        """True when CI must fail."""
        return bool(self.unreadable or self.new or self.real
                    or (self.unaudited and not self.allow_unaudited))

    def stats(self) -> dict[str, int]:
        """Counts per category."""
        return {"new": len(self.new), "real_secrets": len(self.real),
                "unaudited": len(self.unaudited), "stale": len(self.stale),
                "audited_false_positives": self.audited, "unreadable": len(self.unreadable)}


def evaluate(scan: TreeScan, baseline: Baseline, baseline_path: Path, *,
             allow_unaudited: bool = False) -> Verdict:
    """Judge the scan against the baseline (reads no file but the scanned tree's lines)."""
    cmp = compare(scan.findings, baseline)
    types = keylint_types(scan.rule_ids)
    verdict = Verdict(str(baseline_path), allow_unaudited, new=list(cmp.new),
                      unreadable=[p for p in scan.problems if p.error])
    for e in baseline.entries:
        found = cmp.claims.get(e.key)
        flagged = Flagged(e, min(found, key=lambda f: abs(f.line - e.line_number))
                          if found else None)
        if is_stale(e, cmp, scan.scanned, types):
            verdict.stale.append(flagged)
        elif e.is_secret is True:
            verdict.real.append(flagged)
        elif e.is_secret is None:
            verdict.unaudited.append(flagged)
        else:
            verdict.audited += 1
    return verdict
