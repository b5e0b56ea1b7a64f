"""Mask every secret in text, logs and streams with the scanner's own rule table.

One source of truth: the spans come from `keylint.scanner.engine.detector_for()` (the detector
`keylint scan` uses) and each secret becomes `keylint.masking.mask(secret)`. A mask contains
`***...`, which the rules' placeholder filter rejects, so redacting twice changes nothing.
Pragmas (`# pragma: allowlist secret`) are ignored here: output is redacted regardless.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

from keylint.masking import mask

if TYPE_CHECKING:
    from keylint.scanner.detector import Detector, Match

__all__ = ["KeyMaskingFilter", "Scrubber", "StreamRedactor", "redact_api_keys", "redact_bytes",
           "redact_stream", "secret_name"]

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
    """Copy `src` to `dst` with every secret masked; return the number of secrets masked.

    A stream that starts with a UTF-16 or UTF-32 byte-order mark (PowerShell's `>` and `Out-File`
    write UTF-16) is redacted as the text it encodes, written back in its own encoding, and then
    as the bytes it is (a mark is only a claim: what follows may be plain ASCII)."""
    redactor = StreamRedactor()
    pieces = _chunks(src, chunk_size)
    head = b""
    for piece in pieces:  # enough bytes to see a byte-order mark (a pipe may give fewer)
        head += piece
        if len(head) >= 4:
            break
    codec = next(((bom, c) for bom, c in _WIDE_BOMS if head.startswith(bom)), None)
    if codec is None:
        stages: list[Callable[[bytes, bool], bytes]] = [_stage(redactor)]
    else:
        dst.write(codec[0])
        head = head[len(codec[0]):]
        wide = _Wide(codec[1])
        raw = StreamRedactor(redactor._detector)
        stages = [wide.decode, _stage(redactor), wide.encode, _stage(raw)]
    for piece in itertools.chain([head], pieces):
        for stage in stages:
            piece = stage(piece, False)
        if piece:
            dst.write(piece)
            dst.flush()
    out = b""
    for stage in stages:
        out = stage(out, True)
    if out:
        dst.write(out)
    dst.flush()
    return redactor.masked + (raw.masked if codec else 0)


def _stage(redactor: StreamRedactor) -> Callable[[bytes, bool], bytes]:
    def run(data: bytes, final: bool) -> bytes:
        out = redactor.feed(data) if data else b""
        return out + redactor.flush() if final else out
    return run


# UTF-32's little-endian mark starts with UTF-16's: look for it first.
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
              (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class _Wide:
    """UTF-16/32 in, UTF-8 to the redactor, and back: incremental, so a character split
    between chunks is whole; bytes that do not decode (an odd last byte) are kept as they are."""

    def __init__(self, codec: str) -> None:
        self._codec = codec
        self._in = codecs.getincrementaldecoder(codec)("surrogatepass")
        self._out = codecs.getincrementaldecoder("utf-8")("surrogatepass")

    def decode(self, data: bytes, final: bool = False) -> bytes:
        return self._in.decode(data).encode("utf-8", "surrogatepass")  # final: kept for encode

    def encode(self, data: bytes, final: bool = False) -> bytes:
        text = self._out.decode(data, final).encode(self._codec, "surrogatepass")
        return text + self._in.getstate()[0] if final else text


def _chunks(src: BinaryIO, size: int) -> Iterator[bytes]:
    read = getattr(src, "read1", None) or src.read  # read1: emit what a pipe has, don't wait
    while True:
        piece = read(size)
        if not piece:
            return
        yield piece


# A name whose value is a secret whatever the value looks like (`DB_PASSWORD`, `client_secret`,
# `awsSecretAccessKey`, `twilio.auth_token`, `x-api-key`). Matched on the name's last words, so
# `token_count`, `max_tokens`, `password_min_length` and `secret_name` are not such names.
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:pass(?:word|wd|phrase)?s?|pwd|secrets?|token|credentials?|auth|authorization"
    r"|bearer|(?:api|access|private|secret|signing|encryption|master)_?keys?|apikeys?)$"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_MASKED = re.compile(r".{0,7}\*\*\*\.\.\..{0,4}", re.DOTALL)  # what `mask` returns: left as is
_MAX_DEPTH = 16
_MAX_NODES = 10_000
# No rule matches inside a shorter string: password-assignment's secret is the shortest ({8,}),
# and a URL with a password in it is longer.
_MIN_SECRET = 8
_BACK = object()  # stands for a container met again inside itself (shown as `[...]`)
_UNSHOWABLE = "[keylint: value not shown: it cannot be checked for secrets]"
_TOO_BIG = "[keylint: value not shown: too deep or too big to check, and a field is named like a secret]"
_QUOTED_NAME = re.compile(r"""['"]([^'"\\\n]{1,64})['"]: """)  # a key in a dict's repr; linear


@functools.lru_cache(maxsize=1024)  # field names repeat from record to record
def secret_name(name: str) -> bool:
    """True when a field called `name` holds a secret by its name alone (`password`, `api_key`)."""
    words = _NOT_ALNUM.sub("_", _CAMEL.sub("_", name).lower())
    return bool(_SECRET_NAME.search(words.strip("_")))


def _redact_named(value: str, name: str | None) -> str:
    """`value` redacted with `name` as the detector's context (`TWILIO_AUTH_TOKEN = "..."`)."""
    if name is None:
        return redact_api_keys(value)
    head = f'{name} = "'
    clean = redact_api_keys(f'{head}{value}"')
    if clean.startswith(head) and clean.endswith('"'):
        inner = clean[len(head):-1]
        return value if inner == value else inner
    return redact_api_keys(value)  # the name itself held a secret: judge the value alone


