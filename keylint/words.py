"""Counted nouns for messages: "1 file", "2 files", "1 entry", "3 entries"."""

from __future__ import annotations

_IRREGULAR = {"entry": "entries", "is": "are", "was": "were"}


def plural(n: int, word: str) -> str:
    """`word` as it reads after the number `n` (English: singular for exactly 1)."""
    if n == 1:
        return word
    head, _, last = word.rpartition(" ")
    many = _IRREGULAR.get(last, f"{last}s")
    return f"{head} {many}" if head else many


def counted(n: int, word: str) -> str:
    """`n` and `word`, agreeing: `counted(1, "file")` is "1 file", `counted(0, "file")` "0 files"."""
    return f"{n} {plural(n, word)}"
