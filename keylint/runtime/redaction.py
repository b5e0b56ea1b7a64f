"""Mask every secret in text, logs and streams with the scanner's own rule table.

One source of truth: the spans come from `keylint.scanner.engine.detector_for()` (the detector
`keylint scan` uses) and each secret becomes `keylint.masking.mask(secret)`. A mask contains
`***...`, which the rules' placeholder filter rejects, so redacting twice changes nothing.
Pragmas (`# pragma: allowlist secret`) are ignored here: output is redacted regardless.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from keylint.masking import mask

if TYPE_CHECKING:
    from keylint.scanner.detector import Detector, Match

__all__ = ["KeyMaskingFilter", "StreamRedactor", "redact_api_keys", "redact_bytes", "redact_stream"]

_CONT = range(0x80, 0xC0)  # UTF-8 continuation bytes
_PEM_BEGIN = b"-----BEGIN"
_PEM_END = b"-----END"
_PEM_MAX = 64 * 1024  # the detector looks this far for a PEM block's END line
_CONTEXT_LINES = 4  # already-emitted lines kept as context (the detector looks 2 lines up)
_CONTEXT_MAX = 16 * 1024
_OVERLAP = 4096  # kept back when a single line outgrows the buffer (longer than any token)
_HOLD_MAX = 2 * _PEM_MAX  # the most raw text held back while waiting for a line to end
_KNOWN_MAX = 32  # secrets a stream remembers, to mask their later repeats


def _detector() -> Detector:
    from keylint.scanner.engine import detector_for  # stdlib + re2 only; imported on first use

    return detector_for()


def _char_span(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Widen a byte span to whole UTF-8 characters."""
    while start > 0 and data[start] in _CONT:
        start -= 1
    while end < len(data) and data[end] in _CONT:
        end += 1
    return start, end


def _spans(
    data: bytes, matches: list[Match], lo: int, hi: int, known: Iterable[bytes] = ()
) -> list[tuple[int, int]]:
    """Byte spans to mask in `data[lo:hi]`: the matches, and every other occurrence of their
    secrets (and of `known` ones) in the same range, merged where they overlap."""
    spans = [_char_span(data, m.start, m.end) for m in matches if m.end > lo and m.start < hi]
    secrets = {data[s:e] for s, e in spans}
    secrets.update(known)
    for secret in secrets:
        if not secret:
            continue
        i = data.find(secret, lo, hi)
        while i >= 0:
            spans.append(_char_span(data, i, i + len(secret)))
            i = data.find(secret, i + len(secret), hi)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        elif not merged or (s, e) != merged[-1]:
            merged.append((s, e))
    return merged


def _splice(data: bytes, spans: list[tuple[int, int]], lo: int, hi: int) -> bytes:
    """`data[lo:hi]` with each span replaced by the mask of its text."""
    out: list[bytes] = []
    pos = lo
    for start, end in spans:
        out.append(data[pos:max(start, pos)])
        if start >= lo:
            out.append(mask(data[start:end].decode("utf-8", "replace")).encode("utf-8"))
        else:  # its head went out in an earlier piece: never print any more of it
            out.append(b"***...")
        pos = end
    out.append(data[pos:hi])
    return b"".join(out)


def redact_bytes(data: bytes) -> bytes:
    """`data` with every secret the scanner's rules find (and each repeat of it) masked."""
    matches = _detector().find(data)
    if not matches:
        return data
    return _splice(data, _spans(data, matches, 0, len(data)), 0, len(data))


def redact_api_keys(text: str) -> str:
    """`text` with every secret the scanner's rules find replaced by its mask (idempotent)."""
    data = text.encode("utf-8", "surrogatepass")
    out = redact_bytes(data)
    return text if out is data else out.decode("utf-8", "surrogatepass")


