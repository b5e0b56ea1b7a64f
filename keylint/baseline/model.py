"""The baseline document: detect-secrets' JSON format, parsed strictly and rendered canonically.

Rendering follows detect-secrets' own layout (key order, `indent=2`, sorted files and entries) so
that a baseline rewritten by either tool changes only what really changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from keylint.errors import KeylintError

# The detect-secrets format version keylint writes. A constant, not the installed detect-secrets'
# version, so the same tree gives the same bytes whatever is installed.
FORMAT_VERSION = "1.5.0"
SUPPORTED_MAJOR = 1

_HASH = re.compile(r"[0-9a-f]{40}")
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_ENTRY_KEYS = ("type", "filename", "hashed_secret", "is_verified", "line_number", "is_secret")
_TOP_KEYS = ("version", "plugins_used", "filters_used", "results", "generated_at")
_MAX_DEPTH = 64  # detect-secrets writes documents 5 levels deep; deeper is no baseline
_MAX_LINE = (1 << 63) - 1  # SARIF and most JSON readers hold a line in 64 bits

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Entry:
    """One recorded secret: where, what type, its sha1, and its audit label."""

    filename: str
    type: str
    hashed_secret: str
    line_number: int = 0
    is_secret: bool | None = None  # True: a real secret; False: a false positive; None: unaudited
    is_verified: bool = False
    extra: tuple[tuple[str, Any], ...] = ()  # keys keylint does not know, kept as they are

    @property
    def key(self) -> Key:
        """detect-secrets' identity of an entry: file, hash and type (never the line)."""
        return (self.filename, self.hashed_secret, self.type)

    @property
    def audited(self) -> bool:
        """True once someone labelled it (real secret or false positive)."""
        return self.is_secret is not None

    def to_json(self) -> dict[str, Any]:
        """The entry as detect-secrets writes it (filename is the results key, not a field)."""
        out: dict[str, Any] = {"type": self.type, "filename": self.filename,
                               "hashed_secret": self.hashed_secret, "is_verified": self.is_verified}
        if self.line_number:
            out["line_number"] = self.line_number
        if self.is_secret is not None:
            out["is_secret"] = self.is_secret
        out.update(self.extra)
        return out

    def sort_key(self) -> tuple[int, str, str]:
        """detect-secrets' order inside one file: line, hash, type."""
        return (self.line_number, self.hashed_secret, self.type)


@dataclass(frozen=True)
class Baseline:
    """A whole baseline file. `filters_used` and `generated_at` are None when the key is absent."""

    version: str = FORMAT_VERSION
    plugins_used: tuple[dict[str, Any], ...] = ()
    filters_used: tuple[dict[str, Any], ...] | None = None
    entries: tuple[Entry, ...] = ()
    generated_at: str | None = None
    extra: tuple[tuple[str, Any], ...] = field(default=())

    def by_file(self) -> dict[str, list[Entry]]:
        """Entries grouped by file name."""
        out: dict[str, list[Entry]] = {}
        for e in self.entries:
            out.setdefault(e.filename, []).append(e)
        return out

    def with_entries(self, entries: Iterable[Entry]) -> Baseline:
        """A copy holding `entries` (sorted, one per key)."""
        return replace(self, entries=normalise(entries))

    def semantic(self) -> tuple[object, ...]:
        """What a rewrite must preserve: everything except line numbers (a moved line is no change)."""
        entries = sorted((e.key, e.is_secret, e.is_verified, _freeze(e.extra)) for e in self.entries)
        return (self.version, _freeze(sorted_plugins(self.plugins_used)), _freeze(self.filters_used),
                tuple(entries), self.generated_at, _freeze(self.extra))


def _freeze(value: object) -> object:
    return json.dumps(value, sort_keys=True)


