"""Helpers for the baseline tests: fake-key lines, files, keylint and git runs, baseline JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from keylint.cli import main
from tests.fakes import assignment, fake_key


def line(rule_id: str, seed: int = 0) -> str:
    """A Python line assigning a fake key of `rule_id` (built now, never stored)."""
    return assignment(rule_id, fake_key(rule_id, seed)) + "\n"


def write(root: Path, name: str, text: str) -> Path:
    """Write a UTF-8 file under `root` (parents created)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*argv: str) -> int:
    """`keylint ARGV` in-process, in the current directory."""
    return main(list(argv))


def keylint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m keylint ARGS` as a separate process in `cwd`."""
    return subprocess.run([sys.executable, "-m", "keylint", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def tool(name: str) -> str:
    """A console script installed next to this Python (detect-secrets, detect-secrets-hook)."""
    return str(Path(sys.executable).parent / name)


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in `repo`, output captured as text."""
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


def init_repo(path: Path) -> Path:
    """`git init` with a main branch."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def doc(path: Path) -> dict[str, Any]:
    """The baseline as JSON."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def entries(path: Path) -> list[dict[str, Any]]:
    """Every entry of the baseline, in file order."""
    return [e for items in doc(path)["results"].values() for e in items]


def label(path: Path, filename: str, is_secret: bool | None) -> None:
    """Set (or clear) the audit label of every entry of `filename`, as a person would by hand."""
    data = doc(path)
    for e in data["results"][filename]:
        if is_secret is None:
            e.pop("is_secret", None)
        else:
            e["is_secret"] = is_secret
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
