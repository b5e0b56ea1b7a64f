"""Module constants read by other files of the repository count as exported."""

from __future__ import annotations

from pathlib import Path

import pytest

from keylint.fix.references import Repository
from tests.fix.util import git_repo


@pytest.fixture(params=["git", "plain"])
def root(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A repository (git, or a plain directory walked by hand) with a config module."""
    path = git_repo(tmp_path / "repo") if request.param == "git" else tmp_path / "dir"
    path.mkdir(exist_ok=True)
    if request.param == "plain":
        (path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (path / "pkg").mkdir()
    (path / "pkg" / "config.py").write_text('OPENAI_API_KEY = "x"\nLOCAL_ONLY = "y"\n')
    return path


def test_import_elsewhere_is_found(root: Path) -> None:
    (root / "app.py").write_text("from pkg.config import OPENAI_API_KEY\n")
    reason = Repository().exported("OPENAI_API_KEY", str(root / "pkg" / "config.py"))
    assert reason == "OPENAI_API_KEY is used elsewhere in the repository (app.py)"


def test_name_used_only_in_its_module(root: Path) -> None:
    (root / "app.py").write_text("import pkg.config\n")
    assert Repository().exported("LOCAL_ONLY", str(root / "pkg" / "config.py")) is None


def test_star_import_of_the_module(root: Path) -> None:
    (root / "app.py").write_text("from pkg.config import *\n")
    reason = Repository().exported("LOCAL_ONLY", str(root / "pkg" / "config.py"))
    assert reason == "app.py star-imports this module"


def test_notebooks_count(root: Path) -> None:
    (root / "nb.ipynb").write_text('{"cells": [{"source": ["print(LOCAL_ONLY)"]}]}')
    assert Repository().exported("LOCAL_ONLY", str(root / "pkg" / "config.py"))


def test_virtualenvs_are_not_searched_outside_git(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "x.py").write_text("LOCAL_ONLY\n")
    (tmp_path / "config.py").write_text('LOCAL_ONLY = "y"\n')
    assert Repository().exported("LOCAL_ONLY", str(tmp_path / "config.py")) is None
