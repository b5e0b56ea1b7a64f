"""LibCST codemods: hard-coded keys in Python source become environment lookups.

Fix safety (see STYLE.md section 6): a key is rewritten only where the result is certain to parse
and to compute the same value when the variable holds the old value; anything else is skipped
with a one-line reason. Sources are parsed and written as bytes (CRLF, BOM, encoding cookies,
tabs and comments outside the edited spans round-trip byte-for-byte).

Speed: the module is parsed once, but positions are computed, and the tree is walked, only for
the top-level statements that hold a finding (or use a constant being wrapped). `ast` answers the
whole-module questions (which names are bound where, what `os` means) in a fraction of the time
LibCST's ScopeProvider takes. The import is added by hand, not by AddImportsVisitor.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from keylint.fix import dotenv
from keylint.fix.imports import insert_import
from keylint.fix.model import Change, Skip, SourceContext, SourceFix
from keylint.fix.naming import NamePicker, clear_name, is_env_name
from keylint.rules import RULES_BY_ID
from keylint.scanner.engine import scan_bytes
from keylint.scanner.finding import Finding

_BOM = "\ufeff"
_FAKE_VALUE = re.compile(r"(?i)fake|dummy|mock|stub|sample|example|invalid|bogus|not[-_]?real|test")
_FAKE_NAME = re.compile(r"(?i)fake|dummy|mock|stub|sample|example|invalid|bogus")
_DYNAMIC = frozenset({"globals", "vars", "locals", "eval", "exec", "__import__"})
_SETTINGS_NAMES = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "WSGI_APPLICATION"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "exception",
                          "log"})
_LOGGERS = frozenset({"logging", "logger", "log", "LOGGER", "LOG", "_logger", "_log"})
_ACCEPTING_CALLS = frozenset({"len", "bool", "print", "mask_api_key", "SecureString"})
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
# A password found inside a URL: the whole URL moves when the literal is just the URL;
# a password moved alone gets a password's name, not the URL's.
_URL_RULE = "connection-string"
_PASSWORD_ALONE = RULES_BY_ID["password-assignment"].env_var  # the password rule's own variable
# Modules frameworks load by name (Flask's from_object, Django settings, dir()/getattr loaders).
_CONFIG_STEM = re.compile(r"(?i)conf|settings|constants|secrets|env")


# ------------------------------------------------------------------------------ module facts
@dataclass
class _Facts:
    """Whole-module answers from `ast`: what is bound, loaded, imported, and how."""

    bindings: Counter[str] = field(default_factory=Counter)
    loads: Counter[str] = field(default_factory=Counter)
    os_bindings: Counter[str] = field(default_factory=Counter)
    environ_bindings: Counter[str] = field(default_factory=Counter)
    top_os: dict[str, int] = field(default_factory=dict)
    top_environ: dict[str, int] = field(default_factory=dict)
    top_secure: dict[str, int] = field(default_factory=dict)
    named: set[str] = field(default_factory=set)  # in __all__, or given to getattr & co
    dynamic: bool = False
    settings: bool = False
    environb: bool = False
    # pydantic-settings classes -> their env_prefix ("" none; "?": unknown or case-sensitive)
    pydantic: dict[str, str] = field(default_factory=dict)


def _facts(tree: ast.Module) -> _Facts:
    f = _Facts()
    type_params = tuple(getattr(ast, n) for n in ("TypeVar", "ParamSpec", "TypeVarTuple")
                        if hasattr(ast, n))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                f.loads[node.id] += 1
            else:
                f.bindings[node.id] += 1
        elif isinstance(node, ast.arg):
            f.bindings[node.arg] += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            f.bindings[node.name] += 1
        elif isinstance(node, ast.Import):
            for a in node.names:
                bound = a.asname or a.name.split(".")[0]
                f.bindings[bound] += 1
                if a.name == "os" or (a.asname is None and a.name.startswith("os.")):
                    f.os_bindings[bound] += 1
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.name == "*":
                    f.dynamic = True
                    continue
                bound = a.asname or a.name
                f.bindings[bound] += 1
                if node.module == "os" and not node.level and a.name == "environ":
                    f.environ_bindings[bound] += 1
        elif isinstance(node, ast.ExceptHandler) and node.name:
            f.bindings[node.name] += 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for n in node.names:
                f.bindings[n] += 1
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            f.bindings[node.name] += 1
        elif isinstance(node, ast.MatchMapping) and node.rest:
            f.bindings[node.rest] += 1
        elif type_params and isinstance(node, type_params):
            f.bindings[node.name] += 1  # pragma: no cover (python >= 3.12)
        elif isinstance(node, ast.Call):
            f.named.update(_named_by_call(node))
        elif isinstance(node, ast.Attribute) and node.attr == "environb":
            f.environb = True
    f.dynamic = f.dynamic or any(f.loads[n] for n in _DYNAMIC)
    for stmt in ast.walk(tree):
        targets = (stmt.targets if isinstance(stmt, ast.Assign) else
                   [stmt.target] if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) else [])
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            f.named.update(_strings(stmt))
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                if a.name == "os" or (a.asname is None and a.name.startswith("os.")):
                    f.top_os.setdefault(a.asname or "os", stmt.lineno)
        elif isinstance(stmt, ast.ImportFrom) and not stmt.level:
            for a in stmt.names:
                if stmt.module == "os" and a.name == "environ":
                    f.top_environ.setdefault(a.asname or a.name, stmt.lineno)
                if stmt.module in ("keylint.runtime", "keylint.runtime.keys") \
                        and a.name == "SecureString":
                    f.top_secure.setdefault(a.asname or a.name, stmt.lineno)
        elif isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in _SETTINGS_NAMES for t in stmt.targets):
            f.settings = True
    f.pydantic = _pydantic_classes(tree)
    return f


def _pydantic_classes(tree: ast.Module) -> dict[str, str]:
    """pydantic-settings classes of the module: a base named BaseSettings (or such a class of
    this module), or a `model_config = SettingsConfigDict(...)`; each with its env_prefix."""
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    found: dict[str, str] = {}
    for _ in range(len(classes)):  # until no new class is found (subclasses of subclasses)
        before = dict(found)
        for c in classes:
            bases = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute)
                     else "" for b in c.bases]
            config = _settings_config(c)
            inherited = [found[b] for b in bases if b in found]
            if "BaseSettings" in bases or inherited or config is not None:
                found[c.name] = config if config is not None else \
                    (inherited[0] if inherited else "")
        if found == before:
            break
    return found


def _settings_config(cls: ast.ClassDef) -> str | None:
    """The env_prefix a class body sets (`model_config = SettingsConfigDict(...)` or a
    `class Config`): "" none, "?" unknown or case-sensitive; None when the body sets none."""
    for stmt in cls.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        targets = (stmt.targets if isinstance(stmt, ast.Assign) else
                   [stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
        if isinstance(value, ast.Call) and any(
                isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
            func = value.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else ""
            if name in ("SettingsConfigDict", "dict"):
                return _prefix_of({k.arg: k.value for k in value.keywords})
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            opts: dict[str | None, ast.expr] = {t.id: s.value for s in stmt.body if isinstance(s, ast.Assign)
                    for t in s.targets if isinstance(t, ast.Name)}
            return _prefix_of(opts)
    return None


def _prefix_of(options: dict[str | None, ast.expr]) -> str:
    if None in options:  # **kwargs: cannot tell
        return "?"
    case = options.get("case_sensitive")
    if case is not None and not (isinstance(case, ast.Constant) and case.value is False):
        return "?"
    prefix = options.get("env_prefix")
    if prefix is None:
        return ""
    if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str):
        return prefix.value
    return "?"


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _named_by_call(call: ast.Call) -> set[str]:
    """Names a call refers to by string: getattr(m, "K"), __all__.append("K")."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in ("getattr", "setattr", "hasattr", "delattr"):
        return set().union(*(_strings(a) for a in call.args[1:2]))
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id == "__all__":
        return set().union(*(_strings(a) for a in call.args))
    return set()


