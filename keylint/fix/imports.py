"""Add one import to a module where isort, or ruff's `I` rules, would put it.

The module's leading import block (after the docstring) is read as isort reads it: sections
(`__future__`, standard library, third party, first party, local), and within a section
`import x` lines before `from x import y` lines (or mixed, with force-sort-within-sections, or
`from` first, with from-first), each sorted by module name, case-insensitively unless the
project says otherwise. The new line goes into its section at its sorted place; a section that
does not exist yet is opened between its neighbours with one blank line on each side; after a
block that did not exist, the code is separated by two blank lines before a `def` or `class`
and one otherwise (or the project's lines-after-imports). A `from m import X` joins an existing
`from m import ...` line, as isort would merge them, unless the project forces single lines.

Only the lines next to the insertion change: an unsorted block stays unsorted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from keylint.fix.project import ImportStyle

_LOCAL = 4


@dataclass(frozen=True)
class _Line:
    """One import statement of the block: section, `from` form, module (for sorting)."""

    section: int
    is_from: bool
    module: str
    member: str = ""  # the first name a `from` line imports (single-line imports sort by it)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _line(stmt: cst.CSTNode, style: ImportStyle) -> _Line | None:
    """The import a statement line holds; None for anything else."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Import):
        name = _dotted(small.names[0].name)
        return _Line(style.section(name), False, name)
    if isinstance(small, cst.ImportFrom):
        if small.relative or small.module is None:
            return _Line(_LOCAL, True, "." * len(small.relative) + (
                _dotted(small.module) if small.module is not None else ""))
        name = _dotted(small.module)
        first = "" if isinstance(small.names, cst.ImportStar) else _dotted(small.names[0].name)
        return _Line(style.section(name), True, name, first)
    return None


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _key(line: _Line, style: ImportStyle) -> tuple[object, ...]:
    name = line.module if style.case_sensitive else line.module.lower()
    form = int(line.is_from) ^ int(style.from_first)
    member = _member_key(line.member, style)
    if style.force_sort_within_sections:
        return (name, line.module, form, member)
    return (form, name, line.module, member)


def _member_key(name: str, style: ImportStyle) -> tuple[object, ...]:
    """isort's order-by-type: CONSTANTS, then Classes, then everything else."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name if style.case_sensitive else name.lower(), name)


def _split_leading(lines: Sequence[cst.EmptyLine], first: bool = False) -> tuple[
        list[cst.EmptyLine], list[cst.EmptyLine]]:
    """(what goes above the new line, what stays above the old one): inside the block, comments
    stay with their import; above the block's first import they are the block's header (a
    licence, a pylint pragma), which isort keeps at the top, so the new first line takes them."""
    if first:
        return list(lines), []
    n = 0
    while n < len(lines) and lines[n].comment is None:
        n += 1
    return list(lines[:n]), list(lines[n:])


_BLANK = cst.EmptyLine()
_Stmt = cst.SimpleStatementLine | cst.BaseCompoundStatement


def _starts_definition(stmt: _Stmt) -> bool:
    return isinstance(stmt, (cst.FunctionDef, cst.ClassDef))


def _after_block(stmt: _Stmt, existed: bool, style: ImportStyle) -> _Stmt:
    """The first statement after the import block, with the blank lines isort puts there.

    Two before a `def` or `class` (or the comment directly above one), one otherwise, or the
    project's lines-after-imports. After a block that existed, what was there is kept unless
    code followed the imports directly: that spacing was the linter's business already.
    """
    lead = list(stmt.leading_lines)
    if existed and lead:
        return stmt
    _, rest = _split_leading(lead)
    count = style.lines_after_imports
    if count < 0:
        attached = not rest or rest[-1].comment is not None  # no blank line below the comment
        count = 2 if attached and _starts_definition(stmt) else 1
    return stmt.with_changes(leading_lines=[_BLANK] * count + rest)


def insert_import(module: cst.Module, code: str, style: ImportStyle | None = None) -> cst.Module:
    """`module` with the one-line import `code` added (see the module docstring)."""
    style = style or ImportStyle()
    new = cst.parse_statement(code + "\n")
    assert isinstance(new, cst.SimpleStatementLine)
    info = _line(new, style)
    assert info is not None
    body: list[_Stmt] = list(module.body)
    start = 1 if body and _is_docstring(body[0]) else 0
    end = start
    lines: list[_Line] = []
    while end < len(body):
        found = _line(body[end], style)
        if found is None:
            break
        lines.append(found)
        end += 1
    if info.is_from and not style.force_single_line:
        merged = _merge(body, start, lines, new, style)
        if merged is not None:
            return module.with_changes(body=merged)
    same = [start + i for i, ln in enumerate(lines) if ln.section == info.section]
    if same:
        after = [i for i in same if _key(lines[i - start], style) > _key(info, style)]
        at = after[0] if after else same[-1] + 1
        if at == same[0]:  # the new first line of its section takes the blank lines above
            blanks, rest = _split_leading(body[at].leading_lines, at == start)
            new = new.with_changes(leading_lines=blanks)
            body[at] = body[at].with_changes(leading_lines=rest)
    else:
        later = [start + i for i, ln in enumerate(lines) if ln.section > info.section]
        if later:  # a new section, before the first later one
            at = later[0]
            blanks, rest = _split_leading(body[at].leading_lines, at == start)
            new = new.with_changes(leading_lines=blanks)
            body[at] = body[at].with_changes(leading_lines=[_BLANK, *rest])
        elif lines:  # a new section at the end of the block
            at = end
            new = new.with_changes(leading_lines=[_BLANK])
        else:  # no import block yet: the first one, after the docstring's blank line
            at = start
            new = new.with_changes(leading_lines=[_BLANK] if at > 0 else [])
    if at == end and at < len(body):
        body[at] = _after_block(body[at], bool(lines), style)
    body.insert(at, new)
    return module.with_changes(body=body)


def _merge(body: list[_Stmt], start: int, lines: list[_Line],
           new: cst.SimpleStatementLine, style: ImportStyle) -> list[_Stmt] | None:
    """Join `from m import X` into the block's one-line `from m import ...`, if there is one."""
    small = new.body[0]
    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
    module = _dotted(small.module) if small.module is not None else ""
    for i, ln in enumerate(lines):
        stmt = body[start + i]
        assert isinstance(stmt, cst.SimpleStatementLine)
        old = stmt.body[0]
        if not (ln.is_from and ln.module == module and isinstance(old, cst.ImportFrom)
                and not old.relative and not isinstance(old.names, cst.ImportStar)
                and old.lpar is None):
            continue
        aliases = [*old.names, *small.names]
        aliases.sort(key=lambda a: _member_key(_dotted(a.name), style))
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        names = [a.with_changes(comma=comma if j < len(aliases) - 1 else cst.MaybeSentinel.DEFAULT)
                 for j, a in enumerate(aliases)]
        merged = body[:]
        merged[start + i] = stmt.with_changes(body=[old.with_changes(names=names)])
        return merged
    return None