class Scrubber:
    """Mask the secrets in a value and everything it holds: dicts, lists, tuples, sets.

    A string is masked whole when its name (the dict key or field above it) says it is a secret
    (`secret_name`), else the detector looks at it with that name as context. Numbers are masked
    by name too. Containers are copied where something inside changed, never edited (they belong
    to the caller); a value without secrets comes back as the same object. Other objects are left
    as they are: their `str()` may be costly or have effects (a log message is redacted after it
    is formatted). Deeper than `max_depth`, or once `max_nodes` values were visited, a container
    becomes its redacted `repr()`, or a placeholder when that text has a key named like a
    secret (the detector alone cannot judge such a value). A container met again inside itself
    becomes `[...]`, and the containers around it are copied: a copy must never lead back to
    the unmasked original.
    `found` lists each `(value, what shows instead)`.
    """

    def __init__(self, *, max_depth: int = _MAX_DEPTH, max_nodes: int = _MAX_NODES) -> None:
        self.max_depth = max_depth
        self.nodes = max_nodes
        self.found: list[tuple[object, object]] = []
        self._open: set[int] = set()
        self._screen_nodes = max_nodes

    def screen(self, value: object, name: str | None, lines: list[bytes]) -> bool:
        """Add to `lines` the text of every string in `value`, as `scrub` would show each to the
        detector; False when `scrub` must walk it anyway (a field named like a secret, a cycle,
        too deep or too big). If the detector finds nothing in `b"\\n".join(lines)`, `scrub` would
        change nothing: its rules judge a line by that line and the lines around it, so a
        string's line among others is flagged at least wherever it is flagged alone."""
        return self._screen(value, name, lines, 0)

    def _screen(self, value: object, name: str | None, lines: list[bytes], depth: int) -> bool:
        self._screen_nodes -= 1
        kind = type(value)
        if kind is str or isinstance(value, str):
            text: str = value  # type: ignore[assignment]
            if not text or _MASKED.fullmatch(text):  # the same tests, in the order `_text` has
                return True
            if name is not None and secret_name(name):
                return False
            if len(text) >= _MIN_SECRET:
                line = text if name is None else f'{name} = "{text}"'
                lines.append(line.encode("utf-8", "surrogatepass"))
            return True
        if kind is int or kind is float or kind is bool or value is None:
            return kind is bool or value is None or name is None or not secret_name(name)
        if kind is dict or kind is list or kind is tuple or isinstance(
            value, (Mapping, list, tuple, set, frozenset)
        ):
            if id(value) in self._open or depth >= self.max_depth or self._screen_nodes < 0:
                return False
            self._open.add(id(value))
            try:
                if isinstance(value, Mapping):
                    for k, v in value.items():
                        if not self._screen(k, None, lines, depth + 1):
                            return False
                        if not self._screen(v, k if isinstance(k, str) else name, lines,
                                            depth + 1):
                            return False
                    return True
                items: Iterable[object] = value  # type: ignore[assignment]
                return all(self._screen(item, name, lines, depth + 1) for item in items)
            finally:
                self._open.discard(id(value))
        if isinstance(value, (bytes, bytearray)):
            if _masked_bytes(value):
                return True
            if name is not None and secret_name(name):
                return False
            if len(value) >= _MIN_SECRET:
                lines.append(bytes(value))
        elif isinstance(value, (int, float)):  # subclasses (IntEnum, ...): `scrub` masks them by name
            return name is None or not secret_name(name)
        return True

    def scrub(self, value: object, name: str | None = None) -> object:
        """`value` with its secrets masked; `name` is the field that holds it, if any."""
        return _shown(self._scrub(value, name, 0))

    def _scrub(self, value: object, name: str | None, depth: int) -> object:
        self.nodes -= 1
        new: object
        if isinstance(value, str):
            new = self._text(value, name)
        elif isinstance(value, (bytes, bytearray)):
            new = self._bytes(value, name)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            new = mask(str(value)) if name is not None and secret_name(name) else value
        elif isinstance(value, (Mapping, list, tuple, set, frozenset)):
            new = self._container(value, name, depth)
        else:
            return value
        if new is not value and new is not _BACK:
            self.found.append((value, new))
        return new

    @staticmethod
    def _text(value: str, name: str | None) -> str:
        if not value or _MASKED.fullmatch(value):
            return value
        if name is not None and secret_name(name):
            return mask(value)
        return value if len(value) < _MIN_SECRET else _redact_named(value, name)

    @staticmethod
    def _bytes(value: bytes | bytearray, name: str | None) -> bytes | bytearray:
        if _masked_bytes(value):
            return value
        if name is not None and secret_name(name):
            return mask(bytes(value).decode("utf-8", "replace")).encode("utf-8")
        out = redact_bytes(bytes(value))
        return value if out == value else out

    def _container(self, value: object, name: str | None, depth: int) -> object:
        if id(value) in self._open:
            return _BACK
        if depth >= self.max_depth or self.nodes < 0:
            return self._opaque(value)
        self._open.add(id(value))
        try:
            if isinstance(value, Mapping):
                return self._mapping(value, name, depth)
            return self._items(value, name, depth)  # type: ignore[arg-type]
        finally:
            self._open.discard(id(value))

    def _mapping(self, value: Mapping[object, object], name: str | None, depth: int) -> object:
        pairs = []
        changed = False
        for k, v in value.items():
            if self.nodes < 0:  # too big to walk: one detector pass over its text instead
                return self._opaque(value)
            nk = self._scrub(k, None, depth + 1)
            nv = self._scrub(v, k if isinstance(k, str) else name, depth + 1)
            changed = changed or nk is not k or nv is not v
            pairs.append((_shown(nk), _shown(nv)))
        return dict(pairs) if changed else value

    def _items(
        self, value: list[object] | tuple[object, ...] | set[object] | frozenset[object],
        name: str | None, depth: int,
    ) -> object:
        items = []
        changed = False
        for item in value:
            if self.nodes < 0:
                return self._opaque(value)
            new = self._scrub(item, name, depth + 1)
            changed = changed or new is not item
            items.append(_shown(new))
        if not changed:
            return value
        if isinstance(value, tuple):
            if hasattr(value, "_fields"):  # a namedtuple keeps its type (and field names)
                make: Any = type(value)
                try:
                    return make(*items)
                except Exception:  # an unusual constructor: a plain tuple shows the same values
                    return tuple(items)
            return tuple(items)
        if isinstance(value, list):
            return items
        return frozenset(items) if isinstance(value, frozenset) else set(items)

    @staticmethod
    def _opaque(value: object) -> str:
        try:
            text = repr(value)
        except Exception:  # a hostile __repr__, or nesting too deep even for repr
            return _UNSHOWABLE
        if any(secret_name(m.group(1)) for m in _QUOTED_NAME.finditer(text)):
            return _TOO_BIG
        return redact_api_keys(text)


