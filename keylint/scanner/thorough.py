"""What a gate reads of the files a tree scan passes over: a commit must not carry a key because
the file holding it is large or has a NUL byte.

- A file over `max_file_size` is scanned as a stream, in windows of `WINDOW` bytes that overlap
  by `OVERLAP` (more than any secret and the lines of context around it): memory stays bounded
  (a window holds at most WINDOW * 5/4 + 3 * OVERLAP bytes, half as much again for UTF-16 text
  that is not ASCII) whatever the size and the line lengths, and every secret is whole in some
  window. UTF-16 and UTF-32 text is decoded as it streams, as a smaller file's is; in other
  bytes with NULs, runs of UTF-16 text are read in place (`_in_place`).
- A file with NUL bytes is scanned as text: UTF-16 without a byte-order mark (every other byte
  NUL) is decoded; otherwise each NUL is read as a blank, so the text runs between them (a key
  in a NUL-padded config, a constant in a compiled file) are scanned in place, lines unchanged.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from keylint.scanner.detector import Detector
from keylint.scanner.engine import scan_spans
from keylint.scanner.files import Problem, Target
from keylint.scanner.finding import Finding
from keylint.scanner.run import marked_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from keylint.config import Config

WINDOW = 8 << 20
OVERLAP = 64 << 10
_CONTEXT = 3  # lines kept before a window's start (pragmas, the detector's context)
_SNIFF = 8192


def _unmarked_utf16(data: bytes) -> str | None:
    """The codec of UTF-16 text without a byte-order mark that is mostly ASCII (nine in ten of
    its first units' high bytes NUL), judged on its first bytes; None otherwise."""
    for codec, zeros in (("utf-16-le", data[1:_SNIFF:2]), ("utf-16-be", data[0:_SNIFF:2])):
        if zeros and zeros.count(0) * 10 >= len(zeros) * 9:
            return codec
    return None


def binary_text(data: bytes) -> bytes:
    """The text a file with NUL bytes holds, as the detector reads it."""
    codec = _unmarked_utf16(data)
    if codec is not None:
        text = data[:len(data) - len(data) % 2].decode(codec, "replace")
        return text.encode("utf-8", "surrogateescape")
    blanked = data.replace(b"\0", b" ")
    # UTF-16 text that is mostly not ASCII (no mark: the test above misses it), or UTF-16
    # strings in a compiled file: a key in it reads `k e y` blanked. Its ASCII runs follow the
    # text, decoded (their findings are numbered after the file's last line).
    runs = [m.group().replace(b"\0", b"") for m in _WIDE_RUN.finditer(data)]
    return blanked + b"\n" + b"\n".join(runs) if runs else blanked


# Eight or more printable ASCII characters (tab included) as UTF-16, either byte order: no secret
# is shorter. A run of the other order is the same run shifted by one byte: found either way.
_WIDE_RUN = re.compile(rb"(?:[\t\x20-\x7e]\x00){8,}|(?:\x00[\t\x20-\x7e]){8,}")


def _read_full(stream: BinaryIO, n: int) -> bytes:
    """Up to `n` bytes: a pipe may return less per read before its end."""
    parts, got = [], 0
    while got < n:
        part = stream.read(n - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _text_chunks(stream: BinaryIO, window: int) -> Iterator[tuple[bytes, bool]]:
    """The stream as the detector reads it, `window` bytes at a time, each with whether it is
    the last: UTF-16 or UTF-32 text (by its mark, or mostly-ASCII UTF-16 without one, judged on
    the first window) decoded to UTF-8, as a file that is not streamed is; other bytes with
    NULs read in place (`_in_place`)."""
    raw = _read_full(stream, window)
    marked = marked_text(raw)
    codec, skip = (marked[0], marked[1]) if marked else (_unmarked_utf16(raw), 0)
    decode = codecs.getincrementaldecoder(codec)("replace").decode if codec else None
    raw = raw[skip:]
    held = b""  # the end of the last window's last line, read with the next window
    while True:
        end = len(raw) < window - skip
        if decode is not None:
            yield decode(raw, end).encode("utf-8", "surrogateescape"), end
        elif b"\0" not in raw and not held:
            yield raw, end
        else:
            data, held = held + raw, b""
            # A UTF-16 run never holds a line end: cut the window there, so no run is split
            # (within the last OVERLAP bytes: what is held back stays small).
            cut = len(data) if end else data.rfind(b"\n", max(0, len(data) - OVERLAP)) + 1
            data, held = (data[:cut], data[cut:]) if cut else (data, b"")
            yield _in_place(data), end
        if end:
            return
        raw, skip = _read_full(stream, window), 0


# Four UTF-16 units of ASCII: where a run may be. Starting with a NUL, it is found at memchr
# speed; `_WIDE_RUN` itself would be tried at every byte (half a second per window).
_WIDE_HINT = re.compile(rb"\x00[\t\x20-\x7e]\x00[\t\x20-\x7e]\x00[\t\x20-\x7e]\x00")


def _in_place(data: bytes) -> bytes:
    """Bytes with NULs as the detector reads them, offsets and lines kept: each run of UTF-16
    text (ASCII-range, either byte order: a string in a binary, or the ASCII in UTF-16 that is
    mostly not) compacted and padded with blanks to its length; every other NUL a blank."""
    out = bytearray(data)
    done = 0
    for hint in _WIDE_HINT.finditer(data):
        if hint.start() < done:
            continue
        for start in (max(done, hint.start() - 1), hint.start()):  # little-, big-endian
            run = _WIDE_RUN.match(data, start)
            if run is not None:
                out[run.start():run.end()] = run[0].replace(b"\0", b"").ljust(len(run[0]))
                done = run.end()
                break
    return bytes(out).replace(b"\0", b" ")


def scan_stream(stream: BinaryIO, path: str, detector: Detector,
                window: int = WINDOW, overlap: int = OVERLAP) -> list[Finding]:
    """Findings in a stream of any size, read window by window (UTF-16/32 decoded, NULs of
    other bytes blanked)."""
    findings: list[Finding] = []
    buf = b""
    at = 0  # offset in the stream of buf[0]
    line = 1  # line number of buf[0]
    done = 0  # findings starting before this offset were reported by an earlier window
    chunks = _text_chunks(stream, window)
    while True:
        chunk, end = next(chunks)
        buf += chunk
        # Where this window's findings stop: a line start just before the overlap (or, in an
        # endless line, the overlap's start), never far back, so what is kept stays bounded.
        nl = buf.rfind(b"\n", max(0, len(buf) - overlap - window // 4), len(buf) - overlap)
        cut = len(buf) if end else (nl + 1 if nl >= 0 else len(buf) - overlap)
        for f, start, _ in scan_spans(buf, path, detector):
            if done <= at + start and (end or start < cut):
                findings.append(dataclasses.replace(f, line=f.line + line - 1,
                                                    end_line=f.end_line + line - 1))
        if end:
            return findings
        done = at + cut
        keep = cut
        for _ in range(_CONTEXT):
            if keep == 0:
                break
            keep = buf.rfind(b"\n", 0, keep - 1) + 1
        keep = max(keep, cut - overlap, 1)  # long lines: no more than the overlap
        line += buf.count(b"\n", 0, keep)
        at += keep
        buf = buf[keep:]


def passed_over(reason: str) -> bool:
    """True for the skips a gate must not make: a binary file, a file over the size limit."""
    return reason == "binary" or "(max_file_size)" in reason


def gate_reads(problem: Problem, max_size: int) -> bool:
    """Whether a gate reads a file the tree scan passed over: a binary one always, one over the
    size limit unless the user chose the limit (then it stays skipped, and named)."""
    from keylint.config import DEFAULT_MAX_FILE_SIZE

    return not problem.error and passed_over(problem.reason) and (
        problem.reason == "binary" or max_size == DEFAULT_MAX_FILE_SIZE)


def scan_file(open_path: str, display: str, detector: Detector, max_size: int) -> list[Finding]:
    """A file the tree scan passed over, read as a gate must: streamed when over `max_size`."""
    with open(open_path, "rb") as f:
        if os.fstat(f.fileno()).st_size > max_size:
            return scan_stream(f, display, detector)
        data = f.read()
    return [f for f, _, _ in scan_spans(binary_text(data), display, detector)]


def scan_git_blob(cwd: str, blob: str, shown: str, detector: Detector) -> list[Finding]:
    """Findings in a blob too large to hold, read from git as a stream."""
    import subprocess

    from keylint.errors import KeylintError
    from keylint.scanner.gitlog import git_env

    proc = subprocess.Popen(["git", "cat-file", "blob", blob], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=git_env())
    assert proc.stdout is not None and proc.stderr is not None
    try:
        found = scan_stream(proc.stdout, shown, detector)  # type: ignore[arg-type]
    finally:
        proc.stdout.close()
        err = proc.stderr.read()
        status = proc.wait()
    if status != 0:
        msg = os.fsdecode(err).strip().splitlines()
        raise KeylintError(f"{shown}: git cat-file failed: {msg[-1] if msg else '?'}")
    return found


def read_passed_over(targets: Sequence[Target], problems: list[Problem],
                     cfg: Config) -> list[Finding]:
    """Findings in the files the scan passed over (binary, over the default size limit), read as
    text or streamed: a commit must not carry a key because its file is large or has a NUL.
    A `max_file_size` the user configured is their choice: those files stay skipped, named."""
    from keylint.scanner.engine import detector_for

    by_name = {t.display: t for t in targets}
    found: list[Finding] = []
    for p in list(problems):
        target = by_name.get(p.display)
        if target is None or not gate_reads(p, cfg.max_file_size):
            continue
        try:
            found += scan_file(target.open_path, target.display, detector_for(cfg.rule_ids()),
                               cfg.max_file_size)
        except OSError as exc:
            problems.append(Problem(target.display, f"unreadable: {exc.strerror or exc}"))
        problems.remove(p)
    return found
