"""Planning the Python fix: which literal holds each key, and how that literal is rewritten.

Fix safety (see STYLE.md section 6): a literal is planned only where the result is certain to
parse and to compute the same value when the variable holds the old value; anything else is a
skip with a one-line reason.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Sequence
from typing import Literal

import libcst as cst
from libcst.metadata import PositionProvider

from keylint.fix import dotenv
from keylint.fix.facts import Facts
from keylint.fix.naming import is_env_name
from keylint.fix.plan import Key, LiteralContext, Occ, Plan
from keylint.fix.positions import offset_in

_FAKE_VALUE = re.compile(r"(?i)fake|dummy|mock|stub|sample|example|invalid|bogus|not[-_]?real|test")
_FAKE_NAME = re.compile(r"(?i)fake|dummy|mock|stub|sample|example|invalid|bogus")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
# A password found inside a URL: the whole URL moves when the literal is just the URL;
# a password moved alone gets a password's name, not the URL's.
URL_RULE = "connection-string"


def _is_environ(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Attribute):
        return node.attr.value == "environ" and isinstance(node.value, cst.Name)
    return isinstance(node, cst.Name) and node.value == "environ"


def _is_getenv(func: cst.CSTNode) -> bool:
    if isinstance(func, cst.Name):
        return func.value == "getenv"
    if isinstance(func, cst.Attribute):
        if func.attr.value == "getenv" and isinstance(func.value, cst.Name):
            return True
        return func.attr.value == "get" and _is_environ(func.value)
    return False


def _string_value(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.SimpleString):
        v = node.evaluated_value
        return v if isinstance(v, str) else None
    return None


def _evaluate(prefix: str, quote: str, body: str) -> str | bytes | None:
    p = prefix.lower().replace("f", "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ast.literal_eval(f"{p}{quote}{body}{quote}")
    except (SyntaxError, ValueError, MemoryError):
        return None
    return value if isinstance(value, (str, bytes)) else None


class Planner(cst.CSTVisitor):
    """Maps keys to the literals that hold them and decides how each is rewritten.

    Visits one top-level statement. What it decides is data: `plans` (each literal's plan and
    where the literal sits, in source order; the variables are named afterwards, in that
    order) and `skips` (a key left in place, and why).
    """

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, keys: list[Key], offset: int, facts: Facts, *, test_file: bool,
                 first_statement: bool) -> None:
        super().__init__()
        self.keys = keys
        self.offset = offset
        self.facts = facts
        self.test_file = test_file
        self.first_statement = first_statement  # the module's first statement: a docstring slot
        self.stack: list[cst.CSTNode] = []
        self.claimed: set[int] = set()
        self.plans: list[tuple[Plan, LiteralContext]] = []
        self.skips: list[tuple[Key, str]] = []

    def skip(self, key: Key, reason: str) -> None:
        """Leave `key` where it is, for `reason`."""
        self.skips.append((key, reason))

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.stack.append(node)
        if isinstance(node, cst.SimpleString):
            self._simple(node)
        elif isinstance(node, cst.FormattedString):
            self._formatted(node)
        elif isinstance(node, cst.FormattedStringExpression) and node.format_spec:
            for part in node.format_spec:  # `f"{x:<key>}"`: a format spec is not a value
                if isinstance(part, cst.FormattedStringText):
                    for k in self._claim(part)[0]:
                        self.skip(k, "in an f-string format spec; fix by hand")
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    # -------------------------------------------------------------- locating
    def _range(self, node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
        r = self.get_metadata(PositionProvider, node)
        return ((r.start.line + self.offset, r.start.column),
                (r.end.line + self.offset, r.end.column))

    def _claim(self, node: cst.CSTNode) -> tuple[list[Key], tuple[int, int]]:
        start, end = self._range(node)
        found = []
        for i, k in enumerate(self.keys):
            if i in self.claimed or not (start <= (k.line, k.col) < end):
                continue
            self.claimed.add(i)
            if (k.end_line, k.end_col) > end:
                self.skip(k, "the key runs past the end of its literal (split across "
                                   "implicitly concatenated strings?); fix by hand")
                continue
            found.append(k)
        return found, start

    # -------------------------------------------------------------- literals
    def _simple(self, node: cst.SimpleString) -> None:
        keys, start = self._claim(node)
        if not keys:
            return
        prefix = node.value[:len(node.prefix)]
        head = len(prefix) + len(node.quote)
        body = node.value[head:len(node.value) - len(node.quote)]
        located = [(offset_in(node.value, start, k.line, k.col) - head, k) for k in keys]
        self._plan(node, body, located, prefix, node.quote, fstring=False)

    def _formatted(self, node: cst.FormattedString) -> None:
        quote = node.quote
        prefix = node.start[:len(node.start) - len(quote)]
        plain_prefix = prefix.replace("f", "").replace("F", "")
        texts = [p for p in node.parts if isinstance(p, cst.FormattedStringText)]
        per_part = []
        for part in texts:
            keys, start = self._claim(part)
            if keys:
                per_part.append((part, [(offset_in(part.value, start, k.line, k.col), k)
                                        for k in keys]))
        if not per_part:
            return
        for part, located in per_part:
            self._plan(part, part.value, located, plain_prefix, quote, fstring=True, owner=node)

    def _plan(self, node: cst.CSTNode, body: str, located: list[tuple[int, Key]],
              prefix: str, quote: str, *, fstring: bool,
              owner: cst.CSTNode | None = None) -> None:
        keys = [k for _, k in located]
        ctx = self._context(owner or node)
        if ctx.skip:
            for k in keys:
                self.skip(k, ctx.skip)
            return
        located.sort(key=lambda t: t[0])
        pieces: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for off, k in located:
            raw = k.finding.secret
            if off < pos or body[off:off + len(raw)] != raw:
                for kk in keys:
                    self.skip(kk, "could not find the key's text in its literal; fix by hand")
                return
            pieces.append(body[pos:off])
            spans.append((off, off + len(raw)))
            pos = off + len(raw)
        pieces.append(body[pos:])
        raw_keys = [body[s:e] for s, e in spans]
        whole_value = _evaluate(prefix, quote, body)
        parts = [_evaluate(prefix, quote, p) for p in _interleave(pieces, raw_keys)]
        if whole_value is None or any(p is None for p in parts) or \
                _join(parts) != whole_value:
            for k in keys:
                self.skip(k, "the key is written with escape sequences; fix by hand")
            return
        is_bytes = isinstance(whole_value, bytes)
        values: list[str] = []
        for p in parts[1::2]:
            try:
                values.append(p.decode("utf-8") if isinstance(p, bytes) else str(p))
            except UnicodeDecodeError:
                for k in keys:
                    self.skip(k, "bytes literal that is not UTF-8; fix by hand")
                return
        whole = len(keys) == 1 and pieces[0] == "" and pieces[-1] == ""
        if len(keys) == 1 and keys[0].finding.rule_id == URL_RULE and not fstring \
                and isinstance(whole_value, str) and _URL.fullmatch(whole_value):
            # `"postgres://user:pw@host/db"`: the variable holds the whole URL
            spans, pieces, values, whole = [(0, len(body))], ["", ""], [whole_value], True
        if fstring and whole and owner is not None and len(getattr(owner, "parts", ())) == 1:
            node, fstring = owner, False  # `f"<key>"`: the whole f-string is the key
        # `f"{a}<key>"`: the text part is all key, but the literal is more than the key, so it
        # stays an f-string with the lookup as one more field (never a bare lookup in its place).
        whole = whole and not fstring
        reason = self._refusal(ctx, whole, is_bytes, fstring, prefix, pieces, values)
        if reason:
            for k in keys:
                self.skip(k, reason)
            return
        # Outside a string (a replaced literal, a bytes concatenation) the lookup keeps the
        # literal's quote style; inside an f-string it takes the other quote.
        outside = (whole and not fstring and not ctx.in_concat) or is_bytes
        lookup_quote = _pick_quote(quote, ctx.quotes, outside)
        if lookup_quote is None:
            for k in keys:
                self.skip(k, "nested f-strings already use both quote characters; fix by hand")
            return
        occs = [Occ(k, s, e, v) for k, (s, e), v in zip(keys, spans, values, strict=True)]
        plan = Plan(node, occs, pieces, prefix, quote, lookup_quote, whole, is_bytes, fstring,
                     ctx.in_concat)
        self.plans.append((plan, ctx))

    # -------------------------------------------------------------- context
    def _refusal(self, ctx: LiteralContext, whole: bool, is_bytes: bool, fstring: bool, prefix: str,
                 pieces: list[str], values: list[str]) -> str | None:
        if self.test_file and (any(_FAKE_VALUE.search(v) for v in values)
                                 or any(_FAKE_NAME.search(w) for w in ctx.words)):
            return "a test fixture that is plainly fake; left as is"
        for v in values:
            why = dotenv.refusal(v)
            if why:
                return f"{why}; fix by hand"
        if is_bytes and ctx.in_concat:
            return "bytes literal inside an implicit concatenation; fix by hand"
        if not whole and not is_bytes and not fstring and "r" not in prefix.lower() \
                and any("\\N{" in p for p in pieces):
            return "the literal uses \\N{...} escapes, which an f-string would change; fix by hand"
        return None

    def _context(self, atom: cst.CSTNode) -> LiteralContext:
        stack = self.stack
        i = len(stack) - 1
        while stack[i] is not atom:
            i -= 1
        outer_i = i
        while outer_i > 0 and isinstance(stack[outer_i - 1], cst.ConcatenatedString):
            outer_i -= 1
        outer = stack[outer_i]
        quotes = {n.quote[0] for n in stack[:i] if isinstance(n, cst.FormattedString)}
        ctx = LiteralContext(outer, outer_i != i, quotes)
        for n in stack[:outer_i]:
            if isinstance(n, (cst.MatchValue, cst.MatchSingleton, cst.MatchPattern)):
                ctx.skip = "in a match-case pattern; fix by hand"
                return ctx
            if isinstance(n, cst.Annotation):
                ctx.skip = "in a type annotation; fix by hand"
                return ctx
            if isinstance(n, (cst.FunctionDef, cst.ClassDef)):
                ctx.words.append(n.name.value)
        parent = stack[outer_i - 1]
        scope = next((n for n in reversed(stack[:outer_i])
                      if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda))), None)
        prefix = self.facts.pydantic.get(scope.name.value) \
            if isinstance(scope, cst.ClassDef) else None
        if prefix is not None:
            if not (isinstance(parent, cst.AnnAssign) and parent.value is outer
                    and isinstance(parent.target, cst.Name) and not ctx.in_concat):
                ctx.skip = ("in a pydantic-settings class body, where an environment lookup "
                            "would run at import; fix by hand")
            elif prefix == "?":
                ctx.skip = ("a pydantic-settings field whose variable name keylint cannot tell "
                            "(env_prefix or case_sensitive); fix by hand")
            else:
                ctx.settings_field = ((prefix + parent.target.value).upper(), parent)
            return ctx
        if isinstance(parent, cst.Expr):
            block = stack[outer_i - 3] if outer_i >= 3 else None
            if isinstance(block, cst.Module):
                first = self.first_statement
            else:
                body = getattr(block, "body", None)
                first = isinstance(body, (list, tuple)) and bool(body) \
                    and body[0] is stack[outer_i - 2]
            ctx.skip = ("in a docstring (reported, not rewritten)" if first else
                        "in a bare string statement (reported, not rewritten)")
            return ctx
        top_line = stack[outer_i - 2] if outer_i >= 2 else None
        top_level = (outer_i >= 3 and isinstance(stack[outer_i - 3], cst.Module)
                     and isinstance(top_line, cst.SimpleStatementLine)
                     and len(top_line.body) == 1)
        if isinstance(parent, cst.Assign) and parent.value is outer:
            if len(parent.targets) == 1:
                t = parent.targets[0].target
                if isinstance(t, cst.Subscript) and _is_environ(t.value) and len(t.slice) == 1:
                    index = t.slice[0].slice
                    name = _string_value(index.value) if isinstance(index, cst.Index) else None
                    if name and is_env_name(name):
                        ctx.env_target = name
                        ctx.remove = parent
                else:
                    _assigned(ctx, t, None if top_level else False)
        elif isinstance(parent, cst.AnnAssign) and parent.value is outer:
            _assigned(ctx, parent.target, parent if top_level else False)
        elif isinstance(parent, cst.Arg) and parent.value is outer:
            if parent.keyword is not None:
                ctx.words.append(parent.keyword.value)
            call = stack[outer_i - 2]
            if isinstance(call, cst.Call):
                self._call_context(ctx, call, parent, stack[outer_i - 3])
        elif isinstance(parent, cst.DictElement) and parent.value is outer:
            key = _string_value(parent.key)
            if key:
                ctx.words.append(key)
                ctx.target = key
        elif isinstance(parent, cst.Param) and parent.default is outer:
            ctx.words.append(parent.name.value)
        if ctx.target:
            ctx.words.append(ctx.target)
        return ctx

    @staticmethod
    def _call_context(ctx: LiteralContext, call: cst.Call, arg: cst.Arg, above: cst.CSTNode) -> None:
        args = list(call.args)
        if len(args) < 2 or args[0].keyword is not None or args[0].star:
            return
        name = _string_value(args[0].value)
        if not name or not is_env_name(name):
            return
        is_default = (args.index(arg) == 1 and arg.keyword is None) or \
            (arg.keyword is not None and arg.keyword.value in ("default", "value"))
        if not is_default:
            return
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "setdefault" \
                and _is_environ(func.value):
            ctx.env_target = name
            if isinstance(above, cst.Expr):
                ctx.remove = above
        elif _is_getenv(func):
            ctx.env_target = name
            ctx.getenv = call


def _interleave(pieces: list[str], keys: list[str]) -> list[str]:
    out = []
    for i, p in enumerate(pieces):
        out.append(p)
        if i < len(keys):
            out.append(keys[i])
    return out


def _assigned(ctx: LiteralContext, target: cst.BaseExpression,
              annotated: cst.AnnAssign | Literal[False] | None) -> None:
    """Record what a literal is assigned to: a name (a module constant when `annotated` is not
    False, i.e. at top level; the AnnAssign itself when annotated) or an attribute."""
    if isinstance(target, cst.Name):
        ctx.target = target.value
        if annotated is not False:
            ctx.constant = (target.value, target, annotated)
    elif isinstance(target, cst.Attribute):
        ctx.target = target.attr.value


def _join(parts: Sequence[str | bytes | None]) -> str | bytes | None:
    if all(isinstance(p, str) for p in parts):
        return "".join(p for p in parts if isinstance(p, str))
    if all(isinstance(p, bytes) for p in parts):
        return b"".join(p for p in parts if isinstance(p, bytes))
    return None


def _pick_quote(own: str, enclosing: set[str], whole_plain: bool) -> str | None:
    """The quote for `os.environ["X"]`: never one an enclosing f-string uses (py < 3.12)."""
    other = "'" if own[0] == '"' else '"'
    # A replaced literal keeps its quote style; inside an f-string being built, the other quote.
    for q in ([own[0], other] if whole_plain else [other]):
        if q not in enclosing:
            return q
    return None
