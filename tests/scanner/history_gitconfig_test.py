"""What a git repository holds is scanned whatever the local git setup says: a user's or a CI
machine's git configuration, or local object replacements, never hide a committed key."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)
from tests.hooks.helpers import KEY_RULE, git, keylint, write
from tests.scanner.gitrepo import commit, new_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return new_repo(tmp_path)


@pytest.mark.parametrize("args", [["--history"], ["--commits", "HEAD"]])
def test_a_key_in_the_root_commit_is_found_with_log_showroot_off(repo: Path,
                                                                 args: list[str]) -> None:
    key = fake_key(KEY_RULE, 61)
    write(repo, "settings.py", assignment(KEY_RULE, key) + "\n")
    commit(repo, "first commit")
    write(repo, "README.md", "docs\n")
    commit(repo, "docs")
    # log.showRoot=false makes `git log` show no files for a root commit: that is display
    # taste, not "the root commit introduced nothing".
    git(repo, "config", "log.showRoot", "false")
    done = keylint(repo, "scan", *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("settings.py@")
    assert key not in done.stdout + done.stderr


def _stand_in(repo: Path, blob: str) -> None:
    """`git replace` the blob with a clean one: a local stand-in, which a push does not send."""
    clean = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input="x = 1\n",
                           capture_output=True, text=True, check=True).stdout.strip()
    git(repo, "replace", blob, clean)


@pytest.mark.parametrize("args", [["--history"], ["--commits", "HEAD~1..HEAD"], ["--staged"]])
def test_a_replaced_object_does_not_hide_the_key_it_stands_for(repo: Path,
                                                               args: list[str]) -> None:
    key = fake_key(KEY_RULE, 62)
    write(repo, "README.md", "docs\n")
    commit(repo, "docs")
    write(repo, "settings.py", assignment(KEY_RULE, key) + "\n")
    git(repo, "add", "-A")
    if args != ["--staged"]:
        git(repo, "commit", "-q", "--no-verify", "-m", "settings")
    _stand_in(repo, git(repo, "rev-parse", ":settings.py").stdout.strip())
    assert "x = 1" in git(repo, "show", ":settings.py").stdout  # git now reads the stand-in
    done = keylint(repo, "scan", *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("settings.py")
    assert key not in done.stdout + done.stderr


def test_an_author_name_cannot_rewrite_the_report_on_a_terminal(repo: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """git keeps a carriage return and escape sequences in an author name: printed raw, `\\r`
    or `ESC[2K` would overwrite the finding's line on a terminal (ESC]0; sets its title)."""
    key = fake_key(KEY_RULE, 63)
    write(repo, "settings.py", assignment(KEY_RULE, key) + "\n")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "x\r\x1b[2K\x1b]0;owned\x07y")
    commit(repo, "settings")
    done = keylint(repo, "scan", "--history")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "\r" not in done.stdout and "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "by x\\r\\x1b[2K\\x1b]0;owned\\x07y; 1 commit]" in done.stdout
