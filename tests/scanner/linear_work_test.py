"""Issue 10: no rule's match on adversarial input of its own alphabet is superlinear.

For every rule, a run of its own alphabet (its key and pieces of it, glued at random, after the
line that names its provider so bare-shape rules run too) is scanned at two sizes by the whole
detector, as a user's scan runs it; the work is counted (tests/scanner/meter.py), not timed.
Double the input, about double the work: a quadratic path would quadruple it. Seeded: the same
bytes on every run, under CI or not.
"""

from __future__ import annotations

import random
import re

import pytest

from keylint.rules import RULES, checks
from keylint.scanner import detector
from keylint.scanner.detector import Detector
from tests.fakes import assignment, fake_key
from tests.scanner.meter import CountingPattern, Meter, metered, run_of

SIZE = 32_000  # and twice that

@pytest.fixture(scope="module")
def shared_detector() -> Detector:
    return Detector(RULES)


def adversarial_run(rule_id: str, size: int) -> bytes:
    """`size` bytes of the rule's own alphabet after the line that names its provider (the
    first `size` bytes of the run are the same at every size)."""
    key = fake_key(rule_id, 14)
    rng = random.Random(f"run:{rule_id}")
    pieces = [key, key[: len(key) // 2], key[len(key) // 3:], key[1:-1]]
    head = assignment(rule_id, "").encode()
    return head + run_of(pieces, rng, size - len(head))


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_work_on_a_run_of_the_rules_own_alphabet_grows_linearly(
        rule_id: str, shared_detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    meter = metered(monkeypatch, shared_detector, detector, checks)
    works = []
    for blob in (adversarial_run(rule_id, SIZE), adversarial_run(rule_id, 2 * SIZE)):
        meter.work = 0
        meter.run(shared_detector.find, meter.wrap(blob))
        works.append(meter.work)
    assert works[1] <= 2.3 * works[0], works


@pytest.mark.parametrize(("text", "read"), [
    pytest.param(b"eyJ" + b"A" * 1000 + b"!", 1004, id="a long run then a stop: read whole"),
    pytest.param(b"eyJAB.eyJ" + b"A" * 1000, 6, id="a short first part: read to its dot"),
    pytest.param(b"eyJ" + b"A" * 12 + b".xyz" + b"A" * 1000, 17, id="no second eyJ"),
])
def test_the_meter_counts_what_a_failed_match_read(text: bytes, read: int) -> None:
    # A failed anchored match of an open-ended pattern used to count to the end of the buffer,
    # so each failed try in a run counted as quadratic work that the engine never did.
    meter = Meter()
    pattern = CountingPattern(re.compile(rb"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}"), meter)
    assert pattern.match(text + b"." * 5000) is None
    assert meter.work == read + 1
