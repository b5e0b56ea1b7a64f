"""Positions in a Python source: the scanner's lines (split at LF) against Python's (CRLF, CR or
LF), offsets inside a literal, and where each top-level statement starts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

import libcst as cst

NEWLINE = re.compile(r"\r\n|\r|\n")


def offset_in(text: str, start: tuple[int, int], line: int, col: int) -> int:
    """Offset in `text` (which starts at `start`) of the position (line, col)."""
    if line == start[0]:
        return col - start[1]
    for n, m in enumerate(NEWLINE.finditer(text), start=1):
        if n == line - start[0]:
            return m.end() + col
    return -1


def line_count(code: str) -> int:
    """Line breaks as Python counts them (CRLF, CR or LF)."""
    return code.count("\n") + code.count("\r") - code.count("\r\n")


def remap(text: str) -> Callable[[int, int], tuple[int, int]] | None:
    """Maps the scanner's (line, col), with lines split at LF only, to Python's lines.

    None when the two agree, i.e. when the text has no bare CR line break.
    """
    if not re.search(r"\r(?!\n)", text):
        return None
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    breaks = [m.end() for m in NEWLINE.finditer(text)]

    def convert(line: int, col: int) -> tuple[int, int]:
        off = starts[min(line, len(starts)) - 1] + col
        i = bisect.bisect_right(breaks, off)
        return i + 1, off - (breaks[i - 1] if i else 0)
    return convert


def statement_spans(module: cst.Module) -> tuple[list[int], list[str]]:
    """First line (1-based, leading comments included) and code of each top-level statement."""
    line = 1 + sum(line_count(module.code_for_node(h)) for h in module.header)
    starts, codes = [], []
    for stmt in module.body:
        code = module.code_for_node(stmt)
        starts.append(line)
        codes.append(code)
        line += line_count(code)
    return starts, codes
