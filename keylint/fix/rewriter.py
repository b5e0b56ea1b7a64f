"""Applying the Python fix: a LibCST transformer that swaps each planned literal for its
lookup, removes statements the environment now does, strips pydantic-settings defaults, and
makes the uses of a constant turned SecureString call `.get_secret_value()` where they need
the value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import libcst as cst

from keylint.fix.plan import Constant, Edits, Plan
from keylint.fix.render import Renderer

_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "exception",
                          "log"})
_LOGGERS = frozenset({"logging", "logger", "log", "LOGGER", "LOG", "_logger", "_log"})
_ACCEPTING_CALLS = frozenset({"len", "bool", "print", "mask_api_key", "SecureString"})


class Rewriter(cst.CSTTransformer):
    """Applies the plans: literal swaps, self-assignments removed, constant uses unwrapped.

    Afterwards `used_env` / `used_secure` say whether the new code reads the environment or
    uses SecureString (whether an import may be needed), and `refs`, `wrapped` and `refused`
    account for each constant's uses.
    """

    def __init__(self, edits: Edits, renderer: Renderer, secure: dict[str, Constant]) -> None:
        super().__init__()
        self.edits = edits
        self.renderer = renderer
        self.secure = secure
        self.used_env = False
        self.used_secure = False
        self.targets = {id(c.target) for c in secure.values()}
        self.annotations = {id(c.annotated) for c in secure.values() if c.annotated is not None}
        self.stack: list[cst.CSTNode] = []
        self.refs: Counter[str] = Counter()
        self.wrapped: Counter[str] = Counter()
        # Lines whose statements were all removed, by id, each kept alive here: they are new
        # nodes, and a freed one's id could be reused by a later node (a `return` after it
        # was then taken for an emptied line and dropped).
        self.emptied: dict[int, cst.SimpleStatementLine] = {}
        self.refused: dict[str, str] = {}  # constants with a use that must stay as it is

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        result = super().on_leave(original_node, updated_node)
        self.stack.pop()
        return result

    # -------------------------------------------------------------- literals
    def leave_SimpleString(self, original_node: cst.SimpleString,
                           updated_node: cst.SimpleString) -> cst.BaseExpression:
        return self._swap(original_node, updated_node)

    def leave_FormattedString(self, original_node: cst.FormattedString,
                              updated_node: cst.FormattedString) -> cst.BaseExpression:
        return self._swap(original_node, updated_node)

    def _swap(self, original: cst.BaseExpression, updated: Any) -> cst.BaseExpression:
        plan = self.edits.plans.get(id(original))
        if plan is None:
            return updated  # type: ignore[no-any-return]
        code = self._render(plan)
        new = cst.parse_expression(code)
        if plan.is_bytes and not plan.whole and not updated.lpar:
            return new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_FormattedStringText(
        self, original_node: cst.FormattedStringText, updated_node: cst.FormattedStringText
    ) -> Any:
        plan = self.edits.plans.get(id(original_node))
        if plan is None:
            return updated_node
        new = cst.parse_expression(self._render(plan))
        assert isinstance(new, cst.FormattedString)
        return cst.FlattenSentinel(new.parts)

    def _render(self, plan: Plan) -> str:
        if plan.kind == "secure":
            self.used_secure = True
        else:
            self.used_env = True
        return self.renderer.render(plan)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        name = self.edits.collapse.get(id(original_node))
        if name is None:
            return updated_node
        self.used_env = True
        new = cst.parse_expression(self.renderer.lookup(name, '"'))
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    # -------------------------------------------------------------- constants
    def leave_AnnAssign(self, original_node: cst.AnnAssign,
                        updated_node: cst.AnnAssign) -> cst.AnnAssign:
        if id(original_node) in self.edits.strip_defaults:
            return updated_node.with_changes(value=None, equal=cst.MaybeSentinel.DEFAULT)
        if id(original_node) in self.annotations:
            return updated_node.with_changes(annotation=updated_node.annotation.with_changes(
                annotation=cst.Name(self.renderer.secure_name)))
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        name = original_node.value
        if name not in self.secure or id(original_node) in self.targets:
            return updated_node
        if not self._is_reference(original_node):
            return updated_node
        parent = self.stack[-2]
        if isinstance(parent, cst.FormattedStringExpression) and parent.equal is not None:
            self.refused[name] = f'f"{{{name}=}}" prints the name of what it formats'
            return updated_node
        self.refs[name] += 1
        if self._accepts(original_node):
            return updated_node
        self.wrapped[name] += 1
        return cst.Call(
            func=cst.Attribute(value=updated_node.with_changes(lpar=[], rpar=[]),
                               attr=cst.Name("get_secret_value")),
            lpar=updated_node.lpar, rpar=updated_node.rpar,
        )

    def _is_reference(self, node: cst.Name) -> bool:
        parent = self.stack[-2]
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return False
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param)) \
                and getattr(parent, "name", None) is node:
            return False
        if isinstance(parent, (cst.NameItem, cst.MatchKeywordElement)):
            return False
        return not any(isinstance(n, (cst.Import, cst.ImportFrom)) for n in self.stack)

    def _accepts(self, node: cst.Name) -> bool:
        """Uses a SecureString serves as is: ==/!=, truth tests, len(), print and logging."""
        parent = self.stack[-2]
        grand = self.stack[-3] if len(self.stack) > 2 else None
        if isinstance(parent, cst.Comparison) and parent.left is node:
            return all(isinstance(t.operator, (cst.Equal, cst.NotEqual))
                       for t in parent.comparisons)
        if isinstance(parent, cst.ComparisonTarget) and isinstance(grand, cst.Comparison):
            return all(isinstance(t.operator, (cst.Equal, cst.NotEqual))
                       for t in grand.comparisons)
        if isinstance(parent, (cst.If, cst.While, cst.Assert, cst.IfExp)) \
                and parent.test is node:
            return True
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            return True
        if isinstance(parent, cst.Arg) and parent.keyword is None and not parent.star \
                and isinstance(grand, cst.Call):
            func = grand.func
            if isinstance(func, cst.Name):
                if func.value == "print" and any(
                        a.keyword is not None and a.keyword.value == "file" for a in grand.args):
                    return False  # print(..., file=fh) writes it: the value, not the mask
                return func.value in _ACCEPTING_CALLS
            if isinstance(func, cst.Attribute) and func.attr.value in _LOG_METHODS:
                owner = func.value
                if isinstance(owner, cst.Name):
                    return owner.value in _LOGGERS
                return isinstance(owner, cst.Attribute) and owner.attr.value.endswith("logger")
        return False

    # -------------------------------------------------------------- removals
    def _kept(self, original: Sequence[cst.BaseSmallStatement],
              updated: Sequence[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement] | None:
        """The statements of a line that survive the removals; None when none was removed."""
        keep = [u for o, u in zip(original, updated, strict=True) if id(o) not in self.edits.removals]
        if len(keep) == len(updated):
            return None
        if keep:
            keep[-1] = keep[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return keep

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        keep = self._kept(original_node.body, updated_node.body)
        if keep is None:
            return updated_node
        if not keep:
            emptied = updated_node.with_changes(body=[cst.Pass()])
            self.emptied[id(emptied)] = emptied
            return emptied
        return updated_node.with_changes(body=keep)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        keep = self._kept(original_node.body, updated_node.body)
        if keep is None:
            return updated_node
        return updated_node.with_changes(body=keep or [cst.Pass()])

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body, footer = self.drop_emptied(list(updated_node.body), list(updated_node.footer))
        if body is None:
            return updated_node
        return updated_node.with_changes(body=body, footer=footer)

    def drop_emptied(self, body: list[Any], footer: list[cst.EmptyLine]
                     ) -> tuple[list[Any] | None, list[cst.EmptyLine]]:
        """Remove emptied lines, moving their comments to what follows (None: nothing to do)."""
        if not any(id(s) in self.emptied for s in body):
            return None, footer
        out: list[Any] = []
        carry: list[cst.EmptyLine] = []
        trailing: cst.TrailingWhitespace | None = None  # of the last emptied line, if commented
        for s in body:
            if id(s) in self.emptied:
                carry.extend(s.leading_lines)
                trailing = None
                if s.trailing_whitespace.comment is not None:  # `... = "<key>"  # why`
                    trailing = s.trailing_whitespace
                    carry.append(cst.EmptyLine(indent=True, comment=trailing.comment))
                continue
            if carry:
                s = s.with_changes(leading_lines=[*carry, *s.leading_lines])
                carry, trailing = [], None
            out.append(s)
        if not out:  # the block held nothing else: keep a `pass`, with the comments
            if trailing is not None:
                return [cst.SimpleStatementLine([cst.Pass()], leading_lines=carry[:-1],
                                                trailing_whitespace=trailing)], footer
            return [cst.SimpleStatementLine([cst.Pass()], leading_lines=carry)], footer
        return out, [*carry, *footer]
