"""RE2 reads bytes as Python's `re` does: a Unicode case-fold look-alike of a provider word (the
long s U+017F folds to `s`, the Kelvin sign U+212A to `k`) is not that word for either engine."""

from __future__ import annotations

import pytest

from keylint.rules import RULES
from keylint.scanner.detector import Detector
from keylint.scanner.engine import detector_for, scan_text
from tests.fakes import fake_key

_WORDS = detector_for()._words_by_len


@pytest.mark.parametrize(("letter", "lookalike"), [(b"s", "\u017f"), (b"k", "\u212a")])
def test_a_case_fold_lookalike_of_a_provider_word_is_no_word_and_the_file_still_reports(
        letter: bytes, lookalike: str) -> None:
    word = next(w for w in _WORDS if letter in w).decode()
    spoof = word.replace(letter.decode(), lookalike, 1)
    key = fake_key("openai-project-key", 2)
    text = f'{spoof} = "eu-west-1"\n{spoof.upper()}_X = 1\nOPENAI_API_KEY = "{key}"\n'
    found = scan_text(text)
    assert [f.rule_id for f in found] == ["openai-project-key"]
    assert found == scan_text(text, detector=Detector(RULES, fast=False))
