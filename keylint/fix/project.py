"""What the fix needs to know about the project a file belongs to, read from its own files.

- its declared runtime dependencies (pyproject `[project]` / Poetry / Pipfile, requirements
  files, setup.cfg / setup.py `install_requires`): fixed code uses `SecureString` only when the
  project already depends on keylint, so a fix never adds a dependency nobody chose;
- whether it loads an env file itself (python-dotenv, pydantic-settings, django-environ, ...);
- its import style (isort or ruff settings), so an added import is where its linter wants it.

The project root is the nearest directory, from the file up to the top of its git work tree,
holding a pyproject.toml, setup.cfg, setup.py or requirements file. Dev, test and docs
requirements are not runtime dependencies: a project that runs keylint as a pre-commit hook
does not ship it.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "requirements.txt", "Pipfile")
KEYLINT = frozenset({"keylint", "keylint-runtime"})
# Distribution -> what a user recognises; any of them loads an env file into the process.
LOADERS = {
    "python-dotenv": "python-dotenv", "pydantic-settings": "pydantic-settings",
    "django-environ": "django-environ", "environs": "environs",
    "python-decouple": "python-decouple", "dynaconf": "dynaconf",
    "django-dotenv": "django-dotenv", "flask-dotenv": "flask-dotenv",
}
# Modules that load an env file, by the distribution that provides them.
_LOADER_MODULES = {"dotenv": "python-dotenv", "pydantic_settings": "pydantic-settings",
                   "environ": "django-environ", "environs": "environs",
                   "decouple": "python-decouple", "dynaconf": "dynaconf"}
_DEV = re.compile(r"(?i)(^|[-_.])(dev|test|tests|testing|lint|docs?|ci|tox|typing|mypy|bench)"
                  r"([-_.]|$)")


def is_test_path(display: str) -> bool:
    """A test module or a file under a tests directory."""
    parts = display.replace("\\", "/").split("/")
    name = parts[-1]
    return (any(p in ("tests", "test", "testing") for p in parts[:-1])
            or name.startswith("test_") or name.endswith("_test.py")
            or name in ("conftest.py", "tests.py"))


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(req: str) -> str:
    """`keylint>=0.1; python_version>'3'` -> `keylint` (normalized); "" for options and URLs."""
    req = req.strip()
    m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)", req)
    return normalize(m.group(1)) if m and not req.startswith("-") else ""


@dataclass
class ImportStyle:
    """The isort/ruff settings that decide where a new import goes."""

    known_first_party: frozenset[str] = frozenset()
    known_third_party: frozenset[str] = frozenset()
    force_single_line: bool = False
    force_sort_within_sections: bool = False
    from_first: bool = False
    case_sensitive: bool = False
    lines_after_imports: int = -1  # -1: two before a def or class, else one
    first_party_roots: tuple[str, ...] = ()  # directories whose top-level modules are first-party
    source: str = ""  # where the settings came from ("" defaults)

    def section(self, module: str) -> int:
        """0 future, 1 standard library, 2 third party, 3 first party (ruff's default order)."""
        top = module.split(".")[0]
        if top == "__future__":
            return 0
        for name in (module, top):
            if name in self.known_first_party:
                return 3
            if name in self.known_third_party:
                return 2
        if top in _STDLIB:
            return 1
        for root in self.first_party_roots:
            if os.path.isdir(os.path.join(root, top)) or os.path.isfile(
                    os.path.join(root, f"{top}.py")):
                return 3
        return 2


_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"os", "sys"}
_UNKNOWN = object()


@dataclass
class Project:
    """Facts about one project (see the module docstring)."""

    root: str
    dependencies: dict[str, str] = field(default_factory=dict)  # name -> file declaring it
    style: ImportStyle = field(default_factory=ImportStyle)
    name: str = ""  # the project's own distribution name
    _files: list[str] | None = field(default=None, repr=False)
    _loader: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._loader = _UNKNOWN

    @property
    def loader(self) -> tuple[str, str] | None:
        """(the env-file loader the project uses, where it was found); None when none is."""
        if self._loader is _UNKNOWN:
            self._loader = _loader_in(self.dependencies) or _loader_in_sources(self.root,
                                                                               self.files())
        return self._loader  # type: ignore[return-value]

    def files(self) -> list[str]:
        """The project's Python files, relative to the root (read once)."""
        if self._files is None:
            self._files = python_files(self.root)
        return self._files

    @property
    def depends_on_keylint(self) -> bool:
        """keylint (or keylint-runtime) is a declared runtime dependency, or this is keylint."""
        return bool(KEYLINT & set(self.dependencies)) or self.name in KEYLINT


