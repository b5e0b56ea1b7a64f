"""Scan blobs in history order, each only where it differs from the version it replaced.

A blob that replaced another (a file edited by a commit) is scanned only over the changed part
(`delta.change`); a secret of the old version outside that part is carried over by position. So
every blob is read once, the detector reads about what the commits added, and each blob still
knows every secret it holds (for the commit counts and "still in HEAD").

Tasks arrive oldest first while git log still runs, each file's versions to the same worker, so
the old version is usually in memory when the new one comes; versions are kept within a byte
budget, least recently used dropped first (memory follows the size of a tree, not of the
history). Without the old version (dropped, or scanned by another worker) the blob is scanned
whole: slower, never less.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from keylint.errors import internal_error
from keylint.scanner.delta import change, has_pem
from keylint.scanner.detector import Detector
from keylint.scanner.engine import detector_for, scan_spans
from keylint.scanner.finding import Finding
from keylint.scanner.gitlog import Blob, Repo, read_blobs
from keylint.scanner.run import to_scan
from keylint.scanner.thorough import binary_text, scan_git_blob

Held = list[tuple[str, int, int]]  # (hashed secret, start, end) in the scanned text
_BUDGET = 32 << 20  # bytes of old versions a worker keeps
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


@dataclass(frozen=True)
class Gate:
    """How a gate (`--commits`, pre-push) reads what a history scan may pass over: a blob with
    NULs as text, a blob over the size limit streamed (unless the user chose the limit)."""

    where: str  # the repository, for `git cat-file blob`
    stream_large: bool


@dataclass(frozen=True)
class Task:
    """One blob to scan; `before` the version it replaced, `fetch` when that version is from
    before the scanned range (read it, scan it whole, report nothing of it)."""

    blob: str
    before: str | None
    fetch: bool
    name: str  # display path, for reports and for how the bytes are read (notebooks)
    label: str  # `path@commit`, for messages


@dataclass
class _Version:
    text: bytes | None  # what the detector reads (None: binary, missing, too large)
    held: Held
    pem: bool = False  # has_pem(text)


class _Kept:
    """Old versions by blob id, within a byte budget. A version that a newer one replaced is
    needed again only where another branch edits it too: past half of the budget, those go
    first (least recently used first), so the files not yet replaced stay (each one's next edit
    would otherwise be scanned whole)."""

    def __init__(self) -> None:
        self._current: OrderedDict[str, _Version] = OrderedDict()
        self._replaced: OrderedDict[str, _Version] = OrderedDict()
        self._sizes = [0, 0]  # bytes in _current, in _replaced
        self._budget = _BUDGET

    def get(self, blob: str | None) -> _Version | None:
        for items in (self._current, self._replaced):
            if blob is not None and blob in items:
                items.move_to_end(blob)
                return items[blob]
        return None

    def put(self, blob: str, version: _Version, replaced: str | None = None) -> None:
        """Keep `version`, which took the place of `replaced`."""
        if replaced is not None and replaced in self._current:
            old = self._current.pop(replaced)
            self._replaced[replaced] = old
            self._sizes[0] -= len(old.text or b"")
            self._sizes[1] += len(old.text or b"")
        if blob in self._current or blob in self._replaced:
            return
        self._current[blob] = version
        self._sizes[0] += len(version.text or b"")
        while sum(self._sizes) > self._budget and len(self._current) + len(self._replaced) > 1:
            i = 1 if self._replaced and (self._sizes[1] > self._budget // 2
                                         or not self._current) else 0
            _, dropped = (self._current, self._replaced)[i].popitem(last=False)
            self._sizes[i] -= len(dropped.text or b"")


def scan_tasks(repo: Repo, tasks: Iterable[Task], max_size: int,
               rule_ids: tuple[str, ...] | None, gate: Gate | None = None,
               absent: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Scan the blobs of `tasks` (oldest first; a live stream is fine) through one `git cat-file`.
    JSON-able, as a worker returns it: per blob the findings made there, the secrets it holds.
    `absent`: blobs a partial clone does not hold (reported, not asked of git)."""
    detector = detector_for(rule_ids)
    fetched: set[str] = set()

    def wanted() -> Iterable[tuple[str, tuple[bool, Task]]]:
        for task in tasks:
            if task.fetch and task.before is not None and task.before not in fetched:
                fetched.add(task.before)
                yield task.before, (True, task)
            yield task.blob, (False, task)

    kept = _Kept()
    out: dict[str, Any] = {"found": [], "held": [], "problems": [], "scanned": 0, "bytes": 0,
                           "lfs": 0}
    for blob, (earlier, task) in read_blobs(repo, wanted(), max_size, absent):
        if earlier:
            kept.put(blob.id, _earlier(blob.data, task.name, detector))
            continue
        try:
            version = _scan_one(task, blob, max_size, kept.get(task.before), out, detector, gate)
        except Exception as exc:  # a bug met in one blob: its error, the others still scanned
            out["problems"].append([task.label, internal_error(exc), True, False])
            version = _Version(None, [])
        kept.put(blob.id, version, task.before)
    return out


