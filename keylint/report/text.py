"""Human output: one line per finding, then a summary line. Colour only on a TTY, NO_COLOR honoured."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from keylint.masking import shown_path
from keylint.scanner.finding import Finding
from keylint.words import counted


def use_colour(stream: TextIO) -> bool:
    """Colour when writing to a terminal and NO_COLOR is unset or empty (no-color.org)."""
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _c(text: str, code: str, on: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if on else text


def format_finding(f: Finding, *, colour: bool = False) -> str:
    """`path:line:col: <secret type> <masked> (<rule id>)`; from history, `path@sha:line:col:`
    and where it entered, how far it spread, and whether HEAD still holds it."""
    where = _c(f"{shown_path(f.location)}:{f.line}:{f.column}:", "1", colour)
    line = f"{where} {_c(f.secret_type, '31', colour)} {f.masked} ({f.rule_id})"
    if f.labelled_real:
        line += f" {REAL_NOTE}"
    return f"{line} {history_note(f)}" if f.commit else line


# A finding the baseline records labelled a real secret: never accepted, always shown as such.
REAL_NOTE = "[labelled a real secret in the baseline: rotate it and remove it]"


def history_note(f: Finding) -> str:
    """`[history only: added 2024-05-01 by Ann; 3 commits, 2 paths]` (or `[still in HEAD: ...]`)."""
    state = "still in HEAD" if f.in_head else "history only"
    spread = f"{f.commits} commit{'s' if f.commits != 1 else ''}"
    if f.paths > 1:
        spread += f", {f.paths} paths"
    # shown_path: the name is a commit's to choose; a `\r` or an escape sequence in it must not
    # overwrite the finding's line on a terminal.
    return f"[{state}: added {f.author_date[:10]} by {shown_path(f.author)}; {spread}]"


def _baselined(stats: dict[str, object]) -> str:
    """`, 7 accepted by the baseline .secrets.baseline` when a baseline accepted findings."""
    n = stats.get("baseline_accepted")
    return f", {n} accepted by the baseline {shown_path(str(stats['baseline']))}" if n else ""


def summary(stats: dict[str, object]) -> str:
    """The closing line: files scanned and skipped, findings, seconds."""
    n = _int(stats["findings"])
    scanned = counted(_int(stats["files_scanned"]), "file")
    if "commits_scanned" in stats:
        scanned = (f"{counted(_int(stats['commits_scanned']), 'commit')}, "
                   f"{counted(_int(stats['files_scanned']), 'blob')}")
    return (f"keylint: {scanned} scanned, {stats['files_skipped']} skipped, "
            f"{counted(n, 'finding')}{_baselined(stats)} in {stats['seconds']:.2f}s")


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def write(findings: Sequence[Finding], stats: dict[str, object], stream: TextIO) -> None:
    """Write every finding, then the summary."""
    colour = use_colour(stream)
    for f in findings:
        stream.write(format_finding(f, colour=colour) + "\n")
    stream.write(summary(stats) + "\n")