# ------------------------------------------------------------------------------ plans
@dataclass
class _Key:
    """A finding located in this source: 1-based line, 0-based character column (no BOM)."""

    finding: Finding
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass
class _Occ:
    """One key inside one literal: its span in the literal's raw text and its runtime value."""

    key: _Key
    start: int
    end: int
    value: str
    name: str = ""


@dataclass
class _Plan:
    """How one string literal (or one f-string text part) is rewritten."""

    node: cst.CSTNode
    occs: list[_Occ]
    texts: list[str]  # raw text around the keys: len(occs) + 1 pieces
    prefix: str  # as written, without `f`
    quote: str
    lookup_quote: str
    whole: bool
    is_bytes: bool
    fstring: bool  # the literal already is an f-string (text part replacement)
    in_concat: bool
    kind: str = "lookup"  # lookup | secure
    constant: str | None = None
    note: str = ""


@dataclass
class _Constant:
    """A module-level `NAME = "<key>"`: may become `SecureString.from_env(...)`."""

    name: str
    plan: _Plan
    target: cst.Name
    annotated: cst.AnnAssign | None


@dataclass
class _Context:
    """Where a literal sits, as far as fixing it is concerned."""

    outer: cst.CSTNode
    in_concat: bool
    quotes: set[str]
    skip: str | None = None
    target: str | None = None
    env_target: str | None = None
    remove: cst.CSTNode | None = None  # the small statement a self-assignment would be
    getenv: cst.Call | None = None
    words: list[str] = field(default_factory=list)
    constant: tuple[str, cst.Name, cst.AnnAssign | None] | None = None
    settings_field: tuple[str, cst.AnnAssign] | None = None  # a pydantic-settings default


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


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _offset(text: str, start: tuple[int, int], line: int, col: int) -> int:
    """Offset in `text` (which starts at `start`) of the position (line, col)."""
    if line == start[0]:
        return col - start[1]
    for n, m in enumerate(_NEWLINE.finditer(text), start=1):
        if n == line - start[0]:
            return m.end() + col
    return -1


