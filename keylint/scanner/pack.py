"""Read git's pack files directly to find the few blobs of a history that can hold a secret.

A repacked history stores most versions of a file as deltas: copy this range of a similar blob,
insert these new bytes. Every byte any version holds comes from a whole (base) object or from
some delta's inserted bytes, so the new text of a whole history is a few megabytes, not the
hundreds that `git cat-file` would inflate and pipe. This module walks each pack's delta forest
depth first (a version's bytes are built from its base's, kept only while its descendants are
walked: memory follows the depth of a chain, not the history), scans every base whole and, of
every delta, only the lines around what it changed (each inserted run and each seam between
copied runs, `CONTEXT` lines on each side, a PEM block whole), all of them batched into large
buffers for the detector. A match in a copied run that kept its context is its base's match,
moved: spans follow copies down the forest.

The result is only a filter: the blobs holding a match (`candidates`). The history scan then
scans those blobs whole, through git, under their real path, as it scans any blob; a blob this
module did not cover (loose, in an alternate, missing, under a REF delta it cannot resolve, too
large to build, or in a pack it cannot read) is also scanned whole that way. So the findings are
those of a whole scan of every blob; this module only decides which blobs need one.

What can make a match without a detector match in the raw bytes is a candidate anyway: a text
behind a UTF-16/UTF-32 byte-order mark, a notebook with images, a base64 wrapper (the wrapper
search runs on the same lines). A text blob built on a binary one is scanned whole.
"""

from __future__ import annotations

import bisect
import mmap
import os
import struct
import zlib
from dataclasses import dataclass, field

from keylint.scanner.delta import line_end, line_start, widen_pem
from keylint.scanner.detector import Detector
from keylint.scanner.wrapped import _block_start, _marked  # the wrapper search's own gate

CONTEXT = 4  # lines around a change scanned again (the detector reads 1 before, 2 after)
_SNIFF = 8192
_BATCH = 4 << 20  # bytes of windows per detector call
# Between two windows in a batch: no context or PEM block reaches across it.
_SEP = b"\n" * 8 + b"-----END-----" + b"\n" * 8
_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_BLOB, _OFS_DELTA, _REF_DELTA = 3, 6, 7

Spans = list[tuple[int, int]]
# A delta's copies: (start in the new text, end, where that run starts in the base).
Runs = list[tuple[int, int, int]]


@dataclass
class PackScan:
    """What the packs told: the blobs read, those that may hold a secret, and the ones a scan
    skips (binary, over the size limit) or notes (LFS pointers)."""

    covered: set[str] = field(default_factory=set)
    candidates: set[str] = field(default_factory=set)
    wrappers: set[str] = field(default_factory=set)  # may hold a base64 wrapper (not code)
    binary: set[str] = field(default_factory=set)
    lfs: set[str] = field(default_factory=set)
    bytes: int = 0  # bytes the detector read

    def to_json(self) -> dict[str, object]:
        return {"covered": sorted(self.covered), "candidates": sorted(self.candidates),
                "wrappers": sorted(self.wrappers), "binary": sorted(self.binary),
                "lfs": sorted(self.lfs), "bytes": self.bytes}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PackScan:
        def ids(key: str) -> set[str]:
            value = data[key]
            assert isinstance(value, list)
            return set(value)

        scanned = data["bytes"]
        assert isinstance(scanned, int)
        return cls(ids("covered"), ids("candidates"), ids("wrappers"), ids("binary"), ids("lfs"),
                   scanned)


def pack_files(objects: str) -> list[str]:
    """The pack files of an object directory that have a version-2 index, newest first."""
    where = os.path.join(objects, "pack")
    try:
        names = [n for n in os.listdir(where) if n.endswith(".pack")]
    except OSError:
        return []
    paths = [os.path.join(where, n) for n in names
             if os.path.exists(os.path.join(where, n[:-5] + ".idx"))]
    return sorted(paths, key=lambda p: (-os.path.getmtime(p), p))


class _Unreadable(Exception):
    """A pack this module does not read (its blobs are then read through git)."""


# Reading a delta costs Python work per copy and insert that `git cat-file` does in C: the
# packs pay only where they spare git from building many versions (long chains of small edits).
# Measured on this machine: 12 deltas per whole blob (20k-commit benchmark) 11% less CPU than
# the changed-part scan through git; 2.9 (the requests mirror) 35% more.
PAYS = 6  # blob deltas per whole blob from which the packs are read


