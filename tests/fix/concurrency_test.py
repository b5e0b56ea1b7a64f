"""Concurrent `keylint fix` runs on one tree, in separate processes: no key is ever lost."""

from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path

import pytest

from keylint.fix import dotenv
from tests.fakes import fake_key
from tests.fix.util import git, git_repo

RUNS, FILES_PER_RUN = 4, 6


def _run_fix(repo: str, files: list[str], barrier: multiprocessing.synchronize.Barrier) -> None:
    from keylint.cli import main

    os.chdir(repo)
    barrier.wait()  # every run starts together, so their reads and writes overlap
    raise SystemExit(main(["fix", *files]))


def test_concurrent_runs_lose_no_key_and_give_no_name_two_values(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_TOKEN")):
            monkeypatch.delenv(name)
    repo = git_repo(tmp_path / "repo")
    keys = {f"m{i}.py": fake_key("openai-project-key", 100 + i) for i in range(RUNS * FILES_PER_RUN)}
    for name, key in keys.items():
        (repo / name).write_text(f'from openai import OpenAI\n\nclient = OpenAI(api_key="{key}")\n')
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "keys")
    names = sorted(keys)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(RUNS)
    runs = [ctx.Process(target=_run_fix, args=(str(repo), names[i::RUNS], barrier))
            for i in range(RUNS)]
    for p in runs:
        p.start()
    for p in runs:
        p.join(timeout=300)
    assert [p.exitcode for p in runs] == [1] * RUNS

    env_text = (repo / ".env").read_text()
    assigned = re.findall(r"^([A-Z0-9_]+)=", env_text, re.MULTILINE)
    assert len(assigned) == len(set(assigned)) == len(keys)  # one line per key, no name twice
    env = dotenv.read(repo / ".env")
    for name, key in keys.items():
        source = (repo / name).read_text()
        assert key not in source
        (var,) = re.findall(r'os\.environ\["(\w+)"\]', source)
        assert env[var] == key, f"{name} reads {var}, which holds another key"
