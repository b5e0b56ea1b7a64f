"""A throwaway git repository for the history tests: make one, commit everything in it."""

from __future__ import annotations

from pathlib import Path

from tests.hooks.helpers import git


def new_repo(tmp_path: Path) -> Path:
    """An empty repository on branch `main` under `tmp_path`."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return path


def commit(repo: Path, message: str) -> str:
    """Commit every change in the work tree (hooks skipped, empty allowed); the new sha."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()