class Packs:
    """The readable packs of an object directory, their delta forests parsed (before a fork:
    the workers share them)."""

    def __init__(self, objects: str, max_size: int, detector: Detector) -> None:
        self._packs: list[_Pack] = []
        for path in pack_files(objects):
            try:
                self._packs.append(_Pack(path, max_size, detector))
            except _ERRORS:
                continue  # its blobs are not covered: they are read through git

    def pays(self) -> bool:
        """Whether reading the packs costs less than asking git for every version."""
        whole = sum(len(p.roots) for p in self._packs)
        deltas = sum(len(p.data_at) for p in self._packs) - whole
        return whole > 0 and deltas >= PAYS * whole

    def scan(self, share: tuple[int, int] = (0, 1)) -> PackScan:
        """Scan every blob of the packs as described above; with `share` (k, n), only the delta
        trees k, k + n, k + 2n, ... (n processes then share the work)."""
        out = PackScan()
        for pack in self._packs:
            try:
                pack.scan(out, share)
            except _ERRORS:
                continue
        return out


_ERRORS = (_Unreadable, OSError, ValueError, zlib.error, struct.error, IndexError)


def scan_packs(objects: str, max_size: int, detector: Detector,
               share: tuple[int, int] = (0, 1)) -> PackScan:
    """`Packs(objects, ...).scan(share)`."""
    return Packs(objects, max_size, detector).scan(share)


def merge(scans: list[PackScan]) -> PackScan:
    """One result from the shares of several processes."""
    out = PackScan()
    for scan in scans:
        out.covered |= scan.covered
        out.candidates |= scan.candidates
        out.wrappers |= scan.wrappers
        out.binary |= scan.binary
        out.lfs |= scan.lfs
        out.bytes += scan.bytes
    return out


def _index(path: str) -> tuple[bytes, list[int], bytes]:
    """The object names (20 bytes each, sorted), their offsets in the pack, and the checksum of
    the pack it describes."""
    with open(path[:-5] + ".idx", "rb") as f:
        data = f.read()
    if data[:8] != b"\xfftOc\x00\x00\x00\x02":
        raise _Unreadable(path)
    (n,) = struct.unpack_from(">I", data, 8 + 255 * 4)
    names_at = 8 + 256 * 4
    offsets_at = names_at + 24 * n
    offsets = list(struct.unpack_from(f">{n}I", data, offsets_at))
    large_at = offsets_at + 4 * n
    large = 0
    for i, off in enumerate(offsets):
        if off & 0x80000000:
            (offsets[i],) = struct.unpack_from(">Q", data, large_at + 8 * (off & 0x7FFFFFFF))
            large += 1
    # SHA-1 names and checksums: a SHA-256 repository's index does not add up (not read here).
    if len(data) != large_at + 8 * large + 40:
        raise _Unreadable(path)
    return data[names_at:names_at + 20 * n], offsets, data[-40:-20]


