"""Pre-push: the commits being pushed are scanned, so a key committed and deleted is still caught.

Real pushes to a local bare remote through `keylint install-hook --pre-push`, and the hook entry
as pre-commit calls it at the pre-push stage (its environment names the range).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.hooks.prepush import specs_from_env, specs_from_stdin
from tests.fakes import fake_key
from tests.hooks.helpers import KEY_RULE, git, hook, keylint, openai_line, stage, write

Z40 = "0" * 40


@pytest.fixture
def remote(tmp_path: Path, repo: Path) -> Path:
    """A bare remote `origin` holding one clean commit of `main`."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(repo, "checkout", "-q", "-b", "main")
    write(repo, "README.md", "project\n")
    stage(repo, ["README.md"])
    git(repo, "commit", "-q", "-m", "init")
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "origin", "main")
    return bare


def leak_and_delete(repo: Path, name: str, seed: int) -> str:
    """Commit a key, then a commit that deletes it: the tip is clean, the history is not."""
    write(repo, name, openai_line(seed))
    stage(repo, [name])
    git(repo, "commit", "-q", "--no-verify", "-m", f"add {name}")
    git(repo, "rm", "-q", name)
    git(repo, "commit", "-q", "--no-verify", "-m", f"remove {name}")
    return fake_key(KEY_RULE, seed)


def test_installed_pre_push_hook_blocks_a_deleted_key(repo: Path, remote: Path) -> None:
    installed = keylint(repo, "install-hook", "--pre-push")
    assert installed.returncode == 0, installed.stderr
    assert "each push now scans the commits it sends" in installed.stdout
    key = leak_and_delete(repo, "settings.py", 1)

    pushed = git(repo, "push", "origin", "main", check=False)
    out = pushed.stdout + pushed.stderr
    assert pushed.returncode != 0, out
    assert "settings.py@" in out and "[history only" in out
    assert "in the commits being pushed: blocked" in out
    assert key not in out
    assert git(remote, "rev-parse", "main").stdout == git(repo, "rev-parse", "main~2").stdout


def test_new_branch_clean_push_and_deletion(repo: Path, remote: Path) -> None:
    assert keylint(repo, "install-hook", "--pre-push").returncode == 0
    git(repo, "checkout", "-q", "-b", "feature")
    key = leak_and_delete(repo, "notes.py", 2)
    blocked = git(repo, "push", "origin", "feature", check=False)
    assert blocked.returncode != 0 and "notes.py@" in blocked.stderr + blocked.stdout
    assert key not in blocked.stdout + blocked.stderr

    # Commits already on a remote-tracking branch are not scanned again.
    git(repo, "checkout", "-q", "main")
    write(repo, "clean.py", "x = 1\n")
    stage(repo, ["clean.py"])
    git(repo, "commit", "-q", "-m", "clean")
    git(repo, "checkout", "-q", "-b", "clean-branch")
    ok = git(repo, "push", "origin", "main", "clean-branch", check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    deleted = git(repo, "push", "origin", "--delete", "clean-branch", check=False)
    assert deleted.returncode == 0, deleted.stderr


def test_baselined_key_passes_the_push(repo: Path, remote: Path) -> None:
    assert keylint(repo, "install-hook", "--pre-push").returncode == 0
    leak_and_delete(repo, "old.py", 3)
    assert keylint(repo, "baseline", "create", "--history").returncode == 0
    stage(repo, [".secrets.baseline", ".keylint_detect_secrets.py"])
    git(repo, "commit", "-q", "--no-verify", "-m", "baseline: the rotated key")
    pushed = git(repo, "push", "origin", "main", check=False)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr


def test_hook_entry_scans_pre_commits_range(repo: Path, remote: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    key = leak_and_delete(repo, "cfg.py", 4)
    env = {"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": "HEAD"}
    done = subprocess.run([sys.executable, "-m", "keylint.hooks.precommit"], cwd=repo,
                          env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("cfg.py@") and key not in done.stdout + done.stderr
    # At the commit stage (no range in the environment) the files given are scanned instead.
    assert hook(repo, "README.md").returncode == 0


def test_hook_bad_range_is_an_error(repo: Path, remote: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "keylint.hooks.precommit", "--pre-push", "origin"],
                          cwd=repo, input=f"refs/heads/main {'f' * 40} refs/heads/main {Z40}\n",
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "bad revision or range" in done.stderr


@pytest.mark.parametrize("stdin", ["garbage\n", f"refs/heads/main {'a' * 40}\n"])
def test_a_line_git_never_writes_fails_closed(repo: Path, stdin: str) -> None:
    write(repo, "app.py", openai_line(5))
    stage(repo, ["app.py"])
    git(repo, "commit", "-qm", "key")
    done = subprocess.run([sys.executable, "-m", "keylint.hooks.precommit", "--pre-push", "origin"],
                          cwd=repo, input=stdin, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "standard input" in done.stderr


def test_specs_from_env() -> None:
    assert specs_from_env({}) is None
    assert specs_from_env({"PRE_COMMIT_FROM_REF": "a", "PRE_COMMIT_TO_REF": "b"}) == [["a..b"]]
    # pre-commit gives no range for a new branch that starts at a root commit.
    assert specs_from_env({"PRE_COMMIT_REMOTE_NAME": "up", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/x"}
                          ) == [["refs/heads/x", "--not", "--remotes=up"]]


def test_specs_from_stdin(repo: Path, remote: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    lines = (f"refs/heads/main {'a' * 40} refs/heads/main {head}\n"
             f"refs/heads/new {'b' * 40} refs/heads/new {Z40}\n"
             f"(delete) {Z40} refs/heads/old {head}\n"
             f"refs/heads/x {'c' * 40} refs/heads/x {'d' * 40}\n")
    assert specs_from_stdin(lines, "origin", str(repo)) == [
        [f"{head}..{'a' * 40}"],
        ["b" * 40, "--not", "--remotes=origin"],
        ["c" * 40, "--not", "--remotes=origin"],  # the remote's tip is not here: not an ancestor
    ]
