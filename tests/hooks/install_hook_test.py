"""`keylint install-hook`: a real `git commit` is blocked by a staged key and passes when clean."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from tests.fakes import fake_key
from tests.hooks.helpers import KEY_RULE, git, keylint, openai_line, stage, write


def _install(repo: Path, *args: str) -> None:
    done = keylint(repo, "install-hook", *args)
    assert done.returncode == 0, done.stderr


def _commits(repo: Path) -> int:
    done = git(repo, "rev-list", "--count", "HEAD", check=False)
    return int(done.stdout) if done.returncode == 0 else 0


def test_commit_with_a_key_is_blocked_and_a_clean_one_passes(repo: Path) -> None:
    _install(repo)
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert hook.stat().st_mode & stat.S_IXUSR
    key = fake_key(KEY_RULE, 1)
    write(repo, "app.py", f'API_KEY = "{key}"\n')
    stage(repo, ["app.py"])
    blocked = git(repo, "commit", "-m", "add key", check=False)
    assert blocked.returncode != 0
    assert f"app.py:1:12: OpenAI Project Key {key[:7]}***..." in blocked.stderr
    assert key not in blocked.stdout + blocked.stderr
    assert "keylint: commit blocked" in blocked.stderr
    assert _commits(repo) == 0

    write(repo, "app.py", 'import os\nAPI_KEY = os.environ["OPENAI_API_KEY"]\n')
    stage(repo, ["app.py"])
    passed = git(repo, "commit", "-m", "read it from the environment", check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _commits(repo) == 1


def test_commit_all_scans_what_it_commits(repo: Path) -> None:
    write(repo, "app.py", "x = 1\n")
    stage(repo, ["app.py"])
    git(repo, "commit", "-q", "-m", "base")
    _install(repo)
    write(repo, "app.py", "x = 1\n" + openai_line(2))  # not staged: `commit -a` stages it
    blocked = git(repo, "commit", "-a", "-m", "edit", check=False)
    assert blocked.returncode != 0
    assert "app.py:2:12:" in blocked.stderr
    assert _commits(repo) == 1


def test_the_hook_gates_on_the_configured_baseline(repo: Path) -> None:
    write(repo, "pyproject.toml", '[tool.keylint]\nbaseline = "audit/keys.baseline"\n')
    write(repo, "tests/data.py", openai_line(3))
    (repo / "audit").mkdir()
    done = keylint(repo, "baseline", "create", "tests/data.py", "--baseline",
                   "audit/keys.baseline")
    assert done.returncode == 0, done.stderr
    _install(repo)
    stage(repo, ["pyproject.toml", "tests/data.py", "audit/keys.baseline"])
    passed = git(repo, "commit", "-m", "known test value", check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    write(repo, "app.py", openai_line(4))
    stage(repo, ["app.py"])
    assert git(repo, "commit", "-m", "new key", check=False).returncode != 0


def test_an_existing_hook_is_kept_unless_forced(repo: Path) -> None:
    hook = write(repo, ".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n")
    done = keylint(repo, "install-hook")
    assert done.returncode == 2
    assert "already there; re-run with --force" in done.stderr
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
    _install(repo, "--force")
    assert "scan --staged" in hook.read_text()
    again = keylint(repo, "install-hook")  # the same hook again: nothing to replace
    assert again.returncode == 0
    assert "already installed" in again.stdout


def test_core_hooks_path_is_honoured(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "githooks")
    (repo / "sub").mkdir()
    _install(repo / "sub")
    assert (repo / "githooks" / "pre-commit").is_file()
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    write(repo, "leak.py", openai_line(5))
    stage(repo, ["leak.py"])
    assert git(repo, "commit", "-m", "leak", check=False).returncode != 0


def test_outside_git_is_an_error(tmp_path: Path) -> None:
    done = keylint(tmp_path, "install-hook")
    assert done.returncode == 2
    assert "needs a git repository" in done.stderr


def test_without_the_installing_python_keylint_on_path_runs(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(repo)
    hook = repo / ".git" / "hooks" / "pre-commit"
    # The interpreter that installed the hook is gone (a deleted virtualenv).
    hook.write_text("".join(
        "KEYLINT_PYTHON=/nonexistent/python\n" if line.startswith("KEYLINT_PYTHON=") else line
        for line in hook.read_text().splitlines(keepends=True)))
    write(repo, "leak.py", openai_line(6))
    stage(repo, ["leak.py"])
    bin_dir = tmp_path / "bin"
    git_dir = os.path.dirname(shutil.which("git") or "/usr/bin/git")
    monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), git_dir, "/usr/bin", "/bin"]))

    bin_dir.mkdir()
    missing = git(repo, "commit", "-m", "x", check=False)
    assert missing.returncode != 0
    assert "keylint is not installed" in missing.stderr

    shim = write(bin_dir, "keylint", f'#!/bin/sh\nexec "{sys.executable}" -m keylint "$@"\n')
    shim.chmod(0o755)
    found = git(repo, "commit", "-m", "x", check=False)
    assert found.returncode != 0
    assert "leak.py:1:12:" in found.stderr
