"""Lookups that run when a module is imported, in modules the project's tests import.

`KEY = os.environ["OPENAI_API_KEY"]` at module level raises KeyError on import when the variable
is not set, and CI seldom has the developer's `.env`. When the tests import such a module
(directly or through the project's own modules) and nothing in the tests or the CI setup names
the variable, the fix says so instead of leaving the KeyError for CI to find.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from keylint.fix.model import Change
from keylint.fix.project import Project, is_test_path
from keylint.masking import shown_path

# Where a test run may set the variable: test code, pytest and tox settings, CI definitions.
_CI_FILES = ("pyproject.toml", "pytest.ini", "tox.ini", "setup.cfg", "noxfile.py",
             ".gitlab-ci.yml", "Makefile", "docker-compose.yml", "compose.yaml")


def import_time_reads(source: bytes, names: Iterable[str]) -> dict[str, int]:
    """Variable -> first line where the module reads it with `environ[...]` outside any
    function (module level or a class body: both run on import)."""
    wanted = set(names)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, int] = {}

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for d in getattr(node, "decorator_list", []):
                visit(d)  # decorators and defaults run on import; the body does not
            for default in (*node.args.defaults, *node.args.kw_defaults):
                if default is not None:
                    visit(default)
            return
        if isinstance(node, ast.Subscript) and _is_environ(node.value) \
                and isinstance(node.slice, ast.Constant) and node.slice.value in wanted:
            found.setdefault(str(node.slice.value), node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or \
        (isinstance(node, ast.Name) and node.id == "environ")


def module_names(rel: str) -> list[str]:
    """Dotted names a file may be imported as: `src/app/config.py` -> src.app.config,
    app.config, config (a package's `__init__.py` is the package)."""
    parts = rel.replace(os.sep, "/").removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]


def _importer(modules: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching a file that imports any of `modules`: `import m`, `from m import`,
    `from parent import last`, `import_module("m")`."""
    alternatives = []
    for module in sorted(modules):
        parent, _, last = module.rpartition(".")
        m = re.escape(module)
        alternatives += [rf"^[ \t]*import[ \t]+[^\n#]*\b{m}\b", rf"^[ \t]*from[ \t]+{m}[ \t]+import\b",
                         rf"import_module\(\s*['\"]{m}['\"]"]
        if parent:
            alternatives.append(rf"^[ \t]*from[ \t]+{re.escape(parent)}[ \t]+import[ \t(]+"
                                rf"[^)#]*\b{re.escape(last)}\b")
    return re.compile("|".join(alternatives), re.M)


def importing_tests(project: Project, path: str, limit: int = 20) -> list[str]:
    """Test files (relative to the project root) that import the module at `path`, directly
    or through other modules of the project."""
    root = project.root
    rel = os.path.relpath(os.path.realpath(path), root)
    files = project.files()
    texts = {f: _read(Path(root, f)) for f in files}
    reached = {rel}
    names = set(module_names(rel))
    tests: set[str] = set()
    fresh = set(names)
    for _ in range(limit):  # modules importing modules that import it, a bounded closure
        importer = _importer(fresh)  # each file is searched once per round, for the new names
        found = {f for f in files if f not in reached and importer.search(texts[f])}
        tests |= {f for f in found if is_test_path(f)}
        new = {f for f in found if not is_test_path(f)}
        if not new:
            break
        reached |= new
        fresh = {n for f in new for n in module_names(f)} - names
        names |= fresh
        if not fresh:
            break
    return sorted(tests)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return ""


def set_for_tests(project: Project, name: str) -> bool:
    """The tests, their settings or the CI definitions name the variable (so they may set it)."""
    root = Path(project.root)
    texts = [_read(root / f) for f in project.files() if is_test_path(f)]
    texts += [_read(root / f) for f in _CI_FILES]
    workflows = root / ".github" / "workflows"
    if workflows.is_dir():
        texts += [_read(p) for p in sorted(workflows.iterdir()) if p.suffix in (".yml", ".yaml")]
    word = re.compile(rf"\b{re.escape(name)}\b")
    return any(word.search(t) for t in texts)


def notes(display: str, path: str, source: bytes, changes: Sequence[Change],
          project: Project) -> list[str]:
    """One report line per variable read on import by a module the tests import without it
    (`display` as shown, `path` to open)."""
    reads = import_time_reads(source, (c.env_var for c in changes))
    if not reads:
        return []
    tests = importing_tests(project, path)
    if not tests:
        return []
    shown_tests = ", ".join(tests[:2]) + (f" and {len(tests) - 2} more" if len(tests) > 2 else "")
    return [f"note: {shown_path(display)}:{line}: {name} is read when the module is imported, "
            f"and {shown_tests} import{'s' if len(tests) == 1 else ''} it without setting "
            f"{name}: where the env file is not loaded (CI) the tests fail with KeyError; set "
            f"it for the tests (monkeypatch.setenv in conftest.py, or the CI job's env) or read "
            f"it inside a function"
            for name, line in reads.items() if not set_for_tests(project, name)]
