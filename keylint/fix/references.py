"""Is a module, or a module-level name, read from another file of the project?

A constant may become a `SecureString` only if nothing outside its module reads it: a
`from config import KEY` elsewhere would receive the wrapper and break, and so would a framework
that loads the module by name (`app.config.from_object("config")`, `import_module(...)`).

The search covers the whole project holding the file, wherever keylint runs from: the top of the
git work tree (the superproject's, when the file sits in a submodule), every checked-out
submodule included, tracked and untracked files alike; outside git, the nearest ancestor with
a `pyproject.toml`, `setup.py` or `setup.cfg`, walked by hand. When the search cannot cover the
project (git fails, no project root, too many files to walk) the answer is "it may be read",
so the caller falls back to the plain lookup. The search is deliberately coarse: a name that
appears as a word in another Python file or notebook counts.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field

_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "env", "node_modules", "__pycache__",
                        "site-packages", ".tox", ".nox", "build", "dist"})
_SUFFIXES = (".py", ".pyi", ".ipynb")
_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
_WALK_LIMIT = 20000
_READ_LIMIT = 4 * 1024 * 1024


class SearchIncomplete(Exception):
    """The project could not be searched as a whole; the message says why."""


@dataclass
class _Project:
    """A project root and how to search it: git repositories (top first) or a walk."""

    root: str
    repos: list[str] = field(default_factory=list)  # relative to root; "" is the root itself
    error: str | None = None
    files: list[str] | None = None  # walk mode: every file, relative to root

    def search(self, word: str, *, python_only: bool = True) -> list[str]:
        """Files (relative to the root) holding `word` as a word ("*": a star import)."""
        if self.error:
            raise SearchIncomplete(self.error)
        if self.files is not None:
            regex = re.compile(r"import\s+\*" if word == "*" else rf"\b{re.escape(word)}\b")
            return [p for p in self.files
                    if (not python_only or p.endswith(_SUFFIXES))
                    and regex.search(_read(os.path.join(self.root, p)))]
        args = ["-E", "-e", r"import[[:space:]]+[*]"] if word == "*" else ["-w", "-F", "-e", word]
        globs = [f"*{s}" for s in _SUFFIXES] if python_only else []
        found: list[str] = []
        for repo in self.repos:
            try:
                out = subprocess.run(
                    ["git", "-C", os.path.join(self.root, repo), "grep", "-l", "-z",
                     "--untracked", "-I", *args, "--", *globs],
                    capture_output=True, text=True, check=False)
            except OSError as exc:
                raise SearchIncomplete(f"git grep failed: {exc}") from exc
            if out.returncode not in (0, 1):
                last = (out.stderr.strip().splitlines() or ["error"])[-1]
                raise SearchIncomplete(f"git grep failed in {repo or '.'}: {last}")
            found.extend(os.path.join(repo, p) for p in out.stdout.split("\0") if p)
        return found


class Repository:
    """Name searches over the project (git work tree or marked directory) holding each file."""

    def __init__(self) -> None:
        self._projects: dict[str, _Project] = {}
        self._cache: dict[tuple[str, str, bool], list[str]] = {}

    def project(self, path: str) -> _Project:
        """The project holding `path` (cached per directory)."""
        directory = os.path.dirname(os.path.realpath(path))
        if directory not in self._projects:
            self._projects[directory] = _find_project(directory)
        return self._projects[directory]

    def _search(self, project: _Project, word: str, python_only: bool = True) -> list[str]:
        key = (project.root, word, python_only)
        if key not in self._cache:
            self._cache[key] = project.search(word, python_only=python_only)
        return self._cache[key]

    def exported(self, name: str, path: str) -> str | None:
        """Why `name` (defined in `path`) may be read elsewhere; None when it is not."""
        project = self.project(path)
        here = os.path.realpath(path)
        try:
            for other in self._search(project, name):
                if os.path.realpath(os.path.join(project.root, other)) != here:
                    return f"{name} is used elsewhere in the repository ({other})"
            stem = _module_stem(path)
            star = re.compile(rf"from\s+[\w.]*\b{re.escape(stem)}\s+import\s+\*")
            importer = self._other_file_matching(project, here, "*", star)
            if importer:
                return f"{importer} star-imports this module"
        except SearchIncomplete as exc:
            return f"cannot search the whole project for other readers ({exc})"
        return None

    def _other_file_matching(self, project: _Project, here: str, term: str, regex: re.Pattern[str],
                             *, python_only: bool = True) -> str | None:
        """The first file of the project besides `here` that holds `term` and matches `regex`."""
        for other in self._search(project, term, python_only=python_only):
            full = os.path.join(project.root, other)
            if os.path.realpath(full) != here and regex.search(_read(full)):
                return other
        return None

    def read_by_name(self, path: str) -> str | None:
        """Why the module at `path` may be loaded by name elsewhere; None when it is not.

        Any other file of the project naming the module in a string (`from_object("config")`,
        `import_module("pkg.config")`, `"pkg/config.py"`) or handing it to `getattr`, `vars`,
        `dir` (or reading its `__dict__`) counts.
        """
        project = self.project(path)
        here = os.path.realpath(path)
        stem = _module_stem(path)
        s = re.escape(stem)
        regex = re.compile(
            rf"""(["'])(?:[\w-]+[./])*{s}(?:\.pyw?)?\1"""
            rf"|\b(?:getattr|hasattr|vars|dir|getmembers)\(\s*{s}\b|\b{s}\.__dict__\b")
        try:
            loader = self._other_file_matching(project, here, stem, regex, python_only=False)
            if loader:
                return f"{loader} may load this module by name"
        except SearchIncomplete as exc:
            return f"cannot search the whole project for loaders of this module ({exc})"
        return None


def _module_stem(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem == "__init__":
        stem = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return stem


def _git(cwd: str, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", cwd, *args], capture_output=True, text=True,
                             check=False)
    except OSError:
        return None
    return out.stdout if out.returncode == 0 else None


def _find_project(directory: str) -> _Project:
    top = _git(directory, "rev-parse", "--show-toplevel")
    if top is not None and top.strip():
        root = top.strip()
        for _ in range(32):  # a submodule: its superproject is the project
            sup = _git(root, "rev-parse", "--show-superproject-working-tree")
            if sup is None or not sup.strip():
                break
            root = sup.strip()
        subs = _git(root, "submodule", "foreach", "--quiet", "--recursive",
                    'printf "%s\\0" "$displaypath"')
        if subs is None:
            return _Project(root, error="cannot list the git submodules")
        return _Project(root, repos=["", *(s for s in subs.split("\0") if s)])
    d = directory
    while True:
        if any(os.path.isfile(os.path.join(d, m)) for m in _MARKERS):
            return _walk_project(d)
        parent = os.path.dirname(d)
        if parent == d:
            return _Project(directory, error="not in a git repository, and no pyproject.toml, "
                                             "setup.py or setup.cfg above it")
        d = parent


def _walk_project(root: str) -> _Project:
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            files.append(os.path.relpath(os.path.join(dirpath, name), root))
            if len(files) > _WALK_LIMIT:
                return _Project(root, error=f"more than {_WALK_LIMIT} files under {root}")
    return _Project(root, files=files)


def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(_READ_LIMIT)
    except OSError:
        return ""
    if b"\0" in data[:8192]:
        return ""
    return data.decode("utf-8", "replace")