def _shown(new: object) -> object:
    return "[...]" if new is _BACK else new


def _masked_bytes(value: bytes | bytearray) -> bool:
    """Empty, or what `mask` returns, encoded: nothing to mask."""
    if len(value) > 64:  # a mask is 11 characters and `***...`: never longer than this
        return False
    return not value or _MASKED.fullmatch(bytes(value).decode("utf-8", "replace")) is not None


# Attributes every LogRecord has; anything else came from `extra=` and may hold a key.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_DROPPED_RECORD = "[keylint: log record dropped: redaction failed]"
_DROPPED_VALUE = "[keylint: value dropped: redaction failed]"


class KeyMaskingFilter(logging.Filter):
    """A handler filter that masks secrets in a record's message, args, extras, exception and stack.

    Attach it to handlers (a logger's own filters miss records from child loggers). It edits
    the record in place (Python 3.11 ignores a returned copy) and never raises. `%`-args, a
    non-string `msg` and `extra=` fields are walked as `Scrubber` does: nested dicts, lists,
    tuples and sets are copied with their secrets masked, and a value whose field or key is
    named like a secret (`password`, `api_key`, `token`) is masked whole. A record without
    secrets is left as it was. What cannot be checked is dropped, never passed on raw.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in `record`; keep the record unless it could not even be blanked."""
        try:
            self._redact(record)
        except Exception:  # never let logging fail because of us
            try:
                _drop(record)
            except Exception:  # a record type that refuses the placeholders: emit nothing
                return False
        return True

    @staticmethod
    def _redact(record: logging.LogRecord) -> None:
        extras = [(name, value) for name, value in vars(record).items() if name not in _STANDARD]
        if not _plainly_clean(record, extras):
            _redact_fields(record, extras)
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