def _line_count(code: str) -> int:
    """Line breaks as Python counts them (CRLF, CR or LF)."""
    return code.count("\n") + code.count("\r") - code.count("\r\n")


def _remap(text: str) -> Callable[[int, int], tuple[int, int]] | None:
    """Maps the scanner's (line, col), with lines split at LF only, to Python's lines.

    None when the two agree, i.e. when the text has no bare CR line break.
    """
    if not re.search(r"\r(?!\n)", text):
        return None
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    breaks = [m.end() for m in _NEWLINE.finditer(text)]

    def convert(line: int, col: int) -> tuple[int, int]:
        off = starts[min(line, len(starts)) - 1] + col
        i = bisect.bisect_right(breaks, off)
        return i + 1, off - (breaks[i - 1] if i else 0)
    return convert


# ------------------------------------------------------------------------------ planner
class _Planner(cst.CSTVisitor):
    """Maps keys to the literals that hold them and decides how each is rewritten."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, fixer: _Fixer, keys: list[_Key], offset: int) -> None:
        super().__init__()
        self.fixer = fixer
        self.keys = keys
        self.offset = offset
        self.stack: list[cst.CSTNode] = []
        self.claimed: set[int] = set()

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
                        self.fixer.skip(k, "in an f-string format spec; fix by hand")
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    # -------------------------------------------------------------- locating
    def _range(self, node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
        r = self.get_metadata(PositionProvider, node)
        return ((r.start.line + self.offset, r.start.column),
                (r.end.line + self.offset, r.end.column))

    def _claim(self, node: cst.CSTNode) -> tuple[list[_Key], tuple[int, int]]:
        start, end = self._range(node)
        found = []
        for i, k in enumerate(self.keys):
            if i in self.claimed or not (start <= (k.line, k.col) < end):
                continue
            self.claimed.add(i)
            if (k.end_line, k.end_col) > end:
                self.fixer.skip(k, "the key runs past the end of its literal (split across "
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
        located = [(_offset(node.value, start, k.line, k.col) - head, k) for k in keys]
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
                per_part.append((part, [(_offset(part.value, start, k.line, k.col), k)
                                        for k in keys]))
        if not per_part:
            return
        for part, located in per_part:
            self._plan(part, part.value, located, plain_prefix, quote, fstring=True, owner=node)

    def _plan(self, node: cst.CSTNode, body: str, located: list[tuple[int, _Key]],
              prefix: str, quote: str, *, fstring: bool,
              owner: cst.CSTNode | None = None) -> None:
        fx = self.fixer
        keys = [k for _, k in located]
        ctx = self._context(owner or node)
        if ctx.skip:
            for k in keys:
                fx.skip(k, ctx.skip)
            return
        located.sort(key=lambda t: t[0])
        pieces: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for off, k in located:
            raw = k.finding.secret
            if off < pos or body[off:off + len(raw)] != raw:
                for kk in keys:
                    fx.skip(kk, "could not find the key's text in its literal; fix by hand")
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
                fx.skip(k, "the key is written with escape sequences; fix by hand")
            return
        is_bytes = isinstance(whole_value, bytes)
        values: list[str] = []
        for p in parts[1::2]:
            try:
                values.append(p.decode("utf-8") if isinstance(p, bytes) else str(p))
            except UnicodeDecodeError:
                for k in keys:
                    fx.skip(k, "bytes literal that is not UTF-8; fix by hand")
                return
        whole = len(keys) == 1 and pieces[0] == "" and pieces[-1] == ""
        if len(keys) == 1 and keys[0].finding.rule_id == _URL_RULE and not fstring \
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
                fx.skip(k, reason)
            return
        # Outside a string (a replaced literal, a bytes concatenation) the lookup keeps the
        # literal's quote style; inside an f-string it takes the other quote.
        outside = (whole and not fstring and not ctx.in_concat) or is_bytes
        lookup_quote = _pick_quote(quote, ctx.quotes, outside)
        if lookup_quote is None:
            for k in keys:
                fx.skip(k, "nested f-strings already use both quote characters; fix by hand")
            return
        occs = [_Occ(k, s, e, v) for k, (s, e), v in zip(keys, spans, values, strict=True)]
        plan = _Plan(node, occs, pieces, prefix, quote, lookup_quote, whole, is_bytes, fstring,
                     ctx.in_concat)
        fx.add_plan(plan, ctx)

    # -------------------------------------------------------------- context
    def _refusal(self, ctx: _Context, whole: bool, is_bytes: bool, fstring: bool, prefix: str,
                 pieces: list[str], values: list[str]) -> str | None:
        fx = self.fixer
        if fx.ctx.test_file and (any(_FAKE_VALUE.search(v) for v in values)
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

    def _context(self, atom: cst.CSTNode) -> _Context:
        stack = self.stack
        i = len(stack) - 1
        while stack[i] is not atom:
            i -= 1
        outer_i = i
        while outer_i > 0 and isinstance(stack[outer_i - 1], cst.ConcatenatedString):
            outer_i -= 1
        outer = stack[outer_i]
        quotes = {n.quote[0] for n in stack[:i] if isinstance(n, cst.FormattedString)}
        ctx = _Context(outer, outer_i != i, quotes)
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
        prefix = self.fixer.facts.pydantic.get(scope.name.value) \
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
                first = self.fixer.current_stmt == 0
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
    def _call_context(ctx: _Context, call: cst.Call, arg: cst.Arg, above: cst.CSTNode) -> None:
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


def _assigned(ctx: _Context, target: cst.BaseExpression,
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


# ------------------------------------------------------------------------------ rewriter
class _Rewriter(cst.CSTTransformer):
    """Applies the plans: literal swaps, self-assignments removed, constant uses unwrapped."""

    def __init__(self, fixer: _Fixer, secure: dict[str, _Constant]) -> None:
        super().__init__()
        self.fx = fixer
        self.secure = secure
        self.targets = {id(c.target) for c in secure.values()}
        self.annotations = {id(c.annotated) for c in secure.values() if c.annotated is not None}
        self.stack: list[cst.CSTNode] = []
        self.refs: Counter[str] = Counter()
        self.wrapped: Counter[str] = Counter()
        self.emptied: set[int] = set()
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
        plan = self.fx.plans.get(id(original))
        if plan is None:
            return updated  # type: ignore[no-any-return]
        code = self.fx.render(plan)
        new = cst.parse_expression(code)
        if plan.is_bytes and not plan.whole and not updated.lpar:
            return new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_FormattedStringText(
        self, original_node: cst.FormattedStringText, updated_node: cst.FormattedStringText
    ) -> Any:
        plan = self.fx.plans.get(id(original_node))
        if plan is None:
            return updated_node
        new = cst.parse_expression(self.fx.render(plan))
        assert isinstance(new, cst.FormattedString)
        return cst.FlattenSentinel(new.parts)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        name = self.fx.collapse.get(id(original_node))
        if name is None:
            return updated_node
        self.fx.used_env = True
        new = cst.parse_expression(self.fx.lookup(name, '"'))
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    # -------------------------------------------------------------- constants
    def leave_AnnAssign(self, original_node: cst.AnnAssign,
                        updated_node: cst.AnnAssign) -> cst.AnnAssign:
        if id(original_node) in self.fx.strip_defaults:
            return updated_node.with_changes(value=None, equal=cst.MaybeSentinel.DEFAULT)
        if id(original_node) in self.annotations:
            return updated_node.with_changes(annotation=updated_node.annotation.with_changes(
                annotation=cst.Name(self.fx.secure_name())))
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
        keep = [u for o, u in zip(original, updated, strict=True) if id(o) not in self.fx.removals]
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
            self.emptied.add(id(emptied))
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


# ------------------------------------------------------------------------------ the fixer
class _Fixer:
    """One source: plans every key, decides the constants, rewrites, adds imports, verifies."""

    def __init__(self, data: bytes, findings: Sequence[Finding], ctx: SourceContext,
                 names: NamePicker) -> None:
        self.data = data
        self.findings = list(findings)
        self.ctx = ctx
        self.names = names
        self.changes: list[Change] = []
        self.static_changes: list[Change] = []
        self.skips: list[Skip] = []
        self.plans: dict[int, _Plan] = {}
        self.plan_list: list[_Plan] = []
        self.removals: set[int] = set()
        self.collapse: dict[int, str] = {}
        self.strip_defaults: set[int] = set()
        self.constants: list[_Constant] = []
        self.accessor: tuple[str, str] = ("module", "os")
        self.add_os: str | None = None
        self.secure_alias: str | None = None
        self.add_secure = False
        self.used_env = False
        self.used_secure = False
        self.facts = _Facts()
        self.current_stmt = -1
        self.touched: set[int] = set()

    # -------------------------------------------------------------- bookkeeping
    def skip(self, key: _Key, reason: str, *, error: bool = False) -> None:
        self.skips.append(Skip(key.finding, self.ctx.where(key.finding), reason, error))

    def change(self, key: _Key, env_var: str, code: str, note: str = "") -> None:
        self.changes.append(Change(key.finding, self.ctx.where(key.finding), env_var, code, note))

    def result(self, source: bytes, error: str | None = None) -> SourceFix:
        order = {id(f): i for i, f in enumerate(self.findings)}
        self.changes.sort(key=lambda c: order.get(id(c.finding), 0))
        self.skips.sort(key=lambda s: order.get(id(s.finding), 0))
        return SourceFix(source, self.changes, self.skips, error)

    def fail(self, reason: str) -> SourceFix:
        """Leave the whole source untouched: every key is skipped with `reason` (an error)."""
        self.changes = []
        self.skips = [Skip(f, self.ctx.where(f), reason, True) for f in self.findings]
        return self.result(self.data, reason)

    # -------------------------------------------------------------- planning
    def add_plan(self, plan: _Plan, ctx: _Context) -> None:
        """Name each key of a literal, pick the special forms, and record the plan."""
        rule_of = [RULES_BY_ID[o.key.finding.rule_id] for o in plan.occs]
        if ctx.settings_field is not None:
            self._settings_field(plan, ctx.settings_field)
            return
        if plan.whole and not plan.fstring and ctx.env_target and not ctx.in_concat:
            self._env_form(plan, ctx)
            return
        for occ, rule in zip(plan.occs, rule_of, strict=True):
            preferred = rule.env_var
            if rule.id == _URL_RULE and not plan.whole:
                preferred = _PASSWORD_ALONE
            if plan.whole and not ctx.in_concat and clear_name(ctx.target,
                                                               generic_rule=rule.generic):
                assert ctx.target is not None
                preferred = ctx.target
            name = self.names.name_for(preferred, occ.value)
            if name is None:
                for o in plan.occs:
                    self.skip(o.key, f"no variable in the environment holds this key "
                                     f"(--no-env-file): set {preferred} first")
                return
            occ.name = name
        for occ in plan.occs:
            self.names.claim(occ.name, occ.value)
        self._record(plan)
        if plan.whole and not ctx.in_concat and ctx.constant and not plan.is_bytes \
                and not plan.fstring:
            name, target, ann = ctx.constant
            plan.constant = name
            self.constants.append(_Constant(name, plan, target, ann))

    def _settings_field(self, plan: _Plan, spec: tuple[str, cst.AnnAssign]) -> None:
        """A pydantic-settings default: removed, when pydantic reads the chosen variable."""
        wanted, ann = spec
        occ = plan.occs[0]
        if not plan.whole or plan.fstring or plan.is_bytes or len(plan.occs) != 1:
            for o in plan.occs:
                self.skip(o.key, "part of a pydantic-settings default; fix by hand")
            return
        if not is_env_name(wanted):
            self.skip(occ.key, f"pydantic-settings would read {wanted}, which is not a valid "
                               "variable name; fix by hand")
            return
        name = self.names.name_for(wanted, occ.value, forced=True)
        if name is None:
            self.skip(occ.key, f"no variable in the environment holds this key "
                               f"(--no-env-file): set {wanted} first")
            return
        if name != wanted:
            self.skip(occ.key, f"pydantic-settings reads {wanted}, which already holds a "
                               f"different value {self.names.taken_where(wanted)}; fix by hand")
            return
        self.names.claim(name, occ.value)
        self.strip_defaults.add(id(ann))
        self.touched.add(self.current_stmt)
        self.static_changes.append(Change(
            occ.key.finding, self.ctx.where(occ.key.finding), name, "(default removed)",
            f"pydantic-settings reads {name} from the environment or its env_file"))

    def _env_form(self, plan: _Plan, ctx: _Context) -> None:
        occ = plan.occs[0]
        assert ctx.env_target is not None
        name = self.names.name_for(ctx.env_target, occ.value, forced=True)
        if name is None:
            self.skip(occ.key, f"no variable in the environment holds this key "
                               f"(--no-env-file): set {ctx.env_target} first")
            return
        if ctx.getenv is not None:
            if name != ctx.env_target:
                self.skip(occ.key, f"{ctx.env_target} already holds a different value "
                                   f"{self.names.taken_where(ctx.env_target)}, so this default "
                                   "cannot move there; fix by hand")
                return
            self.names.claim(name, occ.value)
            self.collapse[id(ctx.getenv)] = name
            self.touched.add(self.current_stmt)
            self.static_changes.append(Change(
                occ.key.finding, self.ctx.where(occ.key.finding), name, self.lookup(name, '"'),
                "the default is gone: the variable must be set"))
            return
        occ.name = name
        self.names.claim(name, occ.value)
        if name == ctx.env_target and ctx.remove is not None:
            self.removals.add(id(ctx.remove))
            self.touched.add(self.current_stmt)
            self.static_changes.append(Change(
                occ.key.finding, self.ctx.where(occ.key.finding), name, "(statement removed)",
                f"it set {name} to the key; the environment now provides it"))
            return
        self._record(plan)

    def _record(self, plan: _Plan) -> None:
        self.plans[id(plan.node)] = plan
        self.plan_list.append(plan)
        self.touched.add(self.current_stmt)

    # -------------------------------------------------------------- rendering
    def lookup(self, name: str, q: str, *, as_bytes: bool = False) -> str:
        """The expression reading `name` from the environment, with quote `q`."""
        kind, acc = self.accessor
        if kind == "environ":
            base = f"{acc}[{q}{name}{q}]"
        elif as_bytes and self.facts.environb:
            return f"{acc}.environb[b{q}{name}{q}]"
        else:
            base = f"{acc}.environ[{q}{name}{q}]"
        return f"{base}.encode()" if as_bytes else base

    def secure_name(self) -> str:
        """The name SecureString is imported under."""
        return self.secure_alias or "SecureString"

    def render(self, plan: _Plan) -> str:
        """The code replacing a planned literal (or f-string text part)."""
        q = plan.lookup_quote
        if plan.kind == "secure":
            self.used_secure = True
            return f"{self.secure_name()}.from_env({q}{plan.occs[0].name}{q})"
        self.used_env = True
        if plan.whole and not plan.in_concat:
            return self.lookup(plan.occs[0].name, q, as_bytes=plan.is_bytes)
        if plan.is_bytes:
            bits = []
            for i, text in enumerate(plan.texts):
                if text:
                    bits.append(f"{plan.prefix}{plan.quote}{text}{plan.quote}")
                if i < len(plan.occs):
                    bits.append(self.lookup(plan.occs[i].name, q, as_bytes=True))
            return " + ".join(bits)
        prefix = plan.prefix.replace("u", "").replace("U", "") + "f"
        out = [prefix, plan.quote]
        for i, text in enumerate(plan.texts):
            out.append(text if plan.fstring else text.replace("{", "{{").replace("}", "}}"))
            if i < len(plan.occs):
                out.append("{" + self.lookup(plan.occs[i].name, q) + "}")
        out.append(plan.quote)
        return "".join(out)

    # -------------------------------------------------------------- the run
    def run(self) -> SourceFix:
        try:
            tree = ast.parse(self.data)
        except SyntaxError as exc:
            return self.fail(f"syntax error at line {exc.lineno}: {exc.msg}; file left untouched")
        except ValueError as exc:
            return self.fail(f"cannot parse: {exc}; file left untouched")
        try:
            module = cst.parse_module(self.data)
        except cst.ParserSyntaxError as exc:
            return self.fail(f"LibCST cannot parse line {exc.raw_line}: "
                             f"{str(exc.message).splitlines()[0]}; file left untouched")
        self.facts = _facts(tree)
        starts, codes = _spans(module)
        bom = self.data.startswith(b"\xef\xbb\xbf")
        text = self.data.decode(module.encoding, "replace")
        remap = _remap(text)
        by_stmt: dict[int, list[_Key]] = {}
        stray: list[_Key] = []
        for f in self.findings:
            start = (f.line, f.column - 1 - (1 if bom and f.line == 1 else 0))
            end = (f.end_line, f.end_column - 1 - (1 if bom and f.end_line == 1 else 0))
            if remap is not None:
                start, end = remap(*start), remap(*end)
            k = _Key(f, start[0], start[1], end[0], end[1])
            i = bisect.bisect_right(starts, k.line) - 1
            (by_stmt.setdefault(i, []) if i >= 0 else stray).append(k)
        for i, keys in sorted(by_stmt.items()):
            self.current_stmt = i
            stmt = module.body[i]
            planner = _Planner(self, keys, starts[i] - 1)
            mini = module.with_changes(body=[stmt], header=(), footer=())
            MetadataWrapper(mini, unsafe_skip_copy=True).visit(planner)
            stray.extend(k for j, k in enumerate(keys) if j not in planner.claimed)
        lines = _NEWLINE.split(text)
        for k in stray:
            text = lines[k.line - 1] if 0 < k.line <= len(lines) else ""
            self.skip(k, "in a comment (reported, not rewritten)" if "#" in text[:k.col]
                      else "not inside a string literal; fix by hand")
        if not self.touched:
            return self.result(self.data)
        secure = self._decide_constants(codes)
        self._choose_accessor(starts)
        for _ in range(2):
            new_module, rewriter = self._rewrite(module, secure, codes)
            lost = [n for n, c in secure.items() if rewriter.refs[n] != self.facts.loads[n]]
            if not lost:
                break
            for n in lost:  # a use we could not follow: fall back to the plain lookup
                c = secure.pop(n)
                c.plan.kind = "lookup"
                c.plan.note = f"plain lookup: {rewriter.refused[n]}" if n in rewriter.refused \
                    else f"plain lookup: could not follow every use of {n}"
        else:  # pragma: no cover (the second pass has no constants left to lose)
            return self.fail("internal error: uses of a constant changed between passes")
        new_module = self._add_imports(new_module)
        return self._finish(new_module)

    def _decide_constants(self, codes: list[str]) -> dict[str, _Constant]:
        secure: dict[str, _Constant] = {}
        for c in self.constants:
            reason = self._secure_refusal(c)
            if reason is None:
                c.plan.kind = "secure"
                secure[c.name] = c
                pattern = re.compile(rf"\b{re.escape(c.name)}\b")
                self.touched.update(i for i, code in enumerate(codes) if pattern.search(code))
            elif reason:
                c.plan.note = f"plain lookup: {reason}"
        return secure

    def _secure_refusal(self, c: _Constant) -> str | None:
        f = self.facts
        if not self.ctx.secure_string or self.ctx.notebook:
            return ""
        if c.annotated is not None:
            ann = c.annotated.annotation.annotation
            if not (isinstance(ann, cst.Name) and ann.value == "str"):
                return f"{c.name} has an annotation other than str"
        if f.settings or self.ctx.path.rsplit("/", 1)[-1] == "settings.py" \
                or "/settings/" in f"/{self.ctx.path}":
            return "a settings module: the framework reads its names"
        stem = re.split(r"[\\/]", self.ctx.path)[-1].rsplit(".", 1)[0]
        if stem == "__init__":
            return "a package __init__: other code may read its names"
        if _CONFIG_STEM.search(stem):
            return "a configuration module: a framework may read its names by name"
        if c.name in f.named:
            return f"{c.name} is exported by __all__ or read by getattr()"
        if f.dynamic:
            return "the module uses globals(), vars(), exec or a star import"
        if f.bindings[c.name] != 1:
            return f"{c.name} is assigned more than once or shadowed"
        if not f.loads[c.name]:
            return f"{c.name} is not used in this module, so it may be read from elsewhere"
        alias = next(iter(f.top_secure), None)
        if alias is not None and f.bindings[alias] == 1:
            self.secure_alias = alias
        elif f.bindings["SecureString"] or f.loads["SecureString"]:
            return "the name SecureString is taken"
        else:
            self.add_secure = True
        exported = self.ctx.exported(c.name) or self.ctx.read_by_name()
        if exported:
            return exported
        return None

    def _choose_accessor(self, starts: list[int]) -> None:
        f = self.facts
        first = min(starts[i] for i in self.touched)

        def os_safe(alias: str) -> bool:
            return f.bindings[alias] == f.os_bindings[alias]

        early = {a: ln for a, ln in f.top_os.items() if ln < first and os_safe(a)}
        environ = {a: ln for a, ln in f.top_environ.items()
                   if ln < first and f.bindings[a] == f.environ_bindings[a]}
        if "os" in early:
            self.accessor = ("module", "os")
        elif early:
            self.accessor = ("module", next(iter(early)))
        elif environ:
            self.accessor = ("environ", next(iter(environ)))
        elif os_safe("os"):
            self.accessor = ("module", "os")
            self.add_os = "import os"
        else:
            text = self.data.decode("utf-8", "replace")
            n = 0
            alias = "_os"
            while re.search(rf"\b{alias}\b", text):
                n += 1
                alias = f"_keylint_os{n if n > 1 else ''}"
            self.accessor = ("module", alias)
            self.add_os = f"import os as {alias}"

    def _rewrite(self, module: cst.Module, secure: dict[str, _Constant],
                 codes: list[str]) -> tuple[cst.Module, _Rewriter]:
        rewriter = _Rewriter(self, secure)
        self.changes = list(self.static_changes)
        self.used_env = self.used_secure = False
        body = list(module.body)
        for i in sorted(self.touched):
            visited = body[i].visit(rewriter)
            assert isinstance(visited, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            body[i] = visited
        new_body, footer = rewriter.drop_emptied(body, list(module.footer))
        new = module.with_changes(body=new_body if new_body is not None else body,
                                  footer=footer)
        for plan in self.plan_list:
            for occ in plan.occs:
                if plan.kind == "secure":
                    code = f"{self.secure_name()}.from_env(\"{occ.name}\")"
                    self.change(occ.key, occ.name, code, _secure_note(
                        rewriter.wrapped[plan.constant or ""], rewriter.refs[plan.constant or ""]))
                else:
                    self.change(occ.key, occ.name,
                                self.lookup(occ.name, '"', as_bytes=plan.is_bytes), plan.note)
        return new, rewriter

    def _add_imports(self, module: cst.Module) -> cst.Module:
        if self.used_env and self.add_os:
            module = insert_import(module, self.add_os, self.ctx.import_style)
        if self.used_secure and self.add_secure:
            module = insert_import(module, "from keylint.runtime import SecureString",
                                   self.ctx.import_style)
        return module

    def _finish(self, module: cst.Module) -> SourceFix:
        new = module.bytes
        try:
            ast.parse(new)
        except (SyntaxError, ValueError):  # pragma: no cover (a bug: never write it)
            return self.fail("internal error: the rewrite would not parse; file left untouched")

        def count(data: bytes) -> Counter[str]:
            return Counter(f.hashed_secret for f in scan_bytes(data, self.ctx.path,
                                                                self.ctx.detector))

        before, after = count(self.data), count(new)
        moved = Counter(c.finding.hashed_secret for c in self.changes)
        if any(after[h] > before[h] - n for h, n in moved.items()):  # pragma: no cover (a bug)
            return self.fail("internal error: a key would survive the rewrite; "
                             "file left untouched")
        return self.result(new)


def _secure_note(wrapped: int, uses: int) -> str:
    kept = uses - wrapped
    note = f"{wrapped} use{'s' if wrapped != 1 else ''} now call{'' if wrapped != 1 else 's'} " \
        ".get_secret_value()"
    if kept:
        note += f"; {kept} take{'' if kept != 1 else 's'} the SecureString as is (==, len, " \
            "truth tests; print and logging show it masked)"
    return note


def _spans(module: cst.Module) -> tuple[list[int], list[str]]:
    """First line (1-based, leading comments included) and code of each top-level statement."""
    line = 1 + sum(_line_count(module.code_for_node(h)) for h in module.header)
    starts, codes = [], []
    for stmt in module.body:
        code = module.code_for_node(stmt)
        starts.append(line)
        codes.append(code)
        line += _line_count(code)
    return starts, codes


# ------------------------------------------------------------------------------ entry point
def fix_source(data: bytes, findings: Sequence[Finding], ctx: SourceContext,
               names: NamePicker) -> SourceFix:
    """Rewrite every fixable key among `findings` (found in `data`) into an env lookup.

    `names` allocates the variables (work on a fork; adopt it when the result is kept). The
    source comes back unchanged, with every finding skipped, when it does not parse or a check
    of the result fails; otherwise each finding is either a change or a skip with a reason.
    """
    if not findings:
        return SourceFix(data)
    return _Fixer(data, findings, ctx, names).run()
