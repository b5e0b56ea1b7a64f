"""A baseline or config that is no regular file (a FIFO, `/dev/zero`) is refused in one line:
reading one would block forever or never end (memory runs out)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from keylint.reading import read_regular
from tests.gitenv import isolated_git  # noqa: F401 (autouse: git isolated in every test)

_MEMORY = 1 << 30  # a regression must fail this test, not exhaust the machine


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))


def keylint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "keylint", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=60, preexec_fn=_bounded)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    os.mkfifo(tmp_path / "fifo")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def test_read_regular_reads_files_and_refuses_the_rest(tree: Path) -> None:
    assert read_regular(tree / "a.py") == b"x = 1\n"
    for special in (tree / "fifo", Path(os.devnull), tree):
        with pytest.raises(OSError):
            read_regular(special)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_baseline_that_is_no_file_is_an_error(tree: Path, special: str) -> None:
    for args in (("scan", "--baseline", special, "a.py"), ("audit", "--ci", special)):
        done = keylint(tree, *args)
        assert done.returncode == 2
        assert done.stderr == f"keylint: error: {special}: cannot read baseline: not a regular file\n"
    (tree / "pyproject.toml").write_text(f'[tool.keylint]\nbaseline = "{special}"\n')
    done = keylint(tree, "scan", "a.py")  # the repository's own setting: the same
    assert done.returncode == 2 and "cannot read baseline: not a regular file" in done.stderr


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_config_that_is_no_file_is_an_error(tree: Path, special: str) -> None:
    done = keylint(tree, "scan", "--config", special, "a.py")
    assert done.returncode == 2
    assert done.stderr == f"keylint: error: {special}: cannot read config: not a regular file\n"


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_gitignore_that_is_no_file_does_not_stop_a_walk(tmp_path: Path, special: str) -> None:
    """Outside git keylint reads every .gitignore it walks past: a FIFO hung the scan, a link
    to /dev/zero ran it out of memory. Such a .gitignore ignores nothing."""
    from tests.fakes import assignment, fake_key

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/a.py").write_text(assignment("openai-project-key", fake_key(
        "openai-project-key", 30)) + "\n", encoding="utf-8")
    if special == "fifo":
        os.mkfifo(tmp_path / "sub/.gitignore")
    else:
        (tmp_path / "sub/.gitignore").symlink_to(special)
    done = keylint(tmp_path, "scan", "--no-baseline", ".")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("sub/a.py:1:")
