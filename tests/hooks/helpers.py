"""Helpers for the hook tests: git and keylint subprocesses, files, fake-key lines."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.fakes import assignment, fake_key

KEY_RULE = "openai-project-key"


def openai_line(seed: int = 0) -> str:
    """A Python line assigning a fake OpenAI project key (built now, never stored)."""
    return assignment(KEY_RULE, fake_key(KEY_RULE, seed)) + "\n"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in `repo`; output captured as text."""
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


def keylint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m keylint ARGS` in `cwd` (the installed keylint, as a user would)."""
    return subprocess.run([sys.executable, "-m", "keylint", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def hook(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `keylint-hook` entry point (`keylint.hooks.precommit:main`) in `cwd`."""
    return subprocess.run([sys.executable, "-m", "keylint.hooks.precommit", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def write(repo: Path, name: str, text: str | bytes) -> Path:
    """Write a file under `repo` (parents created)."""
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def stage(repo: Path, names: Sequence[str]) -> None:
    """`git add` these paths."""
    git(repo, "add", "--", *names)
