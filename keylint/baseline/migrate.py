"""`keylint baseline migrate`: move a repository from detect-secrets to keylint without losing
an audit label, re-blocking an accepted key, or breaking the team's detect-secrets hook.

Two tools cannot share one baseline while both run: `detect-secrets-hook` drops every entry of a
file it scans that its own plugins do not find again (keylint's entries, in an environment
without keylint) and rewrites the file. So keylint gets a baseline of its own, built from a scan
and labelled from detect-secrets' one, which stays exactly as it was for the old hook:

- every keylint finding that a detect-secrets entry records (same hash; a detect-secrets piece
  of the same line; or the constant piece its GitHub/GitLab/private-key plugins hash, on the
  entry's own line) becomes one keylint entry, with keylint's type and hash (the whole token)
  and the entry's label: real if any recording entry says real, else false positive if any
  says so;
- detect-secrets entries no keylint finding stands for (entropy strings, keywords keylint does
  not report) are kept as they are, labels and all, so `keylint audit --ci` still sees them;
- findings no entry records are added unaudited (`keylint audit` labels them).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from keylint.baseline import plugins
from keylint.baseline.build import TreeScan
from keylint.baseline.compare import compare
from keylint.baseline.model import Baseline, Entry, normalise
from keylint.errors import KeylintError
from keylint.reading import read_regular
from keylint.scanner.finding import Finding

TARGET_DIR = ".keylint"


def default_target(source: Path) -> Path:
    """Where keylint's baseline goes: `.keylint/` + the name of detect-secrets' baseline.

    detect-secrets' hook and `scan` skip every file named like their baseline
    (`filters.common.is_baseline_file` compares base names), so keylint's baseline, full of
    hashes that look like secrets to them, passes the team's hook with no change to its
    configuration."""
    return source.parent / TARGET_DIR / source.name


@dataclass
class Outcome:
    """What the migration did, for the report."""

    baseline: Baseline
    real: int = 0
    false_positives: int = 0
    unaudited_recorded: int = 0
    new: int = 0
    kept: int = 0


def _label(labels: list[bool | None]) -> bool | None:
    if True in labels:
        return True  # one person said "real": that outranks any "false positive"
    return False if False in labels else None


def migrate(scan: TreeScan, source: Baseline, plugin_url: str) -> Outcome:
    """keylint's baseline for this scan, labelled from detect-secrets' `source`."""
    cmp = compare(scan.findings, source)
    by_key = {e.key: e for e in source.entries}
    recorded: dict[int, list[Entry]] = {}
    for key, found in cmp.claims.items():
        for f in found:
            recorded.setdefault(id(f), []).append(by_key[key])
    out = Outcome(Baseline())
    entries: list[Entry] = []
    for f in scan.findings:
        mine = recorded.get(id(f), [])
        label = _label([e.is_secret for e in mine])
        entries.append(_entry(f, label, any(e.is_verified for e in mine)))
        if not mine:
            out.new += 1
        elif label is True:
            out.real += 1
        elif label is False:
            out.false_positives += 1
        else:
            out.unaudited_recorded += 1
    # An entry whose constant piece (`ghp`) is on a finding's line but that records no finding
    # (its line is out of date) is replaced by that finding's own entry, not kept beside it.
    kept = [e for e in source.entries if e.key not in cmp.claims and e.key not in cmp.present]
    out.kept = len(kept)
    used = plugins.merge_plugins(source.plugins_used, scan.rule_ids, plugin_url)
    out.baseline = Baseline(plugins_used=used, entries=normalise(entries + kept))
    return out


def _entry(f: Finding, label: bool | None, verified: bool) -> Entry:
    return Entry(filename=f.path, type=f.secret_type, hashed_secret=f.hashed_secret,
                 line_number=f.line, is_secret=label, is_verified=verified)


_HEADER = re.compile(r"^\s*\[\s*tool\s*\.\s*keylint\s*\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*baseline\s*=")


def point_config(pyproject: Path, target: str) -> str:
    """Set `[tool.keylint] baseline = "<target>"` in `pyproject` (created when missing), so every
    keylint command and hook reads keylint's baseline; returns what was done, for the report.
    Only that one line is written or replaced; the result is checked by parsing it again."""
    from keylint import config as config_mod
    from keylint.baseline.store import write_atomic

    setting = f"baseline = {_toml_string(target)}"
    try:
        text = read_regular(pyproject).decode("utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeylintError(f"{pyproject}: cannot read: {exc}") from None
    if text is None:
        new, what = f"[tool.keylint]\n{setting}\n", "created with [tool.keylint] " + setting
    else:
        lines = text.splitlines(keepends=True)
        start = next((i for i, x in enumerate(lines) if _HEADER.match(x)), None)
        if start is None:
            sep = "" if not text or text.endswith("\n") else "\n"
            new, what = f"{text}{sep}\n[tool.keylint]\n{setting}\n", "added [tool.keylint] " + setting
        else:
            end = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
            at = next((i for i in range(start + 1, end) if _KEY.match(lines[i])), None)
            if at is None:
                lines.insert(start + 1, setting + "\n")
            else:
                lines[at] = setting + "\n"
            new, what = "".join(lines), "set [tool.keylint] " + setting
    write_atomic(pyproject, new)
    try:
        parsed = config_mod.load(pyproject).baseline
    except KeylintError:
        parsed = None
    if parsed != target:  # a multi-line value or an odd layout: put the file back, say what to do
        if text is None:
            pyproject.unlink()
        else:
            write_atomic(pyproject, text)
        raise KeylintError(f"{pyproject}: could not set [tool.keylint] {setting} (left as it "
                           "was): set it by hand, then run the migration again")
    return what


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def relative(path: Path) -> str:
    """`path` as the baseline setting writes it: relative to the root, with `/`."""
    return os.path.relpath(path).replace(os.sep, "/")
