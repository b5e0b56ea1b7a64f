"""Keep tests away from the user's git: no global or system config, a throwaway HOME."""

from __future__ import annotations

from pathlib import Path

import pytest


def isolate_git(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A throwaway HOME, no global or system git config, a fixed identity, no colour."""
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "keylint tests")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tests@keylint.invalid")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test of a module that imports this fixture runs with its git isolated."""
    isolate_git(tmp_path_factory.mktemp("home"), monkeypatch)
