"""Throwaway git repositories for the hook tests, isolated from the user's git config and HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitenv import isolate_git
from tests.hooks.helpers import git


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config, a throwaway HOME, a fixed identity, no colour."""
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository (no commits yet)."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    return path
