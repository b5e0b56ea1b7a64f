"""The RE2 set that names a first-pass hit's trigger agrees with the grouped alternation.

A history scan meets thousands of trigger hits (`token`, `secret`, ...); naming each through the
grouped alternation's `lastgroup` walked every group in Python. The set must name the same
trigger for every hit, or a hit would be verified against the wrong rules."""

from __future__ import annotations

import random

import pytest

from keylint.rules import RULES
from keylint.scanner.detector import Detector
from tests.fakes import assignment, fake_key

pytest.importorskip("re2")


def _grouped(det: Detector, data: bytes, start: int, end: int) -> int | None:
    named = det._named_triggers().match(data, start, end)
    if named is None:
        return None
    name = named.lastgroup
    return int((name.decode() if isinstance(name, bytes) else name)[1:])


def _inputs() -> list[bytes]:
    """Every rule's key in an assignment, then the same lines cut and shuffled: hits where
    several triggers could match, hits at the ends of a cut, and provider words."""
    lines = [assignment(r.id, fake_key(r.id, 7)) for r in RULES]
    rng = random.Random(5)
    cut = []
    for line in lines:
        a, b = sorted(rng.randrange(len(line) + 1) for _ in range(2))
        cut.append(line[a:] + " " + line[:b])
    rng.shuffle(cut)
    return ["\n".join(lines).encode(), "\n".join(cut).encode(), " ".join(cut).encode()]


def test_the_set_names_the_trigger_the_alternation_chose() -> None:
    det = Detector(RULES)
    assert det.engine == "re2"
    seen = set()
    for data in _inputs():
        for m in det._combined().finditer(data):
            start, end = m.span()
            if det._master_plain.match(data, start, end) is None:
                continue  # a provider word
            got = det._trigger_at(data, start, end)
            assert got == _grouped(det, data, start, end), data[start:end][:80]
            seen.add(got)
    assert len(seen) > len(det._trigger_rules) // 2  # most triggers were met


def test_a_set_that_gives_up_falls_back_to_the_alternation() -> None:
    det = Detector(RULES)
    key = fake_key("github-token", 3)
    data = f'token = "{key}"\n'.encode()

    class GaveUp:
        def Match(self, text: bytes) -> None:  # RE2::Set's name
            return None

    det._set = GaveUp()  # RE2::Set answers "no match" when its DFA runs out of memory
    assert [m.rule.id for m in det.find(data)] == ["github-token"]
