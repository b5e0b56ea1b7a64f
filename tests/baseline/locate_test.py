from __future__ import annotations

import hashlib
import random
import string
from typing import Any

import pytest

from keylint.baseline import locate
from keylint.baseline.locate import find_piece
from keylint.masking import sha1_hex
from tests.fakes import fake_key


@pytest.mark.parametrize(("before", "after"), [
    pytest.param('password = "', '"', id="quoted"),
    pytest.param("", "", id="whole line"),
    pytest.param("clé€ = ", " # 🔑", id="after multi-byte characters"),
    pytest.param("x = f(", ")", id="in a call"),
])
def test_a_piece_is_found_by_its_hash(before: str, after: str) -> None:
    key = fake_key("password-assignment", 3)
    line = before + key + after
    assert find_piece(line, sha1_hex(key)) == (len(before), len(before) + len(key))


def test_the_first_piece_at_a_token_boundary_wins() -> None:
    key = fake_key("github-token", 3)
    line = f"x{key} = {key}, {key}"
    start = line.index(" = ") + 3
    assert find_piece(line, sha1_hex(key)) == (start, start + len(key))


@pytest.mark.parametrize("line", [
    pytest.param("nothing to see here", id="absent"),
    pytest.param("a " * (locate._MAX_LINE // 2) + "{k}", id="line too long to show"),
])
def test_no_piece(line: str) -> None:
    key = fake_key("github-token", 4)
    assert find_piece(line.format(k=key), sha1_hex(key)) is None


class _CountingSha1:
    """hashlib.sha1 that adds the bytes it hashes, and each copy and digest, to `work`."""

    work = 0

    def __init__(self, data: bytes = b"", **kwargs: Any) -> None:
        self._h = _REAL_SHA1(data, **kwargs)
        _CountingSha1.work += len(data) + 1

    def update(self, data: bytes) -> None:
        _CountingSha1.work += len(data) + 1
        self._h.update(data)

    def copy(self) -> _CountingSha1:
        _CountingSha1.work += 1
        out = object.__new__(_CountingSha1)
        out._h = self._h.copy()
        return out

    def hexdigest(self) -> str:
        _CountingSha1.work += 1
        return self._h.hexdigest()


_REAL_SHA1 = hashlib.sha1


def test_looking_for_a_piece_costs_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every piece from every token start used to be hashed afresh: cubic in the line's length.
    monkeypatch.setattr(hashlib, "sha1", _CountingSha1)
    rng = random.Random(5)
    words = ["".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
             for _ in range(100)]
    works = []
    for n in (48, 96):  # lines of about 2,000 and 4,000 characters, the longest searched
        line = " ".join(words[:n])
        _CountingSha1.work = 0
        assert find_piece(line, sha1_hex("absent")) is None
        works.append(_CountingSha1.work)
    assert works[1] <= 2.3 * works[0]
