"""`keylint baseline merge %O %A %B`: a git merge driver for baselines.

Entries are merged as sets keyed by (file, hash, type), three-way against the common ancestor:
an entry added on either branch is kept; one deleted on a branch and untouched on the other is
dropped. When both branches labelled the same entry differently, the merged entry is left
unaudited, so `keylint audit --ci` asks a person again instead of either label winning silently.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from keylint.baseline.model import Baseline, Entry, loads, normalise, render, version_tuple
from keylint.baseline.store import read_text, write_atomic
from keylint.errors import KeylintError


def _labels(e: Entry) -> tuple[bool | None, bool, object]:
    return (e.is_secret, e.is_verified, e.extra)


def merge_entries(base: Iterable[Entry], ours: Iterable[Entry], theirs: Iterable[Entry],
                  notes: list[str]) -> list[Entry]:
    """Three-way merge of entry sets; label conflicts become unaudited (and are noted)."""
    o = {e.key: e for e in base}
    a = {e.key: e for e in ours}
    b = {e.key: e for e in theirs}
    out: list[Entry] = []
    for key in sorted(o.keys() | a.keys() | b.keys()):
        ea, eb, eo = a.get(key), b.get(key), o.get(key)
        if ea is not None and eb is not None:
            out.append(_merge_one(ea, eb, eo, notes))
        elif ea is not None and (eo is None or _labels(ea) != _labels(eo)):
            out.append(ea)  # added on one side, or relabelled there while deleted on the other
        elif eb is not None and (eo is None or _labels(eb) != _labels(eo)):
            out.append(eb)
    return out


def _merge_one(a: Entry, b: Entry, o: Entry | None, notes: list[str]) -> Entry:
    line = a.line_number or b.line_number
    if _labels(a) == _labels(b):
        return replace(a, line_number=line)
    if o is not None and _labels(b) == _labels(o):
        return replace(a, line_number=line)
    if o is not None and _labels(a) == _labels(o):
        return replace(b, line_number=line)
    if a.is_secret == b.is_secret:
        return replace(a, line_number=line, is_verified=a.is_verified or b.is_verified)
    notes.append(f"{a.filename}:{line}: {a.type}: labelled differently on the two branches; "
                 "left unaudited (run `keylint audit`)")
    return replace(a, line_number=line, is_secret=None, is_verified=a.is_verified or b.is_verified)


def _merge_named(base: Iterable[dict[str, Any]], ours: Iterable[dict[str, Any]],
                 theirs: Iterable[dict[str, Any]], key: str) -> tuple[dict[str, Any], ...]:
    o = {str(p.get(key)): p for p in base}
    a = {str(p.get(key)): p for p in ours}
    b = {str(p.get(key)): p for p in theirs}
    out: list[dict[str, Any]] = []
    for name in sorted(o.keys() | a.keys() | b.keys()):
        pa, pb, po = a.get(name), b.get(name), o.get(name)
        if pa is not None and pb is not None:
            out.append(pb if pa == po else pa)
        elif pa is not None and (po is None or pa != po):
            out.append(pa)  # added here, or changed here while removed there
        elif pb is not None and (po is None or pb != po):
            out.append(pb)
    return tuple(out)


def merge(base: Baseline, ours: Baseline, theirs: Baseline, notes: list[str]) -> Baseline:
    """The merged baseline (ours wins ties on settings keylint does not interpret)."""
    version = max(ours.version, theirs.version, key=lambda v: version_tuple(v) or (0, 0, 0))
    plugins = _merge_named(base.plugins_used, ours.plugins_used, theirs.plugins_used, "name")
    if ours.filters_used is None and theirs.filters_used is None:
        filters = None
    else:
        filters = _merge_named(base.filters_used or (), ours.filters_used or (),
                               theirs.filters_used or (), "path")
    stamps = [s for s in (ours.generated_at, theirs.generated_at) if s is not None]
    entries = merge_entries(base.entries, ours.entries, theirs.entries, notes)
    return replace(ours, version=version, plugins_used=plugins, filters_used=filters,
                   entries=normalise(entries), generated_at=max(stamps) if stamps else None)


def main(base_path: Path, ours_path: Path, theirs_path: Path, err: TextIO = sys.stderr) -> int:
    """Merge into `ours_path` (git's %A). 0 merged; 1 conflict (a side is not a valid baseline:
    %A is left untouched and git reports the conflict)."""
    docs: list[Baseline] = []
    for label, path in (("ancestor", base_path), ("ours", ours_path), ("theirs", theirs_path)):
        try:
            text = read_text(path)
            docs.append(loads(text, f"{path} ({label})") if text.strip() else Baseline())
        except KeylintError as exc:  # git must see a conflict, not a traceback
            print(f"keylint baseline merge: {exc}", file=err)
            return 1
    notes: list[str] = []
    merged = merge(docs[0], docs[1], docs[2], notes)
    for note in notes:
        print(f"keylint baseline merge: note: {note}", file=err)
    write_atomic(ours_path, render(merged))
    return 0

