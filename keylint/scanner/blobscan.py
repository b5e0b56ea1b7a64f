"""Scan blobs in history order, each only where it differs from the version it replaced.

A blob that replaced another (a file edited by a commit) is scanned only over the changed part
(`delta.change`); a secret of the old version outside that part is carried over to the new one
by position. So every blob is read once, the detector reads about what the commits added, and
each blob still knows every secret it holds (for the commit counts and "still in HEAD").

Work is split by *lineage*: the blobs linked by "replaced" go to the same worker, oldest first,
so the old version is in memory when the new one arrives; a version is dropped once the last
blob that replaced it has been scanned (memory follows the size of a tree, not of the history).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from keylint.scanner.delta import change
from keylint.scanner.engine import detector_for, scan_spans
from keylint.scanner.gitlog import Repo, read_blobs
from keylint.scanner.run import to_scan

Held = list[tuple[str, int, int]]  # (hashed secret, start, end) in the scanned text


@dataclass(frozen=True)
class Plan:
    """What the workers share: the repository, the blobs' names, what each replaced, limits."""

    repo: Repo
    names: dict[str, str]  # blob id -> display path (of its oldest introduction)
    labels: dict[str, str]  # blob id -> `path@commit`, for messages
    before: dict[str, str]  # blob id -> the blob it replaced
    max_size: int
    rule_ids: tuple[str, ...] | None


def shards(plan: Plan, order: Sequence[str], jobs: int) -> list[list[str]]:
    """`order` (oldest first) split into `jobs` lists, each lineage whole in one of them."""
    parent = {b: b for b in order}

    def root(b: str) -> str:
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for b in order:
        old = plan.before.get(b)
        if old in parent:
            parent[root(b)] = root(old)
    groups: dict[str, list[str]] = {}
    for b in order:
        groups.setdefault(root(b), []).append(b)
    loads = [0] * jobs
    which: dict[str, int] = {}
    for key, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        i = loads.index(min(loads))
        which[key] = i
        loads[i] += len(members)
    out: list[list[str]] = [[] for _ in range(jobs)]
    for b in order:
        out[which[root(b)]].append(b)
    return [s for s in out if s]


@dataclass
class _Version:
    text: bytes | None  # what the detector reads (None: binary, missing, too large)
    held: Held


def scan_lineages(plan: Plan, blobs: list[str]) -> dict[str, Any]:
    """Scan these blobs (oldest first, whole lineages) through one `git cat-file`; the result is
    JSON-able, as a worker returns it: per blob the findings made there and the secrets held."""
    detector = detector_for(plan.rule_ids)
    mine = set(blobs)
    pending = Counter(plan.before[b] for b in blobs if b in plan.before)
    feed: list[str] = []
    earlier: dict[str, str] = {}  # versions from before the range: read for comparison only
    for b in blobs:
        old = plan.before.get(b)
        if old is not None and old not in mine and old not in earlier:
            earlier[old] = plan.names[b]
            feed.append(old)
        feed.append(b)
    kept: dict[str, _Version] = {}
    out: dict[str, Any] = {"found": [], "held": [], "problems": [], "scanned": 0, "bytes": 0}
    for blob in read_blobs(plan.repo, feed, plan.max_size):
        if blob.id not in mine:
            kept[blob.id] = _earlier(blob.data, earlier[blob.id], detector)
            continue
        version = _scan_one(plan, blob.id, blob.data, blob.size, blob.missing, kept, out, detector)
        if pending[blob.id]:
            kept[blob.id] = version
        old = plan.before.get(blob.id)
        if old is not None:
            pending[old] -= 1
            if pending[old] <= 0:
                kept.pop(old, None)
    return out


def _earlier(data: bytes | None, name: str, detector: Any) -> _Version:
    """A version from before the range, scanned whole: what it held was not brought by the
    range, even where the range's change sits right next to it."""
    text = to_scan(data, name)[0] if data is not None else None
    if text is None:
        return _Version(None, [])
    return _Version(text, [(f.hashed_secret, s, e) for f, s, e in scan_spans(text, name, detector)])


def _scan_one(plan: Plan, blob: str, data: bytes | None, size: int, missing: bool,
              kept: dict[str, _Version], out: dict[str, Any], detector: Any) -> _Version:
    name = plan.names[blob]
    if missing:
        out["problems"].append([blob, "not in this clone (a partial or damaged clone?): not "
                                "scanned; fetch it or use a full clone", True, False])
        return _Version(None, [])
    if data is None:
        out["problems"].append([blob, f"skipped: {size:,} bytes is over the {plan.max_size:,}-"
                                "byte limit (max_file_size)", False, False])
        return _Version(None, [])
    text, problem = to_scan(data, name)
    if text is None:
        out["problems"].append([blob, problem.reason if problem else "binary", False, True])
        return _Version(None, [])
    old = kept.get(plan.before.get(blob, ""))
    held: Held = []
    had: set[str] = set()
    if old is not None and old.text is not None:
        had = {h for h, _, _ in old.held}
        delta = change(old.text, text)
        spans = scan_spans(text, name, detector, delta.start, delta.end)
        for h, start, end in old.held:
            moved = delta.carried(start, end, len(old.text))
            if moved is not None:
                held.append((h, moved, moved + end - start))
        out["bytes"] += delta.end - delta.start
    else:
        spans = scan_spans(text, name, detector)
        out["bytes"] += len(text)
    out["scanned"] += 1
    # A secret the old version held is carried, not brought here (the changed part can span
    # two distant edits and everything between them).
    brought = [f for f, _, _ in spans if f.hashed_secret not in had]
    if brought:
        out["found"].append([blob, [dataclasses.astuple(f) for f in brought]])
    held += [(f.hashed_secret, start, end) for f, start, end in spans]
    held = sorted(set(held), key=lambda x: x[1])
    if held:
        out["held"].append([blob, sorted({h for h, _, _ in held})])
    return _Version(text, held)