class _Pack:
    def __init__(self, path: str, max_size: int, detector: Detector) -> None:
        self._names, offsets, self._checksum = _index(path)
        self._name_of = {off: i for i, off in enumerate(offsets)}
        self._max = max_size
        self._det = detector
        self._out = PackScan()
        with open(path, "rb") as f:
            self._pack = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self._pack[:4] != b"PACK" or self._pack[-20:] != self._checksum:
            raise _Unreadable(path)  # not the pack this index describes
        order = sorted(offsets)
        self._end = dict(zip(order, [*order[1:], len(self._pack) - 20], strict=True))
        self._order = order
        # The batch being filled: windows, and for each its owner and where it sits.
        self._batch: list[bytes] = []
        self._batch_size = 0
        self._batch_at: list[int] = []  # start of each window in the joined batch
        self._batch_owner: list[tuple[int, int]] = []  # (blob offset, window start in the blob)
        self._spans: dict[int, Spans] = {}  # blob offset -> match spans (only blobs with some)
        self._marks: dict[int, Spans] = {}  # blob offset -> parts where a wrapper may be
        self.roots, self.children, self.data_at = self._forest()

    def _id(self, offset: int) -> str:
        i = self._name_of[offset]
        return self._names[20 * i:20 * i + 20].hex()

    # ------------------------------------------------------------------ the forest
    def _forest(self) -> tuple[list[int], dict[int, list[int]], dict[int, int]]:
        """Roots (whole blobs), children of each base, where each blob's zlib data starts."""
        pack = self._pack
        kind: dict[int, int] = {}
        data_at: dict[int, int] = {}
        roots: list[int] = []
        children: dict[int, list[int]] = {}
        pending: list[tuple[int, bytes]] = []  # REF deltas whose base comes later
        for off in self._order:
            p = off
            c = pack[p]
            p += 1
            t = (c >> 4) & 7
            while c & 0x80:
                c = pack[p]
                p += 1
            if t == _OFS_DELTA:
                c = pack[p]
                p += 1
                back = c & 0x7F
                while c & 0x80:
                    c = pack[p]
                    p += 1
                    back = ((back + 1) << 7) | (c & 0x7F)
                base = off - back
                t = kind.get(base, 0)
                if t == _BLOB:
                    data_at[off] = p
                    children.setdefault(base, []).append(off)
            elif t == _REF_DELTA:
                pending.append((off, pack[p:p + 20]))
                data_at[off] = p + 20
                continue
            elif t == _BLOB:
                data_at[off] = p
                roots.append(off)
            kind[off] = t
        if pending:
            self._ref_deltas(pending, kind, data_at, children)
        return roots, children, data_at

    def _ref_deltas(self, pending: list[tuple[int, bytes]], kind: dict[int, int],
                    data_at: dict[int, int], children: dict[int, list[int]]) -> None:
        """Attach REF deltas whose base is in this pack; the others stay uncovered."""
        names = self._names
        offset_by_name = {names[20 * i:20 * i + 20]: off for off, i in self._name_of.items()}
        progress = True
        while pending and progress:
            progress = False
            left = []
            for off, base_name in pending:
                base = offset_by_name.get(base_name)
                if base is None or base not in kind:
                    left.append((off, base_name))
                    continue
                kind[off] = kind[base]
                if kind[base] == _BLOB:
                    children.setdefault(base, []).append(off)
                else:
                    del data_at[off]
                progress = True
            pending = left
        for off, _ in pending:
            data_at.pop(off, None)

    def scan(self, out: PackScan, share: tuple[int, int]) -> None:
        self._out = out
        roots, children, data_at = self.roots, self.children, self.data_at
        k, n = share
        walked: list[tuple[int, int, Runs]] = []  # (blob, its base or -1, copies from it)
        # (blob, its base, the base's bytes, whether the base was not scanned as text)
        stack: list[tuple[int, int, bytes | None, bool]] = [(r, -1, None, False)
                                                            for r in reversed(roots[k::n])]
        while stack:
            off, base, base_text, base_binary = stack.pop()
            text = self._build(off, base, base_text, base_binary, data_at, walked)
            if text is None:  # not built (too large): nor anything built on it
                continue
            binary = walked[-1][1] == -2
            for child in reversed(children.get(off, ())):
                stack.append((child, off, text, binary))
        self._flush()
        self._carry(walked)
        self._out.covered.update(self._id(off) for off, _, _ in walked)

    def _build(self, off: int, base: int, base_text: bytes | None, base_binary: bool,
               data_at: dict[int, int], walked: list[tuple[int, int, Runs]]) -> bytes | None:
        """The blob's bytes, its scan queued; None when it is over the size limit. Its entry in
        `walked` has base -2 when it is binary (not scanned), -1 when scanned whole."""
        start = data_at[off]
        if base_text is None:
            if self._header_size(off) > self._max:
                return None
            text = zlib.decompress(self._pack[start:self._end[off]])
            runs: Runs = []
            seams: Spans | None = None
        else:
            delta = zlib.decompress(self._pack[start:self._end[off]])
            built, runs, seams = _apply(base_text, delta, self._max)
            if built is None:
                return None
            text = built
        if not text.startswith(_BOMS) and b"\0" in text[:_SNIFF]:
            self._out.binary.add(self._id(off))
            walked.append((off, -2, []))
            return text
        self._note(off, text)
        if seams is None or base_binary:
            walked.append((off, -1, []))
            self._queue(off, text, 0, len(text))
        else:
            walked.append((off, base, runs))
            self._windows(off, text, seams)
        return text

    def _header_size(self, off: int) -> int:
        pack = self._pack
        c = pack[off]
        size = c & 0x0F
        shift = 4
        p = off + 1
        while c & 0x80:
            c = pack[p]
            p += 1
            size |= (c & 0x7F) << shift
            shift += 7
        return size

    # ------------------------------------------------------------------ scanning
    def _note(self, off: int, text: bytes) -> None:
        """A text behind a byte-order mark is not what the detector reads: a candidate anyway."""
        if text.startswith(_BOMS):
            self._out.candidates.add(self._id(off))
        elif text.startswith(_LFS_POINTER):
            self._out.lfs.add(self._id(off))

    def _windows(self, off: int, text: bytes, seams: Spans) -> None:
        pem = b"-----BEGIN" in text
        data = text.find(b"data")
        start = end = -1
        for a, b in seams:
            if a < end:
                if b > end:
                    end = line_end(text, b, CONTEXT)
                continue
            if end >= 0:
                self._window(off, text, start, end, pem, data)
            start, end = line_start(text, a, CONTEXT), line_end(text, b, CONTEXT)
        if end >= 0:
            self._window(off, text, start, end, pem, data)

    def _window(self, off: int, text: bytes, start: int, end: int, pem: bool, data: int) -> None:
        if pem:
            start, end = widen_pem(text, start, end)
        self._queue(off, text, start, end, data)

    def _queue(self, off: int, text: bytes, start: int, end: int, data: int = 0) -> None:
        """Queue `text[start:end]` for the detector; `data` is where b"data" first occurs in
        `text` (-1: nowhere)."""
        if end <= start:
            return
        window = text[start:end] if start or end != len(text) else text
        # The wrapper search decodes only what passes its gate (a marker, or a `data:` block
        # above): such a part is noted, and the blob is scanned whole if its name is no code's.
        if ((0 <= data < start and text[start:start + 1] in (b" ", b"\t")
             and _block_start(text, start) != start)
                or (((data >= 0 and b"data" in window) or b"_auth" in window
                     or b".docker" in window)
                    and _marked(text, start, end))):
            self._marks[off] = _coalesce([*self._marks.get(off, []), (start, end)])
        self._batch_at.append(self._batch_size)
        self._batch_owner.append((off, start))
        self._batch.append(window)
        self._batch_size += end - start + len(_SEP)
        self._out.bytes += end - start
        if self._batch_size >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        joined = _SEP.join(self._batch)
        at, owner = self._batch_at, self._batch_owner
        for m in self._det.find(joined):
            i = bisect.bisect_right(at, m.start) - 1
            blob, start = owner[i]
            shift = start - at[i]
            self._spans.setdefault(blob, []).append((m.start + shift, m.end + shift))
        self._batch, self._batch_at, self._batch_owner, self._batch_size = [], [], [], 0

    def _carry(self, walked: list[tuple[int, int, Runs]]) -> None:
        """Spans follow copies from base to delta (parents walked before children): a match
        when a copy holds all of it, a wrapper's part as far as a copy holds it."""
        spans, marks = self._spans, self._marks
        for off, base, runs in walked:
            held = spans.get(base) if runs else None
            if held:
                moved = [(s + t0 - src, e + t0 - src) for s, e in held
                         for t0, t1, src in runs if src <= s and e - src <= t1 - t0]
                if moved:
                    spans.setdefault(off, []).extend(moved)
            marked = marks.get(base) if runs else None
            if marked:
                kept = _overlaps(marked, runs)
                if kept:
                    marks[off] = _coalesce(kept + marks.get(off, []))
            if off in spans:
                self._out.candidates.add(self._id(off))
            if off in marks:
                self._out.wrappers.add(self._id(off))