def find_root(path: str) -> str:
    """The project root holding `path` (see the module docstring)."""
    directory = os.path.dirname(os.path.realpath(path))
    top = _git_top(directory)
    current = directory
    while True:
        if any(os.path.isfile(os.path.join(current, m)) for m in _MARKERS):
            return current
        parent = os.path.dirname(current)
        if current == top or parent == current:
            return top or directory
        current = parent


def _git_top(directory: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", directory, "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=False)
    except OSError:
        return None
    top = out.stdout.strip()
    return os.path.realpath(top) if out.returncode == 0 and top else None


def load(root: str) -> Project:
    """Read the project at `root`: dependencies, env loader, import style."""
    pyproject = _toml(os.path.join(root, "pyproject.toml"))
    deps: dict[str, str] = {}
    name = _pyproject_deps(pyproject, deps)
    _pipfile_deps(root, deps)
    _requirements_deps(root, deps)
    _setup_deps(root, deps)
    return Project(root=root, dependencies=deps, name=name, style=_style(root, pyproject))


def _toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _add(deps: dict[str, str], reqs: Iterable[Any], where: str) -> None:
    for req in reqs:
        if isinstance(req, str) and requirement_name(req):
            deps.setdefault(requirement_name(req), where)


def _pyproject_deps(data: dict[str, Any], deps: dict[str, str]) -> str:
    project = data.get("project", {})
    if isinstance(project, dict):
        _add(deps, project.get("dependencies", []) or [], "pyproject.toml")
    poetry = data.get("tool", {}).get("poetry", {})
    if isinstance(poetry, dict) and isinstance(poetry.get("dependencies"), dict):
        _add(deps, [n for n in poetry["dependencies"] if n != "python"], "pyproject.toml")
    name = project.get("name") if isinstance(project, dict) else None
    name = name or (poetry.get("name") if isinstance(poetry, dict) else None)
    return normalize(name) if isinstance(name, str) else ""


def _pipfile_deps(root: str, deps: dict[str, str]) -> None:
    packages = _toml(os.path.join(root, "Pipfile")).get("packages", {})
    if isinstance(packages, dict):
        _add(deps, list(packages), "Pipfile")


def _requirements_deps(root: str, deps: dict[str, str]) -> None:
    """requirements*.txt at the root and requirements/*.txt, dev/test/docs ones excepted;
    `-r other.txt` followed one level."""
    files = [os.path.join(root, n) for n in sorted(_listdir(root))
             if n.startswith("requirements") and n.endswith(".txt")]
    sub = os.path.join(root, "requirements")
    files += [os.path.join(sub, n) for n in sorted(_listdir(sub)) if n.endswith(".txt")]
    seen: set[str] = set()
    todo = [f for f in files if not _DEV.search(os.path.basename(f)[len("requirements"):]
                                                if os.path.dirname(f) == root
                                                else os.path.basename(f))]
    depth = {f: 0 for f in todo}
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            text = Path(path).read_text("utf-8", "replace")
        except OSError:
            continue
        rel = os.path.relpath(path, root)
        for line in text.splitlines():
            line = line.split(" #", 1)[0].strip()
            m = re.match(r"-r\s*(\S+)|--requirement[=\s]+(\S+)", line)
            if m and depth[path] < 1:
                nested = os.path.join(os.path.dirname(path), m.group(1) or m.group(2))
                depth.setdefault(nested, depth[path] + 1)
                todo.append(nested)
            elif line and not line.startswith("#"):
                _add(deps, [line], rel)


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _setup_deps(root: str, deps: dict[str, str]) -> None:
    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read(os.path.join(root, "setup.cfg"), encoding="utf-8")
        requires = cfg.get("options", "install_requires", fallback="")
    except (configparser.Error, UnicodeDecodeError):
        requires = ""
    _add(deps, requires.splitlines(), "setup.cfg")
    try:
        tree = ast.parse(Path(root, "setup.py").read_bytes())
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "install_requires":
            _add(deps, [n.value for n in ast.walk(node.value)
                        if isinstance(n, ast.Constant) and isinstance(n.value, str)], "setup.py")


def _loader_in(deps: dict[str, str]) -> tuple[str, str] | None:
    for name, where in deps.items():
        if name in LOADERS:
            return LOADERS[name], where
    return None


def _loader_in_sources(root: str, files: list[str]) -> tuple[str, str] | None:
    """A loader imported by the project's Python files (git ls-files; a bounded walk outside
    git): `import dotenv`, `from pydantic_settings import ...`, `import environ`, ..."""
    mods = "|".join(_LOADER_MODULES)
    pattern = re.compile(rf"^[ \t]*(?:from[ \t]+({mods})[ \t.]|import[ \t]+({mods})\b)", re.M)
    for path in files:
        if is_test_path(path):
            continue  # tests loading an env file do not load it for the program
        try:
            text = Path(root, path).read_text("utf-8", "replace")
        except OSError:
            continue
        m = pattern.search(text)
        if m:
            return _LOADER_MODULES[m.group(1) or m.group(2)], path
    return None


