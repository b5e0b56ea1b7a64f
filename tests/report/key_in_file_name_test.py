"""A file named after the key it holds: the name is masked in every output, also for a key the
rules know only by its context (a bare Mistral key, a password), which the name alone lacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from keylint.masking import mask, shown_path
from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)

BARE = "mistral-api-key"  # a bare 32-character key: a key only beside MISTRAL_API_KEY
PASSWORD = fake_key("password-assignment", 5)  # a password: a secret only after its name


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, str]:
    key = fake_key(BARE, 5)
    assert shown_path(f"{key}.py") == f"{key}.py"  # the name alone is no key to the rules
    (tmp_path / f"{key}.py").write_text(assignment(BARE, key) + "\n", encoding="utf-8")
    password_line = assignment("password-assignment", PASSWORD) + "\n"
    (tmp_path / f"{PASSWORD}.py").write_text(password_line, encoding="utf-8")
    # Another file's finding, in a directory named after the first key: masked there too.
    (tmp_path / key).mkdir()
    (tmp_path / key / "b.py").write_text(password_line, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path, key


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_scan_reports_mask_the_key_in_the_file_name(tree: tuple[Path, str], fmt: str) -> None:
    root, key = tree
    done = run(root, "keylint", "scan", "--format", fmt, ".")
    assert done.returncode == 1, done.stderr
    out = done.stdout + done.stderr
    assert key not in out and PASSWORD not in out
    shown = mask(key) if fmt != "sarif" else mask(key).replace("*", "%2A")
    assert shown in out


def test_history_and_hook_mask_the_key_in_the_file_name(tree: tuple[Path, str]) -> None:
    root, key = tree
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    hook = run(root, "keylint.hooks.precommit", f"{key}.py", f"{PASSWORD}.py", f"{key}/b.py")
    assert hook.returncode == 1, hook.stderr
    assert f"keylint fix {mask(key)}.py" in hook.stdout
    staged = run(root, "keylint", "scan", "--staged")
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "x"], cwd=root, check=True)
    history = run(root, "keylint", "scan", "--history")
    for done in (hook, staged, history):
        assert done.returncode == 1, done.stderr
        assert key not in done.stdout + done.stderr
        assert PASSWORD not in done.stdout + done.stderr
