"""Scan many files: read each once as bytes, run the detector, gather findings and problems.

Large trees are split across processes (`jobs`); a small pre-commit batch runs in-process, since
starting workers would cost more than the scan.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from keylint.config import Config
from keylint.errors import internal_error
from keylint.scanner.engine import MANY_FILES, detector_for, scan_bytes
from keylint.scanner.files import Problem, Target, discover
from keylint.scanner.finding import Finding
from keylint.scanner.jobs import workers
from keylint.scanner.notebooks import notebook_text

_SNIFF = 8192
_PARALLEL_MIN_FILES = 200


@dataclass
class ScanResult:
    """What a scan found, what it could not read, and how much it did."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)  # every file discovery listed (display paths)
    files_scanned: int = 0
    files_skipped: int = 0
    bytes_scanned: int = 0
    seconds: float = 0.0

    def stats(self) -> dict[str, object]:
        """The summary as data (the JSON `stats` object)."""
        return {
            "files_scanned": self.files_scanned, "files_skipped": self.files_skipped,
            "findings": len(self.findings), "bytes_scanned": self.bytes_scanned,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class _FileResult:
    findings: list[Finding]
    problem: Problem | None
    size: int


def read_target(target: Target, max_size: int) -> tuple[bytes | None, Problem | None]:
    """The file's bytes as stored, or why they cannot be read (too large, special, gone)."""
    try:
        # O_NONBLOCK: a FIFO in the tree must not hang the scan; it is then skipped below.
        fd = os.open(target.open_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):  # replaced by a directory since it was listed
                return None, None
            if not stat.S_ISREG(st.st_mode):
                return None, Problem(target.display, "not a regular file", error=False)
            if st.st_size > max_size:
                return None, Problem(target.display, f"skipped: {st.st_size:,} bytes is over the "
                                     f"{max_size:,}-byte limit (max_file_size)", error=False)
            data = _read_up_to(fd, st.st_size, max_size + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return None, Problem(target.display, "vanished during the scan", error=False)
    except IsADirectoryError:
        return None, None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (or a device with nothing behind it)
            return None, Problem(target.display, "not a regular file", error=False)
        return None, Problem(target.display, f"unreadable: {exc.strerror or exc}")
    if len(data) > max_size:
        return None, Problem(target.display, "skipped: grew over max_file_size while reading",
                             error=False)
    return data, None


def _read_up_to(fd: int, size: int, limit: int) -> bytes:
    """The file's bytes to its end or to `limit`, whichever comes first (`size`: what fstat
    said; a file that has not grown is read in one call, and a second finds its end). No
    buffered file object: a tree scan opens thousands of files, and os.read alone cost a
    third less."""
    parts = []
    total = 0
    want = size + 1
    while total < limit:
        chunk = os.read(fd, min(limit - total, want))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        want = 1 << 16
    return b"".join(parts)


def to_scan(data: bytes, display: str) -> tuple[bytes | None, Problem | None]:
    """What the detector reads of a file's bytes: UTF-16 or UTF-32 decoded when it starts with
    their byte-order mark and decodes to text (PowerShell's `>` writes UTF-16), a notebook's
    images blanked; None for a binary file (counted, not announced). Shared by the work-tree
    scan, `--staged` and `--history`; the fixer keeps the stored bytes."""
    unicode = _from_bom(data)
    if unicode is not None:
        return unicode, None
    if b"\0" in data[:_SNIFF]:
        return None, Problem(display, "binary", error=False, quiet=True)
    if display.endswith(".ipynb"):
        data = notebook_text(data)
    return data, None


# Byte-order marks, UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le", 4), (b"\x00\x00\xfe\xff", "utf-32-be", 4),
         (b"\xff\xfe", "utf-16-le", 2), (b"\xfe\xff", "utf-16-be", 2))
# Eight printable ASCII characters in a row: where a key could be (no secret is shorter).
_ASCII_RUN = re.compile(rb"[!-~]{8}")
_ASCII_RUN_TEXT = re.compile(r"[!-~]{8}")
# Characters that do not occur in text: NUL, other C0 controls, undecodable units.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]")


def marked_text(data: bytes) -> tuple[str, int, str] | None:
    """(codec, length of the mark, decoded text) when `data` starts with a UTF-16 or UTF-32
    byte-order mark and decodes to text (no more than one character in a hundred that text
    never holds); None otherwise."""
    for bom, codec, unit in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            decoded = body[:len(body) - len(body) % unit].decode(codec, "replace")
            if len(_NOT_TEXT.findall(decoded)) * 100 <= len(decoded):
                return codec, len(bom), decoded
    return None


def _from_bom(data: bytes) -> bytes | None:
    """A file that starts with a UTF-16 or UTF-32 byte-order mark, as the detector reads it (UTF-8),
    or None without such a mark.

    A mark is only a claim: the decoded text is scanned when it is text (it decodes, with no
    more than one character in a hundred that text never holds) that could hold a key, and the
    bytes as stored are scanned when they could hold one (a run of printable ASCII, which the
    UTF-16 or UTF-32 encoding of ASCII never has). When both could, both are scanned, the
    stored bytes after the text (their findings then sit on lines after its last)."""
    if not any(data.startswith(bom) for bom, _, _ in _BOMS):
        return None
    marked = marked_text(data)
    text = None if marked is None else marked[2]
    keys_in_text = text is not None and _ASCII_RUN_TEXT.search(text) is not None
    keys_in_bytes = _ASCII_RUN.search(data) is not None
    if text is None or (keys_in_bytes and not keys_in_text):
        return data
    encoded = text.encode("utf-8", "surrogateescape")
    return encoded + b"\n" + data if keys_in_text and keys_in_bytes else encoded


def scan_target(target: Target, max_size: int, rule_ids: tuple[str, ...] | None) -> _FileResult:
    """Scan one file (also the unit of work of a worker process). A bug met in one file is that
    file's error (exit 2, one line): the rest of the scan still runs and reports."""
    try:
        raw, problem = read_target(target, max_size)
        data, problem = to_scan(raw, target.display) if raw is not None else (None, problem)
        if data is None:
            return _FileResult([], problem, 0)
        return _FileResult(scan_bytes(data, target.display, detector_for(rule_ids)), None,
                           len(data))
    except Exception as exc:  # a bug, not the file's fault: say so, scan the others
        return _FileResult([], Problem(target.display, internal_error(exc)), 0)




def _scan_chunk(chunk: list[Target], max_size: int,
                rule_ids: tuple[str, ...] | None) -> list[_FileResult]:
    return [scan_target(t, max_size, rule_ids) for t in chunk]


def scan_targets(
    targets: Sequence[Target], *, max_size: int, rule_ids: tuple[str, ...] | None = None,
    jobs: int = 0,
) -> ScanResult:
    """Scan every target; `jobs` <= 0 means one process per CPU for large trees."""
    started = time.perf_counter()
    jobs = workers(jobs, len(targets))  # --jobs bounded by the CPUs and the files
    result = ScanResult()
    detector = detector_for(rule_ids)
    if len(targets) >= MANY_FILES:
        detector.accelerate()  # before any fork: the workers inherit it
    if jobs > 1 and len(targets) >= _PARALLEL_MIN_FILES:
        results = _parallel(list(targets), jobs, max_size, rule_ids)
    else:
        results = [scan_target(t, max_size, rule_ids) for t in targets]
    for r in results:
        if r.problem is not None:
            result.problems.append(r.problem)
            result.files_skipped += 1
        else:
            result.files_scanned += 1
            result.bytes_scanned += r.size
        result.findings.extend(r.findings)
    order = {t.display: i for i, t in enumerate(targets)}
    result.findings.sort(key=lambda f: (order.get(f.path, -1), f.line, f.column))
    result.seconds = time.perf_counter() - started
    return result


def scan_paths(paths: Sequence[str], cfg: Config, jobs: int = 0, *,
               skip: Sequence[str] = (), thorough: bool = False) -> ScanResult:
    """Discover and scan: the work of `keylint scan` without any output. `thorough`: also read
    what the tree scan passes over, as the commit hook does (binary files, large files)."""
    targets, problems = discover(list(paths), cfg.exclude, skip=skip)
    result = scan_targets(targets, max_size=cfg.max_file_size, rule_ids=cfg.rule_ids(), jobs=jobs)
    if thorough:
        from keylint.scanner.thorough import read_passed_over

        before = len(result.problems)
        result.findings += read_passed_over(targets, result.problems, cfg)
        result.files_scanned += before - len(result.problems)
        result.files_skipped -= before - len(result.problems)
    result.problems[:0] = problems
    result.files_skipped += len(problems)
    result.listed = [t.display for t in targets]
    return result


def _parallel(targets: list[Target], jobs: int, max_size: int,
              rule_ids: tuple[str, ...] | None) -> list[_FileResult]:
    detector_for(rule_ids)  # compiled once, before the fork: every worker inherits it
    shards = [targets[i::jobs] for i in range(jobs)]
    if not hasattr(os, "fork"):  # pragma: no cover (windows)
        return _pool(shards, max_size, rule_ids)
    # fork() and a pipe per worker; this process scans the first shard itself. A pool would add
    # its own start-up and hand-offs: a fifth of the whole run on a 40 MB tree.
    # Scan a little before forking: RE2 builds its DFA states lazily, and states built here are
    # inherited by every worker instead of being built again in each.
    head = shards[0][: max(1, len(shards[0]) // 16)]
    results = _scan_chunk(head, max_size, rule_ids)
    children = []
    for shard in shards[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (runs in the child; its output is checked by the parent)
            os.close(read_end)
            try:
                with os.fdopen(write_end, "w", encoding="utf-8", errors="surrogateescape") as out:
                    json.dump([_encode(r) for r in _scan_chunk(shard, max_size, rule_ids)], out)
            finally:
                os._exit(0)
        os.close(write_end)
        children.append((pid, read_end, shard))
    results.extend(_scan_chunk(shards[0][len(head):], max_size, rule_ids))
    for pid, read_end, shard in children:
        with os.fdopen(read_end, "r", encoding="utf-8", errors="surrogateescape") as inp:
            payload = inp.read()
        os.waitpid(pid, 0)
        try:
            results.extend(_decode(r) for r in json.loads(payload))
        except ValueError:  # the worker died before it finished: do its share here
            results.extend(_scan_chunk(shard, max_size, rule_ids))
    return results


def _encode(r: _FileResult) -> list[object]:
    """A worker's result as JSON-able data (the secret travels only over the private pipe)."""
    p = r.problem
    return [[dataclasses.astuple(f) for f in r.findings],
            None if p is None else [p.display, p.reason, p.error, p.quiet], r.size]


def _decode(row: list[Any]) -> _FileResult:
    findings, problem, size = row
    return _FileResult([Finding(*f) for f in findings],
                       None if problem is None else Problem(*problem), size)


def _pool(shards: list[list[Target]], max_size: int,
          rule_ids: tuple[str, ...] | None) -> list[_FileResult]:  # pragma: no cover (windows)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=len(shards)) as pool:
        parts = pool.map(_scan_chunk, shards, [max_size] * len(shards), [rule_ids] * len(shards))
        return [r for part in parts for r in part]