def _plainly_clean(record: logging.LogRecord, extras: list[tuple[str, object]]) -> bool:
    """True when one detector pass over the message and every string in the args and extras
    finds nothing (and no field is named like a secret): the common record costs one pass."""
    screen = Scrubber()
    lines: list[bytes] = []
    try:
        if not isinstance(record.msg, str) and not screen.screen(record.msg, None, lines):
            return False
        if record.args and not screen.screen(record.args, None, lines):
            return False
        if not all(screen.screen(value, name, lines) for name, value in extras):
            return False
        lines.append(record.getMessage().encode("utf-8", "surrogatepass"))
    except Exception:  # a hostile value or a bad format: the field by field path deals with it
        return False
    return not _detector().find(b"\n".join(lines))


def _redact_fields(record: logging.LogRecord, extras: list[tuple[str, object]]) -> None:
    """Mask the message, its args and the extras of `record`, field by field."""
    scrubber = Scrubber()  # one budget for the whole record
    if not isinstance(record.msg, str):  # a dict or list logged as the message
        record.msg = scrubber.scrub(record.msg)
    if record.args:
        args = scrubber.scrub(record.args)
        if args is not record.args:
            record.args = args  # type: ignore[assignment]
    try:
        message = record.getMessage()
    except Exception:  # a bad format would make logging print the raw args to stderr
        record.msg, record.args = redact_api_keys(f"{record.msg!r} {record.args!r}"), ()
    else:
        clean = redact_api_keys(message)
        if clean != message:
            record.msg, record.args = clean, ()
    for name, value in extras:
        try:
            clean_value = scrubber.scrub(value, name)
        except Exception:  # one field that cannot be checked does not cost the record
            clean_value = _DROPPED_VALUE
        if clean_value is not value:
            setattr(record, name, clean_value)


def _drop(record: logging.LogRecord) -> None:
    """Replace everything in `record` that could hold a secret (redaction failed)."""
    record.msg, record.args = _DROPPED_RECORD, ()
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    for name in [n for n in vars(record) if n not in _STANDARD]:
        setattr(record, name, _DROPPED_VALUE)
