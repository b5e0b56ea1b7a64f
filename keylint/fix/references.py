"""Is a module-level name used by another file of the repository? (Then it is exported.)

A constant may become a `SecureString` only if no other module reads it: a `from config import
KEY` elsewhere would receive the wrapper and break. The search is deliberately coarse: any other
Python file or notebook that contains the name as a word counts, and so does a star import of
the module. Inside git it is one `git grep`; outside, a walk of the directory.
"""

from __future__ import annotations

import os
import re
import subprocess
from functools import lru_cache

_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "env", "node_modules", "__pycache__",
                        "site-packages", ".tox", ".nox", "build", "dist"})
_SUFFIXES = (".py", ".pyi", ".ipynb")
_WALK_LIMIT = 20000


class Repository:
    """Name searches over the repository (or directory) rooted at `root`."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.git = _is_git(self.root)

    def exported(self, name: str, path: str) -> str | None:
        """Why `name` (defined in `path`) counts as read elsewhere; None when it does not."""
        here = os.path.realpath(path)
        for other in _search(self.root, self.git, name):
            if os.path.realpath(os.path.join(self.root, other)) != here:
                return f"{name} is used elsewhere in the repository ({other})"
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem == "__init__":
            stem = os.path.basename(os.path.dirname(os.path.abspath(path)))
        star = re.compile(rf"from\s+[\w.]*\b{re.escape(stem)}\s+import\s+\*")
        for other in _search(self.root, self.git, "*"):
            full = os.path.join(self.root, other)
            if os.path.realpath(full) != here and star.search(_read(full)):
                return f"{other} star-imports this module"
        return None


def _is_git(root: str) -> bool:
    try:
        out = subprocess.run(["git", "-C", root, "rev-parse", "--is-inside-work-tree"],
                             capture_output=True, text=True, check=False)
    except OSError:
        return False
    return out.returncode == 0 and out.stdout.strip() == "true"


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


@lru_cache(maxsize=256)
def _search(root: str, git: bool, word: str) -> tuple[str, ...]:
    """Files (relative to `root`) holding `word` as a word, or, for "*", a star import."""
    args = ["-E", "-e", r"import[[:space:]]+[*]"] if word == "*" else ["-w", "-F", "-e", word]
    if git:
        try:
            out = subprocess.run(
                ["git", "-C", root, "grep", "-l", "--untracked", "-I", *args, "--",
                 *(f"*{s}" for s in _SUFFIXES)],
                capture_output=True, text=True, check=False,
            )
        except OSError:
            out = None
        if out is not None and out.returncode in (0, 1):
            return tuple(line for line in out.stdout.splitlines() if line)
    regex = re.compile(r"import\s+\*" if word == "*" else rf"\b{re.escape(word)}\b")
    return tuple(_walk_search(root, regex))


def _walk_search(root: str, regex: re.Pattern[str]) -> list[str]:
    found: list[str] = []
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if not name.endswith(_SUFFIXES):
                continue
            seen += 1
            if seen > _WALK_LIMIT:  # pragma: no cover (huge unversioned trees)
                return found
            full = os.path.join(dirpath, name)
            if regex.search(_read(full)):
                found.append(os.path.relpath(full, root))
    return found