def normalise(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """Sort entries as detect-secrets does and keep the first of each (file, hash, type)."""
    seen: dict[Key, Entry] = {}
    for e in sorted(entries, key=lambda e: (e.filename, e.line_number or 1 << 62,
                                            e.hashed_secret, e.type)):
        seen.setdefault(e.key, e)
    return tuple(sorted(seen.values(), key=lambda e: (e.filename, *e.sort_key())))


def sorted_plugins(plugins: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """plugins_used in detect-secrets' order (by lower-cased name)."""
    return sorted(plugins, key=lambda p: (str(p["name"]).lower(), str(p["name"])))


def version_tuple(version: str) -> tuple[int, int, int] | None:
    """`"1.5.0"` -> (1, 5, 0); None when it is not three dot-separated numbers."""
    m = _VERSION.fullmatch(version)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def parse(doc: object, where: str) -> Baseline:
    """Validate a decoded baseline; every problem is a one-line KeylintError naming `where`."""
    if not isinstance(doc, dict):
        raise KeylintError(f"{where}: not a secrets baseline (expected a JSON object)")
    for key in ("version", "results"):
        if key not in doc:
            raise KeylintError(f"{where}: not a secrets baseline (no {key!r} key)")
    version = doc["version"]
    parsed = version_tuple(version) if isinstance(version, str) else None
    if parsed is None:
        raise KeylintError(f"{where}: baseline version must look like \"1.5.0\", got {version!r}")
    if parsed[0] > SUPPORTED_MAJOR:
        raise KeylintError(f"{where}: baseline format {version} is newer than this keylint reads "
                           f"({SUPPORTED_MAJOR}.x): upgrade keylint")
    if parsed[0] < SUPPORTED_MAJOR:
        raise KeylintError(f"{where}: baseline format {version} predates detect-secrets 1.0: "
                           "upgrade it with `detect-secrets scan --baseline FILE` (1.x) first")
    plugins = _dict_list(doc.get("plugins_used", []), where, "plugins_used")
    for p in plugins:
        if not isinstance(p.get("name"), str) or not p["name"]:
            raise KeylintError(f"{where}: every plugins_used item needs a \"name\"")
    filters = doc.get("filters_used")
    filters_used = None if filters is None else tuple(_dict_list(filters, where, "filters_used"))
    generated_at = doc.get("generated_at")
    if generated_at is not None and not isinstance(generated_at, str):
        raise KeylintError(f"{where}: generated_at must be a string")
    entries = tuple(_entries(doc["results"], where))
    extra = tuple((k, v) for k, v in doc.items() if k not in _TOP_KEYS)
    return Baseline(version=version, plugins_used=tuple(plugins), filters_used=filters_used,
                    entries=normalise(entries), generated_at=generated_at, extra=extra)


def _dict_list(value: object, where: str, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise KeylintError(f"{where}: {key} must be a list of objects")
    return [dict(v) for v in value]


def _entries(results: object, where: str) -> Iterator[Entry]:
    if not isinstance(results, dict):
        raise KeylintError(f"{where}: results must be an object mapping file names to lists")
    for filename, items in results.items():
        if not isinstance(items, list):
            raise KeylintError(f"{where}: results[{filename!r}] must be a list")
        for item in items:
            yield _entry(filename, item, where)


def _entry(filename: str, item: object, where: str) -> Entry:
    at = f"{where}: results[{filename!r}]"
    if not isinstance(item, dict):
        raise KeylintError(f"{at}: every entry must be an object")
    kind, hashed = item.get("type"), item.get("hashed_secret")
    if not isinstance(kind, str) or not kind:
        raise KeylintError(f"{at}: an entry has no \"type\"")
    if not isinstance(hashed, str) or not _HASH.fullmatch(hashed):
        raise KeylintError(f"{at}: hashed_secret must be 40 lowercase hex digits")
    line = item.get("line_number", 0)
    if not isinstance(line, int) or isinstance(line, bool) or not 0 <= line <= _MAX_LINE:
        raise KeylintError(f"{at}: line_number must be a positive integer")
    is_secret = item.get("is_secret")
    if is_secret is not None and not isinstance(is_secret, bool):
        raise KeylintError(f"{at}: is_secret must be true, false or absent")
    verified = item.get("is_verified", False)
    if not isinstance(verified, bool):
        raise KeylintError(f"{at}: is_verified must be true or false")
    if "filename" in item and item["filename"] != filename:
        raise KeylintError(f"{at}: entry names another file ({item['filename']!r})")
    extra = tuple((k, v) for k, v in item.items() if k not in _ENTRY_KEYS)
    return Entry(filename=filename, type=kind, hashed_secret=hashed, line_number=line,
                 is_secret=is_secret, is_verified=verified, extra=extra)


def to_doc(b: Baseline) -> dict[str, Any]:
    """The document in detect-secrets' key order."""
    results: dict[str, list[dict[str, Any]]] = {}
    for e in normalise(b.entries):
        results.setdefault(e.filename, []).append(e.to_json())
    doc: dict[str, Any] = {"version": b.version, "plugins_used": sorted_plugins(b.plugins_used)}
    if b.filters_used is not None:
        doc["filters_used"] = list(b.filters_used)
    doc["results"] = results
    doc.update(b.extra)
    if b.generated_at is not None:
        doc["generated_at"] = b.generated_at
    return doc


def render(b: Baseline) -> str:
    """The file's text: JSON with two-space indents and a final newline, as detect-secrets."""
    return json.dumps(to_doc(b), indent=2) + "\n"


def loads(text: str, where: str) -> Baseline:
    """Parse baseline text (malformed, truncated or absurd JSON is a KeylintError)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KeylintError(f"{where}: not a valid baseline: malformed JSON at line {exc.lineno} "
                           f"column {exc.colno} ({exc.msg}; truncated?)") from None
    except RecursionError:
        raise KeylintError(f"{where}: not a valid baseline: JSON nested too deeply") from None
    except ValueError:  # an integer over sys.get_int_max_str_digits() digits
        raise KeylintError(f"{where}: not a valid baseline: a number has too many digits") from None
    if _deeper_than(doc, _MAX_DEPTH):  # rendering it again would recurse as deep
        raise KeylintError(f"{where}: not a valid baseline: JSON nested too deeply "
                           f"(over {_MAX_DEPTH} levels)")
    return parse(doc, where)


def _deeper_than(doc: object, limit: int) -> bool:
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False