def _earlier(data: bytes | None, name: str, detector: Detector) -> _Version:
    """A version from before the range, scanned whole: what it held was not brought by the
    range, even where the range's change sits right next to it."""
    text = to_scan(data, name)[0] if data is not None else None
    if text is None:
        return _Version(None, [])
    return _Version(text, [(f.hashed_secret, s, e) for f, s, e in scan_spans(text, name, detector)],
                    has_pem(text))


def _scan_one(task: Task, blob: Blob, max_size: int, old: _Version | None,
              out: dict[str, Any], detector: Detector, gate: Gate | None) -> _Version:
    data, size = blob.data, blob.size
    if blob.missing:
        out["problems"].append([task.label, _unread(blob.why), True, False])
        return _Version(None, [])
    if data is None and gate is not None and gate.stream_large:
        found = scan_git_blob(gate.where, task.blob, task.name, detector)
        _record(task, [(f, 0, 0) for f in found], set(), out)
        out["scanned"] += 1
        out["bytes"] += size
        return _Version(None, [])  # too large to keep: what replaces it is scanned whole
    if data is None:
        out["problems"].append([task.label, f"skipped: {size:,} bytes is over the {max_size:,}-"
                                "byte limit (max_file_size)", False, False])
        return _Version(None, [])
    if data.startswith(_LFS_POINTER):
        out["lfs"] += 1  # the file itself lives in LFS storage, not in git
    text, problem = to_scan(data, task.name)
    if text is None and gate is not None and problem is not None and problem.reason == "binary":
        text = binary_text(data)  # the text runs of a blob with NULs
    if text is None:
        out["problems"].append([task.label, problem.reason if problem else "binary", False, True])
        return _Version(None, [])
    held: Held = []
    had: set[str] = set()
    if old is not None and old.text is not None:
        had = {h for h, _, _ in old.held}
        delta = change(old.text, text, old.pem)
        pem = delta.pem
        spans = scan_spans(text, task.name, detector, delta.start, delta.end)
        for h, start, end in old.held:
            moved = delta.carried(start, end, len(old.text))
            if moved is not None:
                held.append((h, moved, moved + end - start))
        out["bytes"] += delta.end - delta.start
    else:
        spans = scan_spans(text, task.name, detector)
        pem = has_pem(text)
        out["bytes"] += len(text)
    out["scanned"] += 1
    held = _record(task, spans, had, out, held)
    return _Version(text, held, pem)


def _unread(why: str) -> str:
    """Why a blob was not scanned, from git's message (empty: git said "missing")."""
    if not why or "promisor" in why:
        return ("not in this clone (a partial or damaged clone?): not scanned; fetch it or use "
                "a full clone")
    return f"unreadable in this clone ({why}): not scanned; repair it (git fsck) or use a sound clone"


def _record(task: Task, spans: list[tuple[Finding, int, int]], had: set[str],
            out: dict[str, Any], held: Held | None = None) -> Held:
    """Note the findings brought by this blob and every secret it holds; its held spans."""
    # A secret the old version held is carried, not brought here (the changed part can span
    # two distant edits and everything between them).
    brought = [f for f, _, _ in spans if f.hashed_secret not in had]
    if brought:
        out["found"].append([task.blob, [dataclasses.astuple(f) for f in brought]])
    held = sorted(set((held or []) + [(f.hashed_secret, s, e) for f, s, e in spans]),
                  key=lambda x: x[1])
    if held:
        out["held"].append([task.blob, sorted({h for h, _, _ in held})])
    return held
