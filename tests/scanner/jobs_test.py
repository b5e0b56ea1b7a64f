"""`--jobs N`: an upper bound on the worker processes (CPUs, files, commits); a bad value is
one line and exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from keylint.cli import main
from keylint.config import Config
from keylint.scanner import history, jobs
from keylint.scanner.history import scan_history
from keylint.scanner.workers import StreamPool
from tests.fakes import assignment, fake_key
from tests.gitenv import isolated_git  # noqa: F401 (autouse fixture)
from tests.scanner.gitrepo import commit, new_repo

RULE = "openai-project-key"


def test_workers_are_bounded_by_the_request_the_cpus_and_the_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "cpus", lambda: 4)
    assert jobs.workers(0, 1000) == 4  # the default: one per CPU
    assert jobs.workers(2, 1000) == 2
    assert jobs.workers(64, 1000) == 4
    assert jobs.workers(10**20, 250) == 4
    assert jobs.workers(64, 3) == 3
    assert jobs.workers(0, 0) == 1
    monkeypatch.setattr(jobs, "cpus", lambda: 4096)
    assert jobs.workers(1000, 210) == 210


def _tree(root: Path, files: int) -> None:
    for i in range(files):
        text = assignment(RULE, fake_key(RULE, i)) + "\n" if i % 50 == 0 else f"x = {i}\n"
        (root / f"m{i:03}.py").write_text(text, encoding="utf-8")


def _scan(capsys: pytest.CaptureFixture[str], *extra: str) -> list[Any]:
    capsys.readouterr()
    assert main(["scan", "--no-baseline", "--format", "json", *extra, "."]) == 1
    return [(r["path"], r["line"], r["hashed_secret"])
            for r in json.loads(capsys.readouterr().out)["results"]]


def test_a_tree_scan_forks_no_more_workers_than_cpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path, 210)  # enough files for a parallel scan
    monkeypatch.chdir(tmp_path)
    alone = _scan(capsys, "--jobs", "1")
    assert len(alone) == 5
    monkeypatch.setattr(jobs, "cpus", lambda: 2)
    forks: list[int] = []
    real_fork = os.fork

    def counting() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting)
    assert _scan(capsys, "--jobs", "16") == alone
    assert len(forks) == 1  # two processes: this one and one child


def test_a_history_scan_forks_no_more_workers_than_commits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = new_repo(tmp_path)
    for i in range(3):
        (repo / f"c{i}.py").write_text(assignment(RULE, fake_key(RULE, 60 + i)) + "\n")
        commit(repo, f"c{i}")
    monkeypatch.setattr(history, "_PARALLEL_MIN_COMMITS", 1)
    monkeypatch.setattr(jobs, "cpus", lambda: 64)
    sizes: list[int] = []

    class Counted(StreamPool):
        def __init__(self, n: int, work: Any) -> None:
            sizes.append(n)
            super().__init__(n, work)

    monkeypatch.setattr(history, "StreamPool", Counted)
    found = scan_history(str(repo), [["HEAD"]], Config(), jobs=50, cwd=str(repo)).findings
    assert len(found) == 3
    assert sizes == [3]


@pytest.mark.parametrize("argv", [
    ["scan"], ["audit", "--ci"], ["baseline", "update"], ["baseline", "migrate"],
])
@pytest.mark.parametrize("value", ["x", "1.5", "", "-1", "2x", "\u0663"])
def test_a_bad_jobs_value_is_one_line_and_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: list[str], value: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*argv, f"--jobs={value}"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == (f"keylint: error: --jobs {value!r}: expected a whole number of worker "
                       "processes, 0 (one per CPU) or more\n")