def _overlaps(marked: Spans, runs: Runs) -> Spans:
    """Where the copies put the parts of `marked` (sorted, disjoint) they hold."""
    ends = [e for _, e in marked]
    kept = []
    for t0, t1, src in runs:
        end = src + t1 - t0
        i = bisect.bisect_right(ends, src)  # the first mark that ends after the copy starts
        while i < len(marked) and marked[i][0] < end:
            s, e = marked[i]
            kept.append((max(s, src) + t0 - src, min(e, end) + t0 - src))
            i += 1
    return kept


def _coalesce(spans: Spans) -> Spans:
    """Overlapping or touching spans as one (a superset: what a wrapper mark needs)."""
    spans.sort()
    out = [spans[0]]
    for s, e in spans[1:]:
        if s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        c = data[i]
        i += 1
        value |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return value, i


def _apply(base: bytes, delta: bytes, max_size: int) -> tuple[bytes | None, Runs, Spans]:
    """The new text, its copied runs, and its seams: each inserted run, and each place where a
    copy does not continue the previous one (None when the text would be over `max_size`)."""
    _, i = _varint(delta, 0)
    size, i = _varint(delta, i)
    if size > max_size:
        return None, [], []
    parts: list[bytes] = []
    runs: Runs = []
    seams: Spans = []
    t = 0
    follows = 0  # where in the base a copy continuing the last one starts (-1: none)
    n = len(delta)
    while i < n:
        op = delta[i]
        i += 1
        if op & 0x80:
            off = length = 0
            if op & 0x01:
                off = delta[i]
                i += 1
            if op & 0x02:
                off |= delta[i] << 8
                i += 1
            if op & 0x04:
                off |= delta[i] << 16
                i += 1
            if op & 0x08:
                off |= delta[i] << 24
                i += 1
            if op & 0x10:
                length = delta[i]
                i += 1
            if op & 0x20:
                length |= delta[i] << 8
                i += 1
            if op & 0x40:
                length |= delta[i] << 16
                i += 1
            length = length or 0x10000
            if off != follows:
                seams.append((t, t))
            if runs and off == follows and runs[-1][1] == t:
                t0, _, src = runs[-1]
                runs[-1] = (t0, t + length, src)
            else:
                runs.append((t, t + length, off))
            parts.append(base[off:off + length])
            t += length
            follows = off + length
        elif op:
            parts.append(delta[i:i + op])
            seams.append((t, t + op))
            i += op
            t += op
            follows = -1
        else:
            raise ValueError("delta opcode 0")
    if t != size:
        raise ValueError("delta size")
    if follows != len(base):
        seams.append((t, t))
    return b"".join(parts), runs, seams
