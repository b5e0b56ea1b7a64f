"""Helpers for the release tests: a copy of this checkout's package as a user's clone holds it,
and the version pyproject.toml declares."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
# What building and installing keylint, its hooks and its Action needs (committed or not).
PACKAGE_FILES = ("pyproject.toml", "README.md", "CHANGELOG.md", ".pre-commit-hooks.yaml",
                 "action.yml", "Dockerfile", ".dockerignore")


def version() -> str:
    """`version` in pyproject.toml: the release being made."""
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def copy_package(dest: Path) -> Path:
    """This checkout's package files (as they are on disk) under `dest`, no caches."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "keylint", dest / "keylint",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return dest


def git_env(home: Path) -> dict[str, str]:
    """The environment for git and pre-commit: throwaway HOME and config, fixed identity."""
    env = dict(os.environ, HOME=str(home), GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=str(home / "gitconfig"), NO_COLOR="1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "VIRTUAL_ENV"):
        env.pop(var, None)
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "keylint tests"
        env[f"GIT_{role}_EMAIL"] = "tests@keylint.invalid"
    return env


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    """Run git; its stdout (stripped)."""
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def run_dir(base: Path) -> Path:
    """The directory of this test run that pytest -n workers share (`base`: getbasetemp())."""
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_pip_cache(base: Path) -> str:
    """One pip cache for this run's installs of keylint (the Action's, the tagged hook's):
    the second downloads nothing. Never the user's cache."""
    cache = run_dir(base) / "keylint-pip-cache"
    cache.mkdir(exist_ok=True)
    return str(cache)
