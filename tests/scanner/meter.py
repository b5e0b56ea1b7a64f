"""Count the work a scan does, so tests can check how it grows without timing anything.

A scan's cost is the Python steps it takes and the bytes it and its regexes look at. `Meter`
adds up:
- every line of keylint's own code executed inside `Meter.run` (a trace function counts them);
- every byte of the buffer indexed, sliced or searched (`find`, `rfind`, `count`) by Python code,
  through `CountingBytes`, a `bytes` whose methods report what they scanned;
- every call of a compiled pattern, at the size of the window it may read: the whole window
  for a search; for an anchored `match`, the span it matched (and the byte after it), or when
  it fails what a DFA reads before no way to match is left (exact for a pattern that is one
  sequence of bytes, classes and their repeats), else at most the pattern's longest match (an
  over-count for an open-ended pattern that fails early).
Doubling an input should at most about double the total; a quadratic path quadruples it.
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Callable, Sequence
from types import FrameType, ModuleType
from typing import Any, TypeVar

import pytest

import keylint
from keylint.rules import RULES, checks
from keylint.rules.model import Rule
from keylint.scanner import context, detector
from keylint.scanner.detector import Detector

_T = TypeVar("_T")
_PACKAGE = os.path.dirname(keylint.__file__) + os.sep

_UNBOUNDED = 1 << 62


class Meter:
    """A running total of bytes looked at."""

    def __init__(self) -> None:
        self.work = 0

    def wrap(self, data: bytes) -> CountingBytes:
        """`data` as a buffer that reports to this meter."""
        out = CountingBytes(data)
        out.meter = self
        return out

    def run(self, fn: Callable[..., _T], *args: Any) -> _T:
        """`fn(*args)`, counting each line of keylint's code it executes. (A tracer already
        set, such as coverage's, is paused meanwhile.)"""

        def line(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "line":
                self.work += 1
            return line

        def call(frame: FrameType, event: str, arg: Any) -> Any:
            return line if frame.f_code.co_filename.startswith(_PACKAGE) else None

        old = sys.gettrace()
        sys.settrace(call)
        try:
            return fn(*args)
        finally:
            sys.settrace(old)


def _window(n: int, start: int | None, end: int | None) -> tuple[int, int]:
    lo, hi, _ = slice(start, end).indices(n)
    return lo, max(lo, hi)


class CountingBytes(bytes):
    """`bytes` that tell a Meter how much of them each index, slice and search touched."""

    meter: Meter

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        out = bytes.__getitem__(self, key)
        self.meter.work += len(out) + 1 if isinstance(key, slice) else 1
        return out

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        lo, hi = _window(len(self), start, end)
        i = bytes.find(self, sub, lo, hi)
        self.meter.work += (hi - lo if i < 0 else i - lo + 1) + 1
        return i

    def rfind(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        lo, hi = _window(len(self), start, end)
        i = bytes.rfind(self, sub, lo, hi)
        self.meter.work += (hi - lo if i < 0 else hi - i) + 1
        return i

    def count(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        lo, hi = _window(len(self), start, end)
        self.meter.work += hi - lo + 1
        return bytes.count(self, sub, lo, hi)


class CountingPattern:
    """A compiled pattern that reports the window of every call to a Meter."""

    def __init__(self, pattern: Any, meter: Meter) -> None:
        self._pattern = pattern
        self._meter = meter
        self._longest = _UNBOUNDED
        self._flat: list[_Item] | None = None
        if isinstance(pattern, re.Pattern):
            parser = getattr(re, "_parser", None) or __import__("sre_parse")
            tree = parser.parse(pattern.pattern, pattern.flags)
            self._longest = tree.getwidth()[1]
            if isinstance(pattern.pattern, bytes) and not pattern.flags & (re.I | re.S):
                self._flat = _flatten(tree)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def _count(self, data: Any, pos: int, endpos: int | None, longest: int) -> None:
        lo, hi = _window(len(data), pos, endpos)
        self._meter.work += min(hi - lo, longest) + 1

    def match(self, data: Any, pos: int = 0, endpos: int | None = None) -> Any:
        found = self._pattern.match(data, pos, len(data) if endpos is None else endpos)
        # A match read its own span (and the byte that ended it); a failed one what a DFA reads
        # before every way to match is gone where that is known (a pattern that is a plain
        # sequence of bytes, classes and their repeats), else the pattern's longest match.
        if found is not None:
            longest = min(self._longest, found.end() - pos + 1)
        elif self._flat is not None:
            longest = _failed_read(self._flat, data, pos, len(data) if endpos is None else endpos)
        else:
            longest = self._longest
        self._count(data, pos, endpos, longest)
        return found

    def fullmatch(self, data: Any, pos: int = 0, endpos: int | None = None) -> Any:
        self._count(data, pos, endpos, _UNBOUNDED)
        return self._pattern.fullmatch(data, pos, len(data) if endpos is None else endpos)

    def search(self, data: Any, pos: int = 0, endpos: int | None = None) -> Any:
        self._count(data, pos, endpos, _UNBOUNDED)
        return self._pattern.search(data, pos, len(data) if endpos is None else endpos)

    def finditer(self, data: Any, pos: int = 0, endpos: int | None = None) -> Any:
        self._count(data, pos, endpos, _UNBOUNDED)
        return self._pattern.finditer(data, pos, len(data) if endpos is None else endpos)

    def findall(self, data: Any, pos: int = 0, endpos: int | None = None) -> Any:
        self._count(data, pos, endpos, _UNBOUNDED)
        return self._pattern.findall(data, pos, len(data) if endpos is None else endpos)

    def sub(self, repl: Any, data: Any, count: int = 0) -> Any:
        self._count(data, 0, None, _UNBOUNDED)
        return self._pattern.sub(repl, data, count)


_Item = tuple[frozenset[int], int, int]  # the bytes one step may take, at least, at most times
_ALL = frozenset(range(256))
_MAXREPEAT = int((getattr(re, "_constants", None) or __import__("sre_constants")).MAXREPEAT)
_CATEGORIES = {
    "CATEGORY_DIGIT": frozenset(b"0123456789"),
    "CATEGORY_SPACE": frozenset(b" \t\n\r\f\v"),
    "CATEGORY_WORD": frozenset(b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
}


def _byte_set(op: str, av: Any) -> frozenset[int] | None:
    """The bytes one parsed atom matches (None: not a plain atom)."""
    if op == "LITERAL":
        return frozenset((av,))
    if op == "NOT_LITERAL":
        return _ALL - {av}
    if op == "ANY":
        return _ALL - {10}
    if op != "IN":
        return None
    out: set[int] = set()
    negate = False
    for iop, iav in av:
        name = str(iop)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            out.add(iav)
        elif name == "RANGE":
            out.update(range(iav[0], iav[1] + 1))
        elif name == "CATEGORY":
            cat = str(iav)
            base = _CATEGORIES.get(cat.replace("CATEGORY_NOT_", "CATEGORY_"))
            if base is None:
                return None
            out.update(_ALL - base if "_NOT_" in cat else base)
        else:
            return None
    return _ALL - out if negate else frozenset(out)


def _flatten(tree: Any) -> list[_Item] | None:
    """A pattern that is one sequence of atoms and repeated atoms (groups inlined), as items;
    None for anything else (alternation, nested repeats, anchors)."""
    items: list[_Item] = []
    for op, av in tree:
        name = str(op)
        if name == "SUBPATTERN":
            if av[1] or av[2]:
                return None  # inline flags
            inner = _flatten(av[3])
            if inner is None:
                return None
            items.extend(inner)
        elif name == "MAX_REPEAT" and len(av[2]) == 1:
            atom = _byte_set(str(av[2][0][0]), av[2][0][1])
            if atom is None:
                return None
            items.append((atom, av[0], av[1]))
        else:
            atom = _byte_set(name, av)
            if atom is None:
                return None
            items.append((atom, 1, 1))
    return items


def _failed_read(items: Sequence[_Item], data: Any, pos: int, endpos: int) -> int:
    """How many bytes from `pos` a DFA reads before no way to match the items is left (for a
    match that failed): the states are (item, times taken so far)."""

    def closure(states: set[tuple[int, int]]) -> set[tuple[int, int]]:
        todo = list(states)
        while todo:
            i, c = todo.pop()
            if i < len(items) and c >= items[i][1] and (i + 1, 0) not in states:
                states.add((i + 1, 0))
                todo.append((i + 1, 0))
        return states

    states = closure({(0, 0)})
    at = pos
    raw = bytes.__getitem__(data, slice(pos, endpos))  # read here without counting
    while states and at < endpos:
        b = raw[at - pos]
        nxt: set[tuple[int, int]] = set()
        for i, c in states:
            if i < len(items):
                atom, lo, hi = items[i]
                if b in atom and c < hi:
                    nxt.add((i, min(c + 1, lo) if hi >= _MAXREPEAT else c + 1))
        states = closure(nxt)
        at += 1
    return at - pos



class CountingSearch(CountingPattern):
    """A pattern searched again and again from where the last match ended (the prefilter's
    single alternatives): a search reads up to the end of the match it finds, the rest of the
    window only when it finds none (RE2's DFA stops once no longer match can come)."""

    def search(self, data: Any, pos: int = 0, endpos: int | None = None) -> Any:
        found = self._pattern.search(data, pos, len(data) if endpos is None else endpos)
        lo, hi = _window(len(data), pos, endpos)
        self._meter.work += (hi if found is None else found.end()) - lo + 1
        return found


class _CountingExact:
    """A detector's exact patterns (compiled on first use), each counting for a Meter."""

    def __init__(self, exact: Any, meter: Meter) -> None:
        self._exact = exact
        self._meter = meter
        self._wrapped: dict[str, CountingPattern] = {}

    def __getitem__(self, rule_id: str) -> CountingPattern:
        if rule_id not in self._wrapped:
            self._wrapped[rule_id] = CountingPattern(self._exact[rule_id], self._meter)
        return self._wrapped[rule_id]


def metered(monkeypatch: pytest.MonkeyPatch, detector: Detector,
            *modules: ModuleType) -> Meter:
    """A Meter counting every pattern of `detector` and every module-level pattern of
    `modules` (for the duration of the test)."""
    meter = Meter()
    detector._named_triggers()  # compiled on first use: compile them now so that they count
    if detector._combined_source is not None:
        detector._combined()
    if detector._words_source:
        detector._provider_words()
    for name, value in vars(detector).items():
        if name in ("_combined_plain", "_master_plain", "_master", "_words_only") \
                and value is not None:
            monkeypatch.setattr(detector, name, CountingPattern(value, meter))
    monkeypatch.setattr(detector, "_exact", _CountingExact(detector._exact, meter))
    # The detector's questions about a candidate's surroundings use their own patterns.
    for module in dict.fromkeys((*modules, context)):
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, CountingPattern(value, meter))
    return meter


def run_of(pieces: Sequence[str], rng: random.Random, n: int) -> bytes:
    """`n` bytes of `pieces` drawn at random and glued together: a run of a rule's own
    alphabet (its key, parts of it), where each trigger could start a long match."""
    out: list[str] = []
    while sum(map(len, out)) < n:
        out.append(rng.choice(pieces))
    return "".join(out)[:n].encode()


def find_work(monkeypatch: pytest.MonkeyPatch, inputs: Sequence[bytes],
              rules: Sequence[Rule] = RULES, *, accelerated: bool = False) -> list[int]:
    """The work `Detector(rules).find` does on each input, counted (with the detector's and
    the rule checks' module-level patterns). `accelerated`: with the hyperscan prefilter, its
    per-alternative patterns counted too (hyperscan's own scan is linear by construction)."""
    det = Detector(rules)
    meter = metered(monkeypatch, det, detector, checks)
    if accelerated:
        assert det.accelerate()
        prefilter = det._prefilter
        real = prefilter._compile_one
        monkeypatch.setattr(prefilter, "_compile_one",
                            lambda p: CountingSearch(real(p), meter))
    works = []
    for data in inputs:
        meter.work = 0
        meter.run(det.find, meter.wrap(data))
        works.append(meter.work)
    return works
