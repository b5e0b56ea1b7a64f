"""The `keylint-fix` hook through real pre-commit (`try-repo`), as users get it.

pre-commit pip-installs the hook repository into a fresh environment (PyPI is needed for the
dependencies), so this module makes a single install. The hook repository is a git copy of this
checkout's package and manifest as they are on disk, found from this file's location; HOME,
PRE_COMMIT_HOME and pip's cache are throwaway directories.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from keylint.fix import dotenv
from tests.fix.util import KEYS, fill

ROOT = Path(__file__).resolve().parents[2]
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
               PRE_COMMIT_HOME=str(home / "pre-commit"), PIP_CACHE_DIR=str(home / "pip"),
               PIP_DISABLE_PIP_VERSION_CHECK="1", PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = "keylint tests"
        env[f"GIT_{role}_EMAIL"] = "tests@keylint.invalid"
    return env


def _run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)


def test_keylint_fix_hook_rewrites_and_then_passes(tmp_path: Path) -> None:
    env = _env(tmp_path / "home")
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    for name in HOOK_REPO_FILES:
        shutil.copy2(ROOT / name, hook_repo / name)
    shutil.copytree(ROOT / "keylint", hook_repo / "keylint",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    project = tmp_path / "project"
    project.mkdir()
    for repo in (hook_repo, project):
        assert _run(repo, env, "git", "init", "-q").returncode == 0
    (project / "app.py").write_text(fill('from openai import OpenAI\n\n'
                                         'client = OpenAI(api_key="<openai>")\n'))
    (project / "clean.py").write_text("x = 1\n")
    for repo in (hook_repo, project):
        assert _run(repo, env, "git", "add", "-A").returncode == 0
    assert _run(hook_repo, env, "git", "commit", "-qm", "hook repo").returncode == 0

    first = _run(project, env, sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
                 "keylint-fix", "--files", "app.py", "clean.py")
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    assert "keylint fix (move keys into .env)" in out and "Failed" in out
    assert "files were modified by this hook" in out
    assert KEYS["openai"] not in out
    assert (project / "app.py").read_text() == (
        'import os\n\nfrom openai import OpenAI\n\n'
        'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n')
    assert dotenv.read(project / ".env") == {"OPENAI_API_KEY": KEYS["openai"]}
    assert stat.S_IMODE(os.stat(project / ".env").st_mode) == 0o600
    assert _run(project, env, "git", "check-ignore", "-q", ".env").returncode == 0

    assert _run(project, env, "git", "add", "app.py", ".gitignore").returncode == 0
    second = _run(project, env, sys.executable, "-m", "pre_commit", "try-repo",
                  str(hook_repo), "keylint-fix", "--files", "app.py", "clean.py")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
