"""Whole-module facts for the Python fixer, from `ast`: which names are bound, loaded, imported
(and how `os`, `os.environ` and SecureString are reached), and which classes are pydantic-settings.

`ast` answers these questions in a fraction of the time LibCST's ScopeProvider takes.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field

_DYNAMIC = frozenset({"globals", "vars", "locals", "eval", "exec", "__import__"})
_SETTINGS_NAMES = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "WSGI_APPLICATION"})


@dataclass
class Facts:
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


def module_facts(tree: ast.Module) -> Facts:
    """What the fixer asks of the whole module, from one walk of its `ast`."""
    f = Facts()
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