class StreamRedactor:
    """Redact a byte stream fed in chunks, in bounded memory, with secrets split across chunks.

    Only whole lines are emitted, and the last complete line is held back until the next one
    ends (the detector's provider context reaches one line down). An unterminated PEM block is
    held back up to 64 KiB, and a line longer than 128 KiB is cut with a 4 KiB overlap, so a
    token that straddles a cut is still found whole. Memory: about 128 KiB plus one chunk.
    """

    def __init__(self, detector: Detector | None = None) -> None:
        self._detector = detector or _detector()
        self._context = b""  # raw text already emitted, kept for the detector's context
        self._pending = b""  # raw text not yet emitted
        self.masked = 0  # secrets found so far
        self._known: dict[bytes, None] = {}  # recent secrets: later repeats are masked too

    def feed(self, chunk: bytes) -> bytes:
        """Take the next chunk; return the redacted text that is now safe to emit."""
        self._pending += chunk
        if b"\n" not in chunk and len(self._pending) <= _HOLD_MAX:
            return b""  # no new line ended: nothing more can be emitted (and no rescan)
        return self._process(final=False)

    def flush(self) -> bytes:
        """End of input: return the rest, redacted."""
        return self._process(final=True)

    def _process(self, *, final: bool) -> bytes:
        if not self._pending:
            return b""
        data = self._context + self._pending
        base = len(self._context)
        cut, forced = (len(data), False) if final else self._cut(data, base)
        if cut <= base:
            return b""
        matches = self._detector.find(data)
        for m in matches:
            if m.start < cut < m.end:
                cut = m.end if forced or m.start < base else m.start
        if cut <= base:
            return b""
        spans = _spans(data, matches, base, cut, self._known)
        out = _splice(data, spans, base, cut)
        for m in matches:
            if base <= m.start < cut:
                self.masked += 1
                self._remember(data[m.start:m.end])
        self._context = _tail_lines(data, cut)
        self._pending = data[cut:]
        return out

    def _remember(self, secret: bytes) -> None:
        self._known.pop(secret, None)
        self._known[secret] = None
        if len(self._known) > _KNOWN_MAX:
            del self._known[next(iter(self._known))]

    @staticmethod
    def _cut(data: bytes, base: int) -> tuple[int, bool]:
        """Where to stop emitting, and whether the cut is forced inside an over-long line."""
        last = data.rfind(b"\n", base)
        cut = base
        if last >= 0:
            held = data.rfind(b"\n", base, last)  # hold back the last complete line
            cut = held + 1 if held >= 0 else base
        begin = data.rfind(_PEM_BEGIN, max(base, len(data) - _PEM_MAX))
        if begin >= 0 and data.find(_PEM_END, begin) < 0:
            cut = min(cut, data.rfind(b"\n", 0, begin) + 1)
        cut = max(cut, base)
        if cut == base and len(data) - base > _HOLD_MAX:
            return len(data) - _OVERLAP, True
        return cut, False


def _tail_lines(data: bytes, cut: int) -> bytes:
    """The last few lines of `data[:cut]` (at most 16 KiB): context for the next round."""
    lo = max(0, cut - _CONTEXT_MAX)
    pos = cut
    for _ in range(_CONTEXT_LINES):
        nl = data.rfind(b"\n", lo, pos - 1)
        if nl < 0:
            return data[lo:cut]
        pos = nl + 1
    return data[pos:cut]


def redact_stream(src: BinaryIO, dst: BinaryIO, chunk_size: int = 1 << 20) -> int:
    """Copy `src` to `dst` with every secret masked; return the number of secrets masked."""
    redactor = StreamRedactor()
    for piece in _chunks(src, chunk_size):
        out = redactor.feed(piece)
        if out:
            dst.write(out)
            dst.flush()
    out = redactor.flush()
    if out:
        dst.write(out)
    dst.flush()
    return redactor.masked


def _chunks(src: BinaryIO, size: int) -> Iterator[bytes]:
    read = getattr(src, "read1", None) or src.read  # read1: emit what a pipe has, don't wait
    while True:
        piece = read(size)
        if not piece:
            return
        yield piece


# Attributes every LogRecord has; anything else came from `extra=` and may hold a key.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class KeyMaskingFilter(logging.Filter):
    """A handler filter that masks secrets in a record's message, args, exception and stack.

    Attach it to handlers (a logger's own filters miss records from child loggers). It edits
    the record in place (Python 3.11 ignores a returned copy), never raises, and leaves a
    record without secrets as it was after one detector pass over its message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in `record`; always keep the record."""
        try:
            self._redact(record)
        except Exception:  # never let logging fail because of us
            record.msg, record.args = "[keylint: log record dropped: redaction failed]", ()
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True

    @staticmethod
    def _redact(record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format would make logging print the raw args to stderr
            record.msg, record.args = redact_api_keys(f"{record.msg!r} {record.args!r}"), ()
        else:
            clean = redact_api_keys(message)
            if clean != message:
                record.msg, record.args = clean, ()
        text = record.exc_text
        if record.exc_info and not text:
            text = logging.Formatter().formatException(record.exc_info)
        if text:
            clean = redact_api_keys(text)
            if clean != text:
                # Formatters print a cached exc_text; without exc_info nothing re-renders it raw.
                record.exc_text, record.exc_info = clean, None
        if record.stack_info:
            record.stack_info = redact_api_keys(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                clean = redact_api_keys(value)
                if clean != value:
                    setattr(record, name, clean)
