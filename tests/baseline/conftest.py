"""Baseline tests run in throwaway directories, isolated from the user's git config and HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitenv import isolate_git


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config, a throwaway HOME, a fixed identity, no colour."""
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (the current directory for the test), not a git repository."""
    path = tmp_path / "work"
    path.mkdir()
    monkeypatch.chdir(path)
    return path