def python_files(root: str, limit: int = 5000) -> list[str]:
    """The project's Python files, relative to `root` (git's list; a bounded walk outside git)."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard", "--", "*.py"],
                             capture_output=True, text=True, check=False)
        if out.returncode == 0:
            return [p for p in out.stdout.split("\0") if p][:limit]
    except OSError:
        pass
    found: list[str] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in
                   ("venv", "node_modules", "__pycache__", "build", "dist", "site-packages")]
        found += [os.path.relpath(os.path.join(directory, f), root) for f in files
                  if f.endswith(".py")]
        if len(found) >= limit:
            break
    return found[:limit]


# ------------------------------------------------------------------------------ import style
def _style(root: str, pyproject: dict[str, Any]) -> ImportStyle:
    """ruff's isort settings (ruff.toml, .ruff.toml, pyproject [tool.ruff]) win over isort's
    (.isort.cfg, pyproject [tool.isort], setup.cfg, tox.ini), as a project has one linter."""
    tool = pyproject.get("tool", {}) if isinstance(pyproject.get("tool"), dict) else {}
    for name in (".ruff.toml", "ruff.toml"):
        data = _toml(os.path.join(root, name))
        if data:
            return _ruff_style(root, data, name)
    if "ruff" in tool:
        return _ruff_style(root, tool["ruff"], "pyproject.toml [tool.ruff]")
    if isinstance(tool.get("isort"), dict):
        return _isort_style(root, tool["isort"], "pyproject.toml [tool.isort]")
    for name, section in ((".isort.cfg", "settings"), ("setup.cfg", "isort"),
                          ("tox.ini", "isort")):
        cfg = configparser.ConfigParser(interpolation=None)
        try:
            cfg.read(os.path.join(root, name), encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if cfg.has_section(section):
            return _isort_style(root, dict(cfg.items(section)), f"{name} [{section}]")
    return ImportStyle(first_party_roots=(root, os.path.join(root, "src")))


def _names(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    return frozenset(v.strip() for v in value if isinstance(v, str) and v.strip()) \
        if isinstance(value, (list, tuple)) else frozenset()


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else default
    except (TypeError, ValueError):
        return default


def _ruff_style(root: str, ruff: dict[str, Any], source: str) -> ImportStyle:
    lint = ruff.get("lint", {}) if isinstance(ruff.get("lint"), dict) else {}
    opts = lint.get("isort") or ruff.get("isort") or {}
    src = ruff.get("src", [".", "src"])
    roots = tuple(os.path.join(root, s) for s in src if isinstance(s, str)) \
        if isinstance(src, list) else (root,)
    return ImportStyle(
        known_first_party=_names(opts.get("known-first-party", [])),
        known_third_party=_names(opts.get("known-third-party", [])),
        force_single_line=_flag(opts.get("force-single-line")),
        force_sort_within_sections=_flag(opts.get("force-sort-within-sections")),
        from_first=_flag(opts.get("from-first")),
        case_sensitive=_flag(opts.get("case-sensitive")),
        lines_after_imports=_int(opts.get("lines-after-imports"), -1),
        first_party_roots=roots, source=source)


_PROFILES = {"google": {"force_single_line": True, "force_sort_within_sections": True}}


def _isort_style(root: str, opts: dict[str, Any], source: str) -> ImportStyle:
    opts = {k.replace("-", "_"): v for k, v in opts.items()}
    profile = _PROFILES.get(str(opts.get("profile", "")).strip(), {})
    merged = {**profile, **opts}
    src = merged.get("src_paths", [])
    roots = tuple(os.path.join(root, s) for s in _names(src)) or (root, os.path.join(root, "src"))
    return ImportStyle(
        known_first_party=_names(merged.get("known_first_party", [])),
        known_third_party=_names(merged.get("known_third_party", [])),
        force_single_line=_flag(merged.get("force_single_line")),
        force_sort_within_sections=_flag(merged.get("force_sort_within_sections")),
        from_first=_flag(merged.get("from_first")),
        case_sensitive=_flag(merged.get("case_sensitive")),
        lines_after_imports=_int(merged.get("lines_after_imports"), -1),
        first_party_roots=roots, source=source)


class Projects:
    """`Project` per root, read once per run."""

    def __init__(self) -> None:
        self._by_dir: dict[str, str] = {}
        self._by_root: dict[str, Project] = {}

    def of(self, path: str) -> Project:
        """The project holding `path`."""
        directory = os.path.dirname(os.path.realpath(path))
        root = self._by_dir.get(directory)
        if root is None:
            root = self._by_dir[directory] = find_root(path)
        if root not in self._by_root:
            self._by_root[root] = load(root)
        return self._by_root[root]
