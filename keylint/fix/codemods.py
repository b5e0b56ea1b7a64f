"""LibCST codemods: hard-coded keys in Python source become environment lookups.

Fix safety (see STYLE.md section 6): a key is rewritten only where the result is certain to parse
and to compute the same value when the variable holds the old value; anything else is skipped
with a one-line reason. Sources are parsed and written as bytes (CRLF, BOM, encoding cookies,
tabs and comments outside the edited spans round-trip byte-for-byte).

One source goes one way through these modules: `facts` (whole-module answers from `ast`) ->
`planner` (which literal holds each key, and how it is rewritten: `plan`) -> here, the variables
are named and `secure` decides which constants become SecureString -> `rewriter` applies the
edits, writing code through `render` -> `imports` adds what the new code needs -> here, the
result is checked (it parses; no moved key survives).

Speed: the module is parsed once, but positions are computed, and the tree is walked, only for
the top-level statements that hold a finding (or use a constant being wrapped). `ast` answers the
whole-module questions (which names are bound where, what `os` means) in a fraction of the time
LibCST's ScopeProvider takes. The import is added by hand, not by AddImportsVisitor.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import Counter
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper

from keylint.fix import secure as secure_mod
from keylint.fix.facts import Facts, module_facts
from keylint.fix.imports import insert_import
from keylint.fix.model import Change, Skip, SourceContext, SourceFix
from keylint.fix.naming import NamePicker, clear_name, is_env_name
from keylint.fix.plan import Constant, Edits, Key, LiteralContext, Plan
from keylint.fix.planner import URL_RULE, Planner
from keylint.fix.positions import NEWLINE, remap, statement_spans
from keylint.fix.render import Renderer, choose_accessor
from keylint.fix.rewriter import Rewriter
from keylint.rules import RULES_BY_ID
from keylint.scanner.engine import scan_bytes
from keylint.scanner.finding import Finding

_PASSWORD_ALONE = RULES_BY_ID["password-assignment"].env_var  # the password rule's own variable


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
        self.collapsed: list[tuple[Key, str]] = []  # getenv(NAME, key) calls become lookups
        self.skips: list[Skip] = []
        self.edits = Edits()
        self.plan_list: list[Plan] = []
        self.constants: list[Constant] = []
        self.renderer = Renderer()
        self.add_os: str | None = None
        self.add_secure = False
        self.facts = Facts()
        self.current_stmt = -1
        self.touched: set[int] = set()

    # -------------------------------------------------------------- bookkeeping
    def skip(self, key: Key, reason: str, *, error: bool = False) -> None:
        self.skips.append(Skip(key.finding, self.ctx.where(key.finding), reason, error))

    def change(self, key: Key, env_var: str, code: str, note: str = "") -> None:
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

    # -------------------------------------------------------------- naming
    def add_plan(self, plan: Plan, ctx: LiteralContext) -> None:
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
            if rule.id == URL_RULE and not plan.whole:
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
            self.constants.append(Constant(name, plan, target, ann))

    def _settings_field(self, plan: Plan, spec: tuple[str, cst.AnnAssign]) -> None:
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
        self.edits.strip_defaults.add(id(ann))
        self.touched.add(self.current_stmt)
        self.static_changes.append(Change(
            occ.key.finding, self.ctx.where(occ.key.finding), name, "(default removed)",
            f"pydantic-settings reads {name} from the environment or its env_file"))

    def _env_form(self, plan: Plan, ctx: LiteralContext) -> None:
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
            self.edits.collapse[id(ctx.getenv)] = name
            self.touched.add(self.current_stmt)
            self.collapsed.append((occ.key, name))  # reported once the accessor is chosen
            return
        occ.name = name
        self.names.claim(name, occ.value)
        if name == ctx.env_target and ctx.remove is not None:
            self.edits.removals.add(id(ctx.remove))
            self.touched.add(self.current_stmt)
            self.static_changes.append(Change(
                occ.key.finding, self.ctx.where(occ.key.finding), name, "(statement removed)",
                f"it set {name} to the key; the environment now provides it"))
            return
        self._record(plan)

    def _record(self, plan: Plan) -> None:
        self.edits.plans[id(plan.node)] = plan
        self.plan_list.append(plan)
        self.touched.add(self.current_stmt)

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
        self.facts = module_facts(tree)
        starts, codes = statement_spans(module)
        bom = self.data.startswith(b"\xef\xbb\xbf")
        text = self.data.decode(module.encoding, "replace")
        convert = remap(text)
        by_stmt: dict[int, list[Key]] = {}
        stray: list[Key] = []
        for f in self.findings:
            start = (f.line, f.column - 1 - (1 if bom and f.line == 1 else 0))
            end = (f.end_line, f.end_column - 1 - (1 if bom and f.end_line == 1 else 0))
            if convert is not None:
                start, end = convert(*start), convert(*end)
            k = Key(f, start[0], start[1], end[0], end[1])
            i = bisect.bisect_right(starts, k.line) - 1
            (by_stmt.setdefault(i, []) if i >= 0 else stray).append(k)
        for i, keys in sorted(by_stmt.items()):
            self.current_stmt = i
            stmt = module.body[i]
            planner = Planner(keys, starts[i] - 1, self.facts, test_file=self.ctx.test_file,
                              first_statement=i == 0)
            mini = module.with_changes(body=[stmt], header=(), footer=())
            MetadataWrapper(mini, unsafe_skip_copy=True).visit(planner)
            for k, reason in planner.skips:
                self.skip(k, reason)
            for plan, where in planner.plans:  # named in source order
                self.add_plan(plan, where)
            stray.extend(k for j, k in enumerate(keys) if j not in planner.claimed)
        lines = NEWLINE.split(text)
        for k in stray:
            text = lines[k.line - 1] if 0 < k.line <= len(lines) else ""
            self.skip(k, "in a comment (reported, not rewritten)" if "#" in text[:k.col]
                      else "not inside a string literal; fix by hand")
        if not self.touched:
            return self.result(self.data)
        secure = self._decide_constants(codes)
        accessor, self.add_os = choose_accessor(self.facts, min(starts[i] for i in self.touched),
                                                self.data)
        imported = secure_mod.import_name(self.facts)
        secure_name, self.add_secure = imported if imported is not None else ("SecureString",
                                                                               False)
        self.renderer = Renderer(accessor, self.facts.environb, secure_name)
        for _ in range(2):
            new_module, rewriter = self._rewrite(module, secure)
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
        new_module = self._add_imports(new_module, rewriter)
        return self._finish(new_module)

    def _decide_constants(self, codes: list[str]) -> dict[str, Constant]:
        secure: dict[str, Constant] = {}
        for c in self.constants:
            reason = secure_mod.refusal(c, self.facts, self.ctx)
            if reason is None:
                c.plan.kind = "secure"
                secure[c.name] = c
                pattern = re.compile(rf"\b{re.escape(c.name)}\b")
                self.touched.update(i for i, code in enumerate(codes) if pattern.search(code))
            elif reason:
                c.plan.note = f"plain lookup: {reason}"
        return secure

    def _rewrite(self, module: cst.Module,
                 secure: dict[str, Constant]) -> tuple[cst.Module, Rewriter]:
        rewriter = Rewriter(self.edits, self.renderer, secure)
        self.changes = list(self.static_changes)
        for key, name in self.collapsed:
            self.change(key, name, self.renderer.lookup(name, '"'),
                        "the default is gone: the variable must be set")
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
                    code = f"{self.renderer.secure_name}.from_env(\"{occ.name}\")"
                    self.change(occ.key, occ.name, code, secure_mod.uses_note(
                        rewriter.wrapped[plan.constant or ""], rewriter.refs[plan.constant or ""]))
                else:
                    self.change(occ.key, occ.name, self.renderer.lookup(
                        occ.name, '"', as_bytes=plan.is_bytes), plan.note)
        return new, rewriter

    def _add_imports(self, module: cst.Module, rewriter: Rewriter) -> cst.Module:
        if rewriter.used_env and self.add_os:
            module = insert_import(module, self.add_os, self.ctx.import_style)
        if rewriter.used_secure and self.add_secure:
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
