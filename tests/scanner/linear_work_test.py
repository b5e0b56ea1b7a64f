"""Issue 10: no rule's match on adversarial input of its own alphabet is superlinear.

For every rule, a run of its own alphabet (its key and pieces of it, glued at random, after the
line that names its provider so bare-shape rules run too) is scanned at two sizes by the whole
detector, as a user's scan runs it; the work is counted (tests/scanner/meter.py), not timed.
Double the input, about double the work: a quadratic path would quadruple it. Seeded: the same
bytes on every run, under CI or not.
"""

from __future__ import annotations

import random

import pytest

from keylint.rules import RULES, checks
from keylint.scanner import detector
from keylint.scanner.detector import Detector
from tests.fakes import assignment, fake_key
from tests.scanner.meter import metered, run_of

SIZE = 32_000  # and twice that

# The count quadruples for these: each left-bounded trigger in the run tries the rule's
# open-ended pattern (`eyJ...{10,}`, the URL login's) and fails, and the meter counts a failed
# anchored match as reading to the end of the buffer. Timed by hand (not here) at 250 KB, 500 KB
# and 1 MB the scan grew linearly, so this may be the meter's over-count rather than the
# engine's work: open until the meter can count a failed match's real read, or the detector
# bounds these tries. Strict: an XPASS (fixed) fails until the mark is removed.
_COUNTED_QUADRATIC = {
    "jwt", "github-installation-token-jwt", "mapbox-secret-token", "sidekiq-license-url",
}


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


@pytest.mark.parametrize("rule_id", [
    pytest.param(r.id, marks=pytest.mark.xfail(strict=True, reason="counted quadratic: see above"))
    if r.id in _COUNTED_QUADRATIC else r.id
    for r in RULES
])
def test_work_on_a_run_of_the_rules_own_alphabet_grows_linearly(
        rule_id: str, shared_detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    meter = metered(monkeypatch, shared_detector, detector, checks)
    works = []
    for blob in (adversarial_run(rule_id, SIZE), adversarial_run(rule_id, 2 * SIZE)):
        meter.work = 0
        meter.run(shared_detector.find, meter.wrap(blob))
        works.append(meter.work)
    assert works[1] <= 2.3 * works[0], works
