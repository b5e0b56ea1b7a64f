"""Was the key committed? Counted per commit, on every ref, without the key in any argv."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from keylint.fix import history
from tests.fix.util import KEYS, git, git_repo

K, A, G = KEYS["openai"], KEYS["anthropic"], KEYS["github"]


def _commit(repo: Path, name: str, text: str, message: str) -> None:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-qm", message)


def test_counts_commits_per_key(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "r")
    _commit(repo, "app.py", f'K = "{K}"\n', "one")
    _commit(repo, "app.py", f'K = "{K}"\nA = "{A}"\n', "two")
    (repo / "app.py").write_text(f'K = "{K}"\nA = "{A}"\nG = "{G}"\n')  # not committed
    found = history.commits_holding(str(repo / "app.py"), [K, A, G])
    assert found.in_git
    assert [len(c) for c in found.commits] == [2, 1, 0]


def test_other_branches_count(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "r")
    _commit(repo, "app.py", "x = 1\n", "base")
    git(repo, "checkout", "-qb", "feature")
    _commit(repo, "app.py", f'K = "{K}"\n', "key on a branch")
    git(repo, "checkout", "-q", "-")
    assert [len(c) for c in history.commits_holding(str(repo / "app.py"), [K]).commits] == [1]


def test_outside_git(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f'K = "{K}"\n')
    assert history.commits_holding(str(tmp_path / "a.py"), [K]).in_git is False


def test_untracked_file_in_a_repository(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "r")
    (repo / "new.py").write_text(f'K = "{K}"\n')
    found = history.commits_holding(str(repo / "new.py"), [K])
    assert found.in_git and found.commits == (frozenset(),)


def test_the_key_is_never_a_command_line_argument(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git_repo(tmp_path / "r")
    _commit(repo, "app.py", f'K = "{K}"\n', "one")
    seen: list[list[str]] = []
    real = subprocess.run

    def spy(args: list[str], *a: Any, **kw: Any) -> Any:
        seen.append(list(args))
        return real(args, *a, **kw)

    monkeypatch.setattr(history.subprocess, "run", spy)
    assert [len(c) for c in history.commits_holding(str(repo / "app.py"), [K]).commits] == [1]
    assert seen and not any(K in arg for args in seen for arg in args)
