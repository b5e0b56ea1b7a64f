"""Jupyter notebooks: fix keys in code cells; the JSON is rewritten only in its own layout.

A notebook is rewritten only when dumping the parsed JSON with one of the layouts Jupyter and
editors use (indent 1, 2 or 4; ASCII-escaped or not) reproduces the file exactly, so the only
bytes that change are those of the edited cells. IPython line magics and shell escapes (`%pip`,
`!ls`) are hidden from the parser as comments and put back afterwards; a cell magic (`%%bash`)
makes the whole cell something other than Python, so it is left alone. Keys in outputs and
Markdown cells are reported, not rewritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace

from keylint.fix.codemods import fix_source
from keylint.fix.model import Skip, SourceContext, SourceFix
from keylint.fix.naming import NamePicker
from keylint.scanner.engine import scan_bytes
from keylint.scanner.finding import Finding
from keylint.scanner.notebooks import notebook_text

_MAGIC = re.compile(r"^[ \t]*[%!]")
_OUTSIDE = ("in a cell output or a Markdown cell (reported, not rewritten): clear the outputs "
            "or edit the cell by hand")


def layout(text: str, nb: object) -> Callable[[object], str] | None:
    """The `json.dumps` settings that reproduce `text` from `nb`, as a function; None if none."""
    for indent in (1, 2, 4, None):
        for ascii_only in (False, True):
            out = json.dumps(nb, indent=indent, ensure_ascii=ascii_only)
            for tail in ("\n", ""):
                if out + tail == text:
                    return _dumper(indent, ascii_only, tail)
    return None


def _dumper(indent: int | None, ascii_only: bool, tail: str) -> Callable[[object], str]:
    def dump(obj: object) -> str:
        return json.dumps(obj, indent=indent, ensure_ascii=ascii_only) + tail
    return dump


def _cell_where(path: str, n: int) -> Callable[[Finding], str]:
    def where(f: Finding) -> str:
        return f"{path}[cell {n}]:{f.line}:{f.column}"
    return where


def mask_magics(source: str) -> tuple[str, dict[str, str], set[int]] | None:
    """The cell with magic lines turned into marker comments, the markers, and their lines.

    None for a cell magic (`%%...` on the first line): the cell is not Python.
    """
    if source.lstrip().startswith("%%"):
        return None
    token = 0
    while f"keylint-magic-{token}-" in source:
        token += 1
    markers: dict[str, str] = {}
    lines = source.split("\n")
    magic_lines: set[int] = set()
    for i, line in enumerate(lines):
        if _MAGIC.match(line):
            marker = f"# keylint-magic-{token}-{i}"
            indent = line[:len(line) - len(line.lstrip())]
            markers[marker] = line
            lines[i] = indent + marker
            magic_lines.add(i + 1)
    return "\n".join(lines), markers, magic_lines


def unmask(source: str, markers: dict[str, str]) -> str:
    """Put the magic lines back."""
    if not markers:
        return source
    lines = source.split("\n")
    for i, line in enumerate(lines):
        original = markers.get(line.strip())
        if original is not None:
            lines[i] = original
    return "\n".join(lines)


def _cell_source(cell: dict[str, object]) -> str | None:
    src = cell.get("source")
    if isinstance(src, str):
        return src
    if isinstance(src, list) and all(isinstance(s, str) for s in src):
        return "".join(str(s) for s in src)
    return None


def fix_notebook(data: bytes, ctx: SourceContext, names: NamePicker,
                 only: set[str] | None = None) -> SourceFix:
    """Fix the code cells of a notebook; `only` limits the fix to these hashed secrets."""
    whole = [f for f in scan_bytes(notebook_text(data), ctx.path, ctx.detector)
             if only is None or f.hashed_secret in only]
    if not whole:
        return SourceFix(data)

    def fail(reason: str) -> SourceFix:
        return SourceFix(data, [], [Skip(f, ctx.where(f), reason, True) for f in whole], reason)

    try:
        text = data.decode("utf-8")
        nb = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return fail(f"not a readable notebook ({exc}); file left untouched")
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return fail("not a notebook (no cells); file left untouched")
    result = SourceFix(data)
    cell_lines: set[str] = set()
    changed = False
    for n, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _cell_source(cell)
        if source is None:
            continue
        found = [f for f in scan_bytes(source.encode("utf-8", "surrogateescape"), ctx.path,
                                       ctx.detector)
                 if only is None or f.hashed_secret in only]
        if not found:
            continue
        cell_lines.update(source.splitlines(keepends=True))
        cell_ctx = replace(ctx, notebook=True, secure_string=False,
                           where=_cell_where(ctx.path, n))
        masked = mask_magics(source)
        if masked is None:
            result.skips.extend(Skip(f, cell_ctx.where(f), "in a cell magic (%%...) cell, "
                                     "which is not Python; fix by hand") for f in found)
            continue
        code, markers, magic_lines = masked
        on_magic = [f for f in found if f.line in magic_lines]
        result.skips.extend(Skip(f, cell_ctx.where(f), "in an IPython magic or shell line; "
                                 "fix by hand") for f in on_magic)
        fixable = [f for f in found if f.line not in magic_lines]
        fork = names.fork()
        fixed = fix_source(code.encode("utf-8", "surrogateescape"), fixable, cell_ctx, fork)
        result.changes.extend(fixed.changes)
        if fixed.error is not None:  # IPython-only syntax is normal in a cell: not an error
            result.skips.extend(Skip(f, cell_ctx.where(f), f"the cell is not plain Python "
                                     f"({fixed.error.split(';')[0]}); fix by hand")
                                for f in fixable)
            continue
        result.skips.extend(fixed.skips)
        new_code = fixed.source.decode("utf-8", "surrogateescape")
        if new_code == code:
            continue
        names.adopt(fork)
        new_source = unmask(new_code, markers)
        cell["source"] = (new_source if isinstance(cell["source"], str)
                          else new_source.splitlines(keepends=True))
        changed = True
    if changed:
        dump = layout(text, json.loads(text))
        if dump is None:
            return fail("the notebook's JSON layout is not one keylint can reproduce, so "
                        "rewriting it would change unrelated lines; fix the cells by hand")
        result.source = dump(nb).encode("utf-8")
    _report_outside(result, whole, cell_lines, text, ctx)
    return result


def _report_outside(result: SourceFix, whole: list[Finding], cell_lines: set[str], text: str,
                    ctx: SourceContext) -> None:
    """Keys the file holds outside code cells (outputs, Markdown): reported, not rewritten.

    A finding is in a code cell when its JSON line is one of the code cells' source lines (or
    the cell's whole source, when it is stored as one string).
    """
    lines = text.split("\n")
    for f in whole:
        raw = lines[f.line - 1].strip().rstrip(",") if f.line <= len(lines) else ""
        if raw.startswith('"source":'):
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not (isinstance(value, str) and value in cell_lines):
            result.skips.append(Skip(f, ctx.where(f), _OUTSIDE))
